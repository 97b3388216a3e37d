export { GatewayAgent, type AgentOptions, type AgentEvent, type AgentStatus } from "./agent";
export { GatewayCompiler, type Compiled, type Rejection } from "./compile";
export { Applier, type ApplyOutcome, type ProxyControl } from "./apply";
export { planApply, type AppliedState, type Plan } from "../render/plan";
export type { GatewayEngine, GatewayProblem, RenderedConfig, RenderPaths } from "./engine";
export { AgentMetrics, agentStatusSource, appliedRoutes, type HealthSource } from "./health";
export type { AppliedRoute } from "../model/record";
export { defaultEngine } from "./default-engine";
export { agentEvent, type LogsEvent } from "./events";
