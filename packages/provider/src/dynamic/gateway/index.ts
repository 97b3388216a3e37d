export { Gateway, type GatewayArgs, type GatewayRouteArgs } from "./resource";
export type { GatewayInputs, GatewayOutputs } from "./inputs";
