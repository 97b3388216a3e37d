export type { SelectorNode, SelectorError, WorkloadInstance } from "./ast";
export { printSelector } from "./ast";
export { parseSelector } from "./parse";
export { discoverRoutes, matchInstance, naturalCompare, type DiscoveredRoute } from "./evaluate";
export { reconcileWeights } from "./weights";
export { mergeDiscovered } from "./merge";
