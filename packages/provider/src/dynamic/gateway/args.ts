/**
 * The Gateway resource's arguments (camelCase, as a TypeScript program writes them) and the
 * two pure conversions to and from the Vamp DSL shape stored in the key-value store.
 */
import type { KubernetesDiscovery } from "../../discovery/kubernetes";
import type { StoreConnection, StoreCredentials } from "../../store/connection";

/** One route as the provider receives it (outputs resolved). */
export interface GatewayRouteSpec {
  /** Percent 0-100; routes without a weight share what is left. */
  weight?: number;
  /** A condition in Vamp's language, e.g. `user-agent = Firefox or has cookie beta`. */
  condition?: string;
  /** Percent of the requests matching `condition` that go to this route; default 100. */
  conditionStrength?: number;
  /** Path rewrites: `{ path: "/v2 if header X-Api has v2" }`. */
  rewrites?: { path: string }[];
  /** HAProxy balance algorithm for the route's instances. */
  balance?: string;
  /** The route's instances (from a deployment or a selector); `"[host:port]"` keys need none. */
  instances?: { host: string; port: number; name?: string }[];
}

/** The gateway fields of the resource, outputs resolved. */
export interface GatewaySpecInputs {
  /** The gateway's name in the store; default the resource name. */
  gatewayName?: string;
  /** `9050`, `"9050/http"` or `"9050/tcp"`; omitted: assigned by the agent from 40000-45000. */
  port?: number | string;
  sticky?: "route" | "instance";
  virtualHosts?: string[];
  selector?: string;
  /** Routes keyed by target: `"[host:port]"`, another gateway's name, or a selector capture. */
  routes: Record<string, GatewayRouteSpec>;
}

export interface GatewayInputs extends GatewaySpecInputs {
  store: StoreConnection;
  credentials?: StoreCredentials;
  /** Where a selector gateway discovers its instances at `up`. */
  discovery?: KubernetesDiscovery;
  organization: string;
  environment: string;
}

const pct = (n: unknown) => (typeof n === "number" ? `${n}%` : n);

/** Program arguments → the DSL body stored in the record (unknown keys pass through, so validation reports them). */
export function toDsl(spec: Partial<GatewaySpecInputs>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec.port !== undefined) out.port = typeof spec.port === "number" ? `${spec.port}/http` : spec.port;
  if (spec.sticky !== undefined) out.sticky = spec.sticky;
  if (spec.virtualHosts !== undefined) out.virtual_hosts = spec.virtualHosts;
  if (spec.selector !== undefined) out.selector = spec.selector;
  if (spec.routes !== undefined) {
    out.routes =
      typeof spec.routes === "object" && spec.routes !== null
        ? Object.fromEntries(
            Object.entries(spec.routes).map(([key, r]) => {
              if (typeof r !== "object" || r === null) return [key, r];
              const { weight, condition, conditionStrength, rewrites, balance, instances, ...rest } = r;
              const body: Record<string, unknown> = { ...rest };
              if (weight !== undefined) body.weight = pct(weight);
              if (condition !== undefined) body.condition = condition;
              if (conditionStrength !== undefined) body.condition_strength = pct(conditionStrength);
              if (rewrites !== undefined) body.rewrites = rewrites;
              if (balance !== undefined) body.balance = balance;
              if (instances !== undefined) body.instances = instances;
              return [key, body];
            }),
          )
        : spec.routes;
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === "string" ? Number(v.replace(/%$/, "")) : typeof v === "number" ? v : undefined);

/** A stored DSL body → the program's shape, normalized (`9050` → `"9050/http"`, `"90%"` → 90). */
export function fromDsl(dsl: Record<string, unknown>): GatewaySpecInputs {
  const spec: GatewaySpecInputs = { routes: {} };
  if (dsl.port !== undefined) spec.port = /^\d+$/.test(String(dsl.port)) ? `${dsl.port}/http` : String(dsl.port).toLowerCase();
  if (dsl.sticky !== undefined && dsl.sticky !== null) spec.sticky = dsl.sticky as GatewaySpecInputs["sticky"];
  if (Array.isArray(dsl.virtual_hosts) && dsl.virtual_hosts.length) spec.virtualHosts = dsl.virtual_hosts as string[];
  if (typeof dsl.selector === "string") spec.selector = dsl.selector;
  const routes = (dsl.routes ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, r] of Object.entries(routes)) {
    const route: GatewayRouteSpec = {};
    if (r?.weight !== undefined) route.weight = num(r.weight);
    if (typeof r?.condition === "string") route.condition = r.condition;
    if (r?.condition_strength !== undefined) route.conditionStrength = num(r.condition_strength);
    if (Array.isArray(r?.rewrites)) route.rewrites = r.rewrites as { path: string }[];
    if (typeof r?.balance === "string") route.balance = r.balance;
    if (Array.isArray(r?.instances)) route.instances = r.instances as GatewayRouteSpec["instances"];
    spec.routes[key] = route;
  }
  return spec;
}

/** The spec as it compares: through the DSL and back, so `9050` equals `"9050/http"`. */
export function normalizeSpec(spec: Partial<GatewaySpecInputs>): GatewaySpecInputs {
  return fromDsl(toDsl(spec));
}
