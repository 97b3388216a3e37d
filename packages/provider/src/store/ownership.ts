/**
 * Who owns which part of a gateway record (pure). Three writers share one record:
 *
 * | part                                              | owner                                  |
 * |---------------------------------------------------|----------------------------------------|
 * | `spec` (port, sticky, virtual hosts, selector, the set of declared routes and their fields) | the `Gateway` resource |
 * | the fields a `Route` sets on one route (`managers[key].fields`) | that `Route` resource         |
 * | `discovered` (instances per selector capture)     | discovery: the `Gateway` resource at `up` and the reconciler, with the same code |
 *
 * Every writer does a read-modify-write with compare-and-swap and changes only its part, so
 * none can undo another's write, in any order. docs/ownership.md says the same for users.
 */
import { mergeDiscovered } from "../selector/merge";
import type { DiscoveredState, GatewayRecord, RouteManager } from "./record";

/** The route fields a `Route` resource may own (DSL names). */
export const ROUTE_MANAGED_FIELDS = ["weight", "condition", "condition_strength"] as const;
export type RouteManagedField = (typeof ROUTE_MANAGED_FIELDS)[number];

type Body = Record<string, unknown>;

function routesOf(spec: Body): Record<string, Body> {
  const r = spec.routes;
  return typeof r === "object" && r !== null && !Array.isArray(r) ? (r as Record<string, Body>) : {};
}

/** `base` with `fields` taken from `source` (absent there: removed). */
function overlay(base: Body, source: Body | undefined, fields: string[]): Body {
  const body: Body = { ...base };
  for (const f of fields) {
    const v = source?.[f];
    if (v === undefined) delete body[f];
    else body[f] = v;
  }
  return body;
}

/** A thrown problem that names the argument it is about (for provider errors). */
export class OwnershipError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "OwnershipError";
  }
}

/**
 * The record a `Gateway` writes: its declared spec, with the fields `Route` resources manage
 * and the discovered instances kept from the current record. Managers of routes the gateway no
 * longer declares are dropped with their routes.
 */
export function gatewayWrite(declared: GatewayRecord, current: GatewayRecord | undefined): GatewayRecord {
  const out: GatewayRecord = { ...declared, spec: { ...declared.spec } };
  delete out.managers;
  delete out.discovered;
  if (!current) return out;
  const declaredRoutes = routesOf(declared.spec);
  const currentRoutes = routesOf(current.spec);
  const managers: Record<string, RouteManager> = {};
  const routes: Record<string, Body> = { ...declaredRoutes };
  const selector = typeof declared.spec.selector === "string";
  for (const [key, m] of Object.entries(current.managers ?? {})) {
    // A Route on a discovered version the gateway does not declare stays while the gateway
    // keeps its selector: that is how a new version's canary is stepped.
    if (!(key in declaredRoutes) && !(selector && key in (current.discovered?.routes ?? {}))) continue;
    routes[key] = overlay(declaredRoutes[key] ?? {}, currentRoutes[key], m.fields);
    managers[key] = m;
  }
  if (Object.keys(managers).length) {
    out.managers = managers;
    out.spec.routes = routes;
  }
  if (current.discovered && typeof declared.spec.selector === "string") out.discovered = current.discovered;
  return out;
}

/**
 * The record as its `Gateway` resource declared it: the current spec with the fields other
 * writers own put back to the declared values. `pulumi refresh` compares this with the
 * program, so a canary stepped by a `Route` is not drift of the gateway, while a weight edited
 * by hand is.
 */
export function gatewayView(current: GatewayRecord, declaredSpec: Body): Body {
  const spec: Body = { ...current.spec };
  const routes: Record<string, Body> = { ...routesOf(current.spec) };
  const declaredRoutes = routesOf(declaredSpec);
  for (const [key, m] of Object.entries(current.managers ?? {})) {
    if (!routes[key]) continue;
    // A route a Route added on a discovered version is not the gateway's to report.
    if (!(key in declaredRoutes)) delete routes[key];
    else routes[key] = overlay(routes[key], declaredRoutes[key], m.fields);
  }
  spec.routes = routes;
  return spec;
}

/**
 * The record after a `Route` resource set its fields on one route. Fields the Route managed
 * before and no longer sets are removed from the route (back to their defaults).
 * Throws {@link OwnershipError} when the route does not exist or another owner manages it.
 */
export function routeWrite(current: GatewayRecord, route: string, owner: string, fields: Partial<Record<RouteManagedField, unknown>>): GatewayRecord {
  const routes = { ...routesOf(current.spec) };
  // A selector gateway's discovered version may be stepped without the gateway declaring it.
  if (!(route in routes) && typeof current.spec.selector === "string" && route in (current.discovered?.routes ?? {})) routes[route] = {};
  if (!(route in routes)) {
    const known = Object.keys(routes);
    const discovered = Object.keys(current.discovered?.routes ?? {});
    throw new OwnershipError(
      "route",
      `gateway "${current.name}" has no route ${JSON.stringify(route)}` +
        (known.length ? ` (its routes: ${known.map((k) => JSON.stringify(k)).join(", ")})` : " (it has no routes)") +
        (discovered.length ? `; discovered: ${discovered.map((k) => JSON.stringify(k)).join(", ")}` : ""),
    );
  }
  const previous = current.managers?.[route];
  if (previous && previous.owner !== owner) {
    throw new OwnershipError("route", `route ${JSON.stringify(route)} of gateway "${current.name}" is managed by ${previous.owner}; one Route resource per route`);
  }
  const set = ROUTE_MANAGED_FIELDS.filter((f) => fields[f] !== undefined);
  const body: Body = { ...routes[route] };
  for (const f of previous?.fields ?? []) if (!set.includes(f as RouteManagedField)) delete body[f];
  for (const f of set) body[f] = fields[f];
  const managers = { ...(current.managers ?? {}), [route]: { owner, fields: [...set] } };
  return { ...current, spec: { ...current.spec, routes: { ...routes, [route]: body } }, managers };
}

/** The record after a `Route` resource let go of its route: values stay, ownership goes back to the gateway. */
export function routeRelease(current: GatewayRecord, route: string, owner: string): GatewayRecord {
  if (current.managers?.[route]?.owner !== owner) return current;
  const managers = { ...current.managers };
  delete managers[route];
  const out: GatewayRecord = { ...current, managers };
  if (!Object.keys(managers).length) delete out.managers;
  return out;
}

/** The record after discovery: only `discovered` changes. */
export function discoveryWrite(current: GatewayRecord, discovered: DiscoveredState): GatewayRecord {
  return { ...current, discovered };
}

/**
 * What the agent renders from a record: the spec, with a selector gateway's routes taken from
 * what discovery found ({@link mergeDiscovered}).
 */
export function effectiveSpec(record: GatewayRecord): Body {
  return mergeDiscovered(record.spec, record.discovered?.routes);
}
