export type { SelectorError } from "./ast";
export { printSelector } from "./ast";
export { parseSelector } from "./parse";
export { discoverRoutes, matchInstance, naturalCompare, type DiscoveredRoute } from "./evaluate";
