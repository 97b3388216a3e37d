/**
 * What the UI's page reads and changes, as handlers of the one HTTP server: a tenant's gateways
 * with declared and applied weights (per agent, with its revision), the agents, the releases,
 * per-second series for the charts, events and deployments; changes (route weights, a release's
 * promote, abort or approve) go through the same compare-and-swap and ownership rules as the CLI
 * and the resources, written as `ui/<user>`. A store that does not answer is said as such (503).
 */
import { deploymentStatuses } from "../discovery/deployments";
import type { StatusSource } from "../infra/http-status";
import { shared } from "../infra/shared";
import type { AgentPresence } from "../model/record";
import { messageOf, VampError } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { STORE_ROOT } from "../record/keys";
import { appliedByAgent, liveAgents, seriesFrom } from "../rollout/agents";
import { commandRelease } from "../rollout/commands";
import { listReleases } from "../rollout/records";
import { listGatewayRoutes, overrideRouteWeights } from "../rollout/routes";
import type { SearchClient } from "../search/client";
import { queryEvents } from "../search/events";
import type { KeyValueStore } from "../store/types";
import { validateTenant } from "../validation/tenant";
import { windowOf } from "../validation/window";

export interface UiOptions {
  store: KeyValueStore;
  /** Who the page's changes are written as: `ui/<user>`. */
  user: string;
  /** The token a change needs; none: read-only. */
  token?: string;
  /** The events cluster (the events view). */
  search?: SearchClient;
  /** The Kubernetes API (the deployments view): a kubeconfig path, or "" for the default. */
  kubeconfig?: string;
  /** The page's files (the built `@vamp-pulumi/ui`). */
  files: string;
  /** How long a store call may take before the page says the store is away (default 3 s). */
  storeTimeoutMs?: number;
}

/** The tenant a request names (`organization`, `environment`), checked. */
function tenantOf(q: URLSearchParams | Record<string, unknown>): Tenant {
  const get = (k: string) => (q instanceof URLSearchParams ? q.get(k) : q[k]) ?? undefined;
  const t = { organization: get("organization") as string, environment: get("environment") as string };
  const problems = validateTenant(t);
  if (problems.length) throw VampError.invalid("tenant", problems);
  return t;
}

/**
 * @example
 * const server = await serveStatus(uiSource({ store, user: "alice", token, files }), { host: "127.0.0.1", port: 19080 });
 */
export function uiSource(o: UiOptions): StatusSource {
  const store = storeGuard(o.storeTimeoutMs ?? 3000);
  return {
    ready: () => (store.error() ? { ready: false, reason: `the store does not answer: ${store.error()}` } : { ready: true }),
    status: () => configOf(o),
    json: reads(o, sharedReads(o, store.call)),
    actions: { token: o.token, handlers: changes(o, store.call) },
    files: o.files,
  };
}

/** What the page can do here: change things (with the token), show events, show deployments; and as whom. */
const configOf = (o: UiOptions) => ({ readOnly: !o.token, events: !!o.search, deployments: o.kubeconfig !== undefined, user: o.user });

type Guarded = <T>(what: Promise<T>) => Promise<T>;

/** Store calls bounded in time; a failure is the store being away (503), remembered for readiness. */
function storeGuard(timeoutMs: number): { call: Guarded; error: () => string | undefined } {
  let storeError: string | undefined;
  const call: Guarded = async (what) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const v = await Promise.race([what, timeout]);
      storeError = undefined;
      return v;
    } catch (e) {
      if (e instanceof VampError && e.code !== "unavailable" && e.code !== "failed") throw e;
      storeError = messageOf(e);
      throw new VampError("unavailable", `the store does not answer: ${storeError}`);
    } finally {
      clearTimeout(timer);
    }
  };
  return { call, error: () => storeError };
}

type SharedReads = ReturnType<typeof sharedReads>;
const keyOf = (t: Tenant) => `${t.organization}/${t.environment}`;
const tenantAt = (key: string): Tenant => {
  const [organization, environment] = key.split("/");
  return { organization, environment };
};

/**
 * The store reads every open page repeats each second, shared: every tab's overview and every
 * chart's list of agents within the second cost the store one read.
 */
