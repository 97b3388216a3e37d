export { socketCommand } from "./socket";
export { RuntimeApi, type ServerWeight } from "./runtime-api";
export { parseStatCsv, type StatRow } from "./stats";
export { HaproxyMaster, parseShowProc, type HaproxyMasterOptions, type ProcState } from "./master";
