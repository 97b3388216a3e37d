export { renderConfig, type RenderOptions, type RenderResult } from "./haproxy";
export { gatewayNames, instanceServer, ident } from "./names";
export { fnv1a } from "./hash";
export { reweighConfig, weightsOnly } from "./reweigh";
