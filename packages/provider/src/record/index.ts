export { encodeRecord, decodeRecord } from "./codec";
export { stableStringify, changedFields } from "../model/stable";
export { normalizeSpec } from "./spec";
export * from "./ownership";
export { mergeDiscovered } from "./merge";
export { reconcileWeights } from "./weights";
export { discoveredState, sameRoutes, reconcileRecord } from "./discovery";
export { podsToInstances, podServes, type PodLike } from "./pods";
export * from "./keys";
