/**
 * A tenant's gateways and routes as they are served, and route weights set by a workflow (as
 * their owner, like a `Route`) or by an operator on the page (by hand: drift to their owner,
 * shown by `pulumi refresh` naming the operator), each with validation and compare-and-swap.
 */
import { messageOf, VampError } from "../model/problem";
import type { GatewayRecord } from "../model/record";
import type { Tenant } from "../model/tenant";
import { decodeRecord, encodeRecord } from "../record/codec";
import { gatewayKey, gatewaysDir } from "../record/keys";
import { effectiveSpec, operatorWrite, routeWrite } from "../record/ownership";
import type { KeyValueStore, KvEntry } from "../store/types";
import { updateEntry } from "../store/update";
import { validateGateway } from "../validation/gateway";

/** One gateway as its agents serve it. */
export interface GatewayRoutes {
  name: string;
  port: string;
  /** Who wrote the record last. */
  writer?: string;
  /** The store's revision of the record (the agents report the one they apply). */
  revision: string;
  routes: { route: string; weight: number; condition?: string; conditionStrength?: number; owner?: string }[];
  /** Why the record cannot be served (its agents keep its last good version). */
  invalid?: string;
}

/**
 * Every gateway of the tenant with its effective routes.
 *
 * @example
 * for (const g of await listGatewayRoutes(store, tenant)) console.log(g.name, g.routes);
 */
export async function listGatewayRoutes(store: KeyValueStore, tenant: Tenant): Promise<GatewayRoutes[]> {
  return (await store.list(gatewaysDir(tenant))).map(gatewayRoutes).sort((a, b) => a.name.localeCompare(b.name));
}

/** One entry as its agents serve it; a record that cannot be read is said so, never thrown (it must not hide the others). */
function gatewayRoutes(e: KvEntry): GatewayRoutes {
  let rec: GatewayRecord;
  try {
    rec = decodeRecord(e.key, e.value);
  } catch (err) {
    return { name: decodeURIComponent(e.key.split("/").pop() ?? e.key), port: "", revision: e.revision, routes: [], invalid: messageOf(err) };
  }
  const spec = effectiveSpec(rec);
  const v = validateGateway(spec, { source: rec.name, name: rec.name, deployment: rec.deployment });
  const base = { name: rec.name, port: String(spec.port), writer: rec.writer, revision: e.revision };
  if (!v.gateway) return { ...base, routes: [], invalid: v.problems.map((p) => `${p.path}: ${p.message}`).join("; ") };
  const routes = v.gateway.routes.map((r) => ({
    route: r.key,
    weight: r.weight,
    ...(r.condition ? { condition: r.condition.source, conditionStrength: r.conditionStrength } : {}),
    ...(rec.managers?.[r.key]?.owner ? { owner: rec.managers[r.key].owner } : {}),
  }));
  return { ...base, routes };
}

/**
 * Sets route weights of one gateway in one compare-and-swap write, as their `owner` (a workflow,
 * like a `Route`); refused, naming the problem, when the gateway would be invalid (weights not
 * totalling 100%, an unknown route, a weight someone else owns).
 *
 * @example
 * await setRouteWeights(store, tenant, "shop", { "shop/v1": 80, "shop/v2": 20 }, "workflow/rebalance");
 */
export async function setRouteWeights(store: KeyValueStore, tenant: Tenant, gateway: string, weights: Record<string, number>, owner: string): Promise<void> {
  await changeGateway(store, tenant, gateway, (rec) => {
    for (const [route, weight] of Object.entries(weights)) rec = routeWrite(rec, route, owner, { weight });
    return { ...rec, writer: owner };
  });
}

/**
 * Sets route weights by hand, as `writer` (`ui/<user>`): nobody's ownership changes, so it is
 * drift to each weight's owner; refused, naming the problem, when the gateway would be invalid.
 *
 * @example
 * await overrideRouteWeights(store, tenant, "shop", { "shop/v1": 80, "shop/v2": 20 }, "ui/alice");
 */
export async function overrideRouteWeights(
  store: KeyValueStore,
  tenant: Tenant,
  gateway: string,
  weights: Record<string, number>,
  writer: string,
): Promise<void> {
  await changeGateway(store, tenant, gateway, (rec) => operatorWrite(rec, weights, writer));
}

/** One validated compare-and-swap change of a gateway's record. */
async function changeGateway(store: KeyValueStore, tenant: Tenant, gateway: string, change: (rec: GatewayRecord) => GatewayRecord): Promise<void> {
  const key = gatewayKey(tenant, gateway);
  await updateEntry(store, key, (cur) => {
    if (!cur) throw new VampError("not-found", `gateway "${gateway}" not found`);
    const rec = change(decodeRecord(key, cur.value));
    const v = validateGateway(effectiveSpec(rec), { source: `gateway ${gateway}`, name: rec.name, deployment: rec.deployment });
    if (v.problems.length) throw VampError.invalid(`gateway "${gateway}" would be invalid`, v.problems);
    return { put: encodeRecord(rec) };
  });
}
