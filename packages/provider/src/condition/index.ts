export * from "./ast";
export { parseCondition } from "./parse";
export { scan, type Token } from "./scanner";
export { toHaproxyCondition, aclName, MAX_TERMS, type Acl, type HaproxyCondition } from "./acl";
