/**
 * @vamp-pulumi/provider: Vamp gateways and routes as Pulumi dynamic resources, the gateway
 * engine behind them, the key-value stores they write to, and the gateway agent.
 *
 * The pure core (model → condition, selector → validation → record, resolve → render) takes
 * data and returns data; stores, HAProxy process control, the agent, discovery, the dynamic
 * resources and the command lines are its edges. docs/architecture.md draws the flow.
 */
// --- the pure core
// The model's Gateway and Route are definitions; `Gateway` at the top level is the resource.
export type {
  Gateway as GatewayDefinition,
  Route as RouteDefinition,
  Port,
  Protocol,
  Sticky,
  Instance,
  RouteTarget,
  Condition,
  Rewrite,
} from "./model/gateway";
export * from "./model/spec";
export * from "./model/record";
export * from "./model/resolved";
export * from "./model/tenant";
export * from "./model/artifact";
export * from "./model/problem";
export type { ConditionNode, Subject } from "./model/condition";
export type { SelectorNode, SelectorField, WorkloadInstance } from "./model/selector";
export * from "./condition";
export * from "./selector";
export * from "./validation";
export * from "./dsl";
export * from "./record";
export * from "./resolve";
export * from "./render";
export * from "./release";
export * from "./logs/access-log";
export * from "./logs/indices";
export * from "./metrics/histogram";
export * from "./metrics/window";
export * from "./metrics/series";
export * from "./metrics/live";
export * from "./metrics/search-query";
export * from "./events/event";
export * from "./events/changes";
export * from "./canary/error-test";
export * from "./canary/latency-test";
export * from "./canary/judge";
export * from "./canary/release";
export * from "./canary/evidence";
export * from "./model/canary";
export * from "./sla";
export * from "./schedule";
export * from "./model/release";
export * from "./model/analysis";
export * from "./model/sla";
export * from "./model/workflow";
export { toHaproxyCondition, aclName, type Acl, type HaproxyCondition } from "./render/acl";
export { planApply, type AppliedState, type Plan } from "./render/plan";

// --- edges: infrastructure, stores, HAProxy process control, the gateway agent
export * from "./infra";
export * from "./store";
export * from "./haproxy";
export * from "./agent";
export * from "./search/client";
export * from "./search/bulk";
export * from "./search/events";
export * from "./ship/spool";
export * from "./ship/log-pipeline";

// --- selector discovery (Kubernetes) and the continuous reconciler
export * from "./discovery";
export * from "./reconciler";

// --- Pulumi dynamic resources
export * from "./dynamic";

// --- what the workflow agent, the CLI and the UI's server share: a tenant's routes, weights and releases
export { listGatewayRoutes, setRouteWeights, type GatewayRoutes } from "./rollout/routes";
export { commandRelease, releaseStatus } from "./rollout/commands";
export { uiSource, type UiOptions } from "./ui/api";
