export { renderConfig, type RenderOptions, type RenderResult } from "./render";
export { gatewayNames, instanceServer, ident } from "./names";
export { fnv1a } from "./hash";