function sharedReads(o: UiOptions, stored: Guarded) {
  // Agents rewrite their presence every 5 s: a second's sharing hides nothing.
  const agents = shared(1000, (k) => stored(liveAgents(o.store, tenantAt(k))));
  return {
    agents: (t: Tenant) => agents(keyOf(t)),
    // Short: tabs polling together share one look, and a change still shows within the page's second.
    overview: shared(250, (k) => overview(o, tenantAt(k), stored, (t) => agents(keyOf(t)))),
    tenants: shared(5000, () => stored(listTenants(o.store))),
  };
}

/** What the page reads: GET, the tenant in the query. */
function reads(o: UiOptions, kept: SharedReads): NonNullable<StatusSource["json"]> {
  return {
    "/api/config": () => configOf(o),
    "/api/tenants": () => kept.tenants(""),
    "/api/overview": (q) => kept.overview(keyOf(tenantOf(q))),
    "/api/series": async (q) => {
      const gateway = q.get("gateway");
      if (!gateway) throw new VampError("invalid", "gateway: required");
      const t = tenantOf(q);
      return seriesFrom(await kept.agents(t), t, gateway, windowOf(q));
    },
    "/api/events": async (q) => {
      if (!o.search) throw new VampError("not-found", "this server has no events cluster (vamp ui --events-url)");
      const tags = (q.get("tags") ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      const since = Date.now() - Number(q.get("minutes") ?? 60) * 60_000;
      // The newest 200: an organization may have many more in the hour.
      return queryEvents(o.search, tenantOf(q).organization, tags, since, 200, "desc").catch((e) => {
        throw new VampError("unavailable", `the events cluster does not answer: ${messageOf(e)}`);
      });
    },
    "/api/deployments": async (q) => {
      if (o.kubeconfig === undefined) throw new VampError("not-found", "this server has no Kubernetes API (vamp ui --kubeconfig)");
      const t = tenantOf(q);
      return deploymentStatuses(q.get("namespace") ?? `${t.organization}-${t.environment}`, undefined, o.kubeconfig || undefined);
    },
  };
}

/** What the page changes: POST with the token, the tenant in the body; written by hand as `ui/<user>` (drift to the weights' owners). */
function changes(o: UiOptions, stored: Guarded): NonNullable<StatusSource["actions"]>["handlers"] {
  return {
    "/api/weights": async (body) => {
      const b = body as { gateway?: string; weights?: Record<string, number> };
      if (!b.gateway || typeof b.weights !== "object" || !b.weights) throw new VampError("invalid", "give gateway and weights ({ route: weight })");
      await stored(overrideRouteWeights(o.store, tenantOf(body as Record<string, unknown>), b.gateway, b.weights, `ui/${o.user}`));
      return { ok: true };
    },
    "/api/release": async (body) => {
      const b = body as { release?: string; action?: string };
      if (!b.release || !["promote", "abort", "approve"].includes(b.action ?? ""))
        throw new VampError("invalid", "give release and action (promote, abort or approve)");
      const t = tenantOf(body as Record<string, unknown>);
      const { done } = await stored(commandRelease(o.store, t, b.release, b.action as "promote" | "abort" | "approve", 0, `ui/${o.user}`));
      return { asked: b.action, done };
    },
  };
}

/** Every organization/environment that has something in the store. */
async function listTenants(store: KeyValueStore): Promise<Tenant[]> {
  const seen = new Map<string, Tenant>();
  for (const e of await store.list(STORE_ROOT)) {
    const [organization, environment] = e.key.slice(STORE_ROOT.length + 1).split("/");
    if (organization && environment) seen.set(`${organization}/${environment}`, { organization, environment });
  }
  return [...seen.values()].sort((a, b) => `${a.organization}/${a.environment}`.localeCompare(`${b.organization}/${b.environment}`));
}

/** One look at a tenant: gateways with what each agent applies, the agents, the releases. */
async function overview(o: UiOptions, t: Tenant, stored: Guarded, agentsOf: (t: Tenant) => Promise<AgentPresence[]>) {
  const [gateways, agents, releases] = await Promise.all([stored(listGatewayRoutes(o.store, t)), agentsOf(t), stored(listReleases(o.store, t))]);
  const missing = new Set<string>();
  const withApplied = await Promise.all(
    gateways.map(async (g) => {
      const a = await appliedByAgent(agents, g.name);
      a.missing.forEach((m) => missing.add(m));
      return { ...g, applied: a.applied };
    }),
  );
  return { at: Date.now(), gateways: withApplied, agents, releases: releases.records, unreadable: releases.unreadable, missing: [...missing] };
}
