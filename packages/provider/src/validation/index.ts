export { validateGateway, type ValidateOptions } from "./gateway";
export { resolveSet, AUTO_PORTS, type ResolvedGateway, type ResolvedRoute, type Resolution, type SetOptions } from "./set";
export * from "./values";
