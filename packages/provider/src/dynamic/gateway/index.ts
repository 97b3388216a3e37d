export { Gateway, type GatewayArgs, type GatewayRouteArgs } from "./resource";
export { toDsl, fromDsl, normalizeSpec, type GatewayRouteSpec, type GatewaySpecInputs, type GatewayInputs } from "./args";
