/**
 * @vamp-pulumi/provider: Vamp gateways and routes as Pulumi dynamic resources, the gateway
 * engine behind them, the key-value stores they write to, and the gateway agent.
 */
// --- gateway engine: model, DSL, condition language, selectors, validation, HAProxy renderer
// The model's Gateway and Route are definitions; `Gateway` at the top level is the resource.
export type { Gateway as GatewayDefinition, Route as RouteDefinition, Port, Protocol, Sticky, Instance, RouteTarget, Condition, Rewrite, ValidationError } from "./model";
export { formatError } from "./model";
export * from "./dsl";
export * from "./condition";
export * from "./selector";
export * from "./validation";
export * from "./haproxy";

// --- stores, HAProxy control, the gateway agent
export * from "./store";
export * from "./proxy";
export * from "./agent";
export { defaultEngine } from "./agent/default-engine";

// --- selector discovery (Kubernetes) and the continuous reconciler
export * from "./discovery";
export * from "./reconciler";

// --- Pulumi dynamic resources
export * from "./dynamic";
