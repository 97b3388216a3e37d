/**
 * The small client of the project's API a workflow script gets as `vamp`: the tenant's gateways
 * and routes, route weights (set as the workflow's own, with compare-and-swap), live metrics,
 * and events. The same rules as the resources and the CLI: ownership, validation, CAS.
 */
import type { VampEvent } from "../events/event";
import { summarizeWindow, type GatewayMetrics } from "../metrics/window";
import type { Tenant } from "../model/tenant";
import { agentWindows } from "../rollout/agents";
import type { EventSink } from "../rollout/report";
import { listGatewayRoutes, setRouteWeights } from "../rollout/routes";
import type { KeyValueStore } from "../store/types";

export interface WorkflowClient {
  tenant: Tenant;
  /** Every gateway with its routes as the agents serve them. */
  gateways(): Promise<{ name: string; routes: { route: string; weight: number; condition?: string }[] }[]>;
  /** Sets route weights of one gateway in one compare-and-swap write, as `workflow/<name>`. */
  setWeights(gateway: string, weights: Record<string, number>): Promise<void>;
  /** A gateway's live metrics over the last `seconds` (default 30), from every agent. */
  metrics(gateway: string, seconds?: number): Promise<GatewayMetrics>;
  /** Leaves a Vamp event (type `workflow`, tagged `workflows:<name>`). */
  emit(tags: string[], value: unknown): void;
}

/**
 * @example
 * const vamp = workflowClient(store, tenant, "rebalance", events);
 * for (const g of await vamp.gateways()) console.log(g.name, g.routes);
 */
export function workflowClient(store: KeyValueStore, tenant: Tenant, name: string, events?: EventSink): WorkflowClient {
  const owner = `workflow/${name}`;
  return {
    tenant,
    async gateways() {
      return (await listGatewayRoutes(store, tenant)).filter((g) => !g.invalid).map((g) => ({ name: g.name, routes: g.routes }));
    },
    setWeights: (gateway, weights) => setRouteWeights(store, tenant, gateway, weights, owner),
    async metrics(gateway, seconds = 30) {
      const to = Math.floor(Date.now() / 1000) * 1000;
      const { window } = await agentWindows(store, tenant, gateway, { from: to - seconds * 1000, to });
      return summarizeWindow(window, gateway);
    },
    emit(tags, value) {
      const e: VampEvent = {
        tags: [`workflows:${name}`, `environments:${tenant.environment}`, ...tags],
        type: "workflow",
        value,
        timestamp: Date.now(),
        actor: owner,
      };
      events?.push(e);
    },
  };
}
