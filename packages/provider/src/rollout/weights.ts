/**
 * A release's hold on the weights of its two routes: read them as the agents would serve them,
 * and write them with compare-and-swap as the owner of the `weight` field of both routes (so a
 * `Gateway` update keeps what the release set, and a second release or `Route` on them is refused).
 */
import type { Canary } from "../model/canary";
import { VampError } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { decodeRecord, encodeRecord } from "../record/codec";
import { gatewayKey } from "../record/keys";
import { effectiveSpec, routeRelease, routeWrite } from "../record/ownership";
import type { KeyValueStore } from "../store/types";
import { updateEntry } from "../store/update";
import { validateGateway } from "../validation/gateway";
import type { GatewayRecord } from "../model/record";
import { readRelease } from "./records";

/** Who a release is in the gateway record's `managers`. */
export const releaseOwner = (name: string) => `release/${encodeURIComponent(name)}`;

function served(rec: GatewayRecord) {
  const v = validateGateway(effectiveSpec(rec), { source: `gateway ${rec.name}`, name: rec.name, deployment: rec.deployment });
  if (!v.gateway) throw VampError.invalid(`gateway "${rec.name}" in the store is invalid`, v.problems);
  return v.gateway;
}

function routeWeight(rec: GatewayRecord, route: string, field: "stable" | "canary"): number {
  const r = served(rec).routes.find((x) => x.key === route);
  if (!r) {
    const known = served(rec)
      .routes.map((x) => JSON.stringify(x.key))
      .join(", ");
    throw new VampError("not-found", `${field}: gateway "${rec.name}" has no route ${JSON.stringify(route)} (its routes: ${known || "none"})`);
  }
  return r.weight;
}

async function readRecord(store: KeyValueStore, tenant: Tenant, gateway: string): Promise<GatewayRecord> {
  const key = gatewayKey(tenant, gateway);
  const e = await store.get(key);
  if (!e) throw new VampError("not-found", `gateway: gateway "${gateway}" not found at ${key}`);
  return decodeRecord(key, e.value);
}

/** The weights the agents serve now on the release's two routes. */
export async function readWeights(store: KeyValueStore, tenant: Tenant, c: Canary): Promise<{ stable: number; canary: number }> {
  const rec = await readRecord(store, tenant, c.gateway);
  return { stable: routeWeight(rec, c.stable, "stable"), canary: routeWeight(rec, c.canary, "canary") };
}

/**
 * The owners of the two routes' weights that are releases which have ended: a new release takes
 * the weights over from them (the last release keeps its weights until then, so a `Gateway`
 * update does not undo a promotion).
 */
async function endedReleases(store: KeyValueStore, tenant: Tenant, rec: GatewayRecord, c: Canary, owner: string): Promise<string[]> {
  const owners = new Set([c.stable, c.canary].map((r) => rec.managers?.[r]?.owner).filter((o): o is string => !!o && o !== owner && o.startsWith("release/")));
  const ended: string[] = [];
  for (const o of owners) {
    const other = await readRelease(store, tenant, decodeURIComponent(o.slice("release/".length)));
    if (other?.state?.phase !== "progressing") ended.push(o);
  }
  return ended;
}

/**
 * Sets both routes' weights in one compare-and-swap write, as `owner`; refuses a write the agents
 * would reject (nothing serving changes), and routes another running release or a `Route` holds.
 */
export async function writeWeights(store: KeyValueStore, tenant: Tenant, c: Canary, owner: string, w: { stable: number; canary: number }): Promise<string> {
  try {
    return await writeAs(store, tenant, c, owner, w, []);
  } catch (e) {
    if (!(e instanceof VampError) || e.code !== "conflict") throw e;
    // Someone else holds a weight: take it over only from releases that have ended (looked up
    // here, not on every step: the usual write finds the routes the release's own).
    const ended = await endedReleases(store, tenant, await readRecord(store, tenant, c.gateway), c, owner);
    if (!ended.length) throw e;
    return writeAs(store, tenant, c, owner, w, ended);
  }
}

async function writeAs(
  store: KeyValueStore,
  tenant: Tenant,
  c: Canary,
  owner: string,
  w: { stable: number; canary: number },
  ended: string[],
): Promise<string> {
  const key = gatewayKey(tenant, c.gateway);
  const res = await updateEntry(store, key, (cur) => {
    if (!cur) throw new VampError("not-found", `gateway: gateway "${c.gateway}" not found at ${key}`);
    let rec = decodeRecord(key, cur.value);
    for (const o of ended) rec = routeRelease(routeRelease(rec, c.stable, o), c.canary, o);
    const next = routeWrite(routeWrite(rec, c.stable, owner, { weight: w.stable }), c.canary, owner, { weight: w.canary });
    served(next);
    return { put: encodeRecord({ ...next, writer: owner }) };
  });
  return res.revision!;
}

/** Hands both routes' weights back to the gateway's writer (values stay). */
export async function releaseWeights(store: KeyValueStore, tenant: Tenant, c: Canary, owner: string): Promise<void> {
  const key = gatewayKey(tenant, c.gateway);
  await updateEntry(store, key, (cur) => {
    if (!cur) return { keep: true };
    return { put: encodeRecord(routeRelease(routeRelease(decodeRecord(key, cur.value), c.stable, owner), c.canary, owner)) };
  });
}
