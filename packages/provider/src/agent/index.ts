export { GatewayAgent, type AgentOptions, type AgentEvent, type AgentStatus } from "./agent";
export { planApply, type AppliedState, type Plan } from "./plan";
export type { GatewayEngine, RenderedConfig, RenderPaths } from "./engine";
export { serveHealth, renderMetrics, type HealthSource } from "./health";
