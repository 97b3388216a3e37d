/**
 * @vamp-pulumi/provider: Vamp gateways and routes as Pulumi dynamic resources, the gateway
 * engine behind them, the key-value stores they write to, and the gateway agent.
 */
// --- gateway engine (model, dsl, condition language, validation, HAProxy renderer)

// --- stores and dynamic resources
export * from "./store";
export * from "./dynamic";
