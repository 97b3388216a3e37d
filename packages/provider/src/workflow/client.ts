/**
 * The small client of the project's API a workflow script gets as `vamp`: the tenant's gateways
 * and routes, route weights (set as the workflow's own, with compare-and-swap), live metrics,
 * and events. The same rules as the resources and the CLI: ownership, validation, CAS.
 */
import type { VampEvent } from "../events/event";
import { summarizeWindow, type GatewayMetrics } from "../metrics/window";
import { VampError } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { decodeRecord, encodeRecord } from "../record/codec";
import { gatewayKey, gatewaysDir } from "../record/keys";
import { effectiveSpec, routeWrite } from "../record/ownership";
import { agentWindows } from "../rollout/agents";
import type { EventSink } from "../rollout/report";
import type { KeyValueStore } from "../store/types";
import { updateEntry } from "../store/update";
import { validateGateway } from "../validation/gateway";

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
      return (await store.list(gatewaysDir(tenant))).flatMap((e) => {
        const rec = decodeRecord(e.key, e.value);
        const v = validateGateway(effectiveSpec(rec), { source: rec.name, name: rec.name, deployment: rec.deployment });
        if (!v.gateway) return [];
        return [
          {
            name: rec.name,
            routes: v.gateway.routes.map((r) => ({ route: r.key, weight: r.weight, ...(r.condition ? { condition: r.condition.source } : {}) })),
          },
        ];
      });
    },
    async setWeights(gateway, weights) {
      const key = gatewayKey(tenant, gateway);
      await updateEntry(store, key, (cur) => {
        if (!cur) throw new VampError("not-found", `gateway "${gateway}" not found`);
        let rec = decodeRecord(key, cur.value);
        for (const [route, weight] of Object.entries(weights)) rec = routeWrite(rec, route, owner, { weight });
        const v = validateGateway(effectiveSpec(rec), { source: `gateway ${gateway}`, name: rec.name, deployment: rec.deployment });
        if (v.problems.length) throw VampError.invalid(`gateway "${gateway}" would be invalid`, v.problems);
        return { put: encodeRecord({ ...rec, writer: owner }) };
      });
    },
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
