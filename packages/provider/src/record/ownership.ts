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
import { VampError } from "../model/problem";
import { ROUTE_MANAGED_FIELDS, type DiscoveredState, type GatewayRecord, type RouteManagedField, type RouteManager } from "../model/record";
import type { GatewaySpec, RouteSpec } from "../model/spec";
import { mergeDiscovered } from "./merge";

/** `base` with `fields` taken from `source` (absent there: removed). */
function overlay(base: RouteSpec, source: RouteSpec | undefined, fields: readonly RouteManagedField[]): RouteSpec {
  const body: RouteSpec = { ...base };
  for (const f of fields) {
    const v = source?.[f];
    if (v === undefined) delete body[f];
    else (body as Record<string, unknown>)[f] = v;
  }
  return body;
}

const hasSelector = (spec: GatewaySpec) => typeof spec.selector === "string";

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
  const declaredRoutes = declared.spec.routes;
  const managers: Record<string, RouteManager> = {};
  const routes: Record<string, RouteSpec> = { ...declaredRoutes };
  for (const [key, m] of Object.entries(current.managers ?? {})) {
    // A Route on a discovered version the gateway does not declare stays while the gateway
    // keeps its selector: that is how a new version's canary is stepped.
    if (!(key in declaredRoutes) && !(hasSelector(declared.spec) && key in (current.discovered?.routes ?? {}))) continue;
    routes[key] = overlay(declaredRoutes[key] ?? {}, current.spec.routes[key], m.fields);
    managers[key] = m;
  }
  if (Object.keys(managers).length) {
    out.managers = managers;
    out.spec.routes = routes;
  }
  if (current.discovered && hasSelector(declared.spec)) out.discovered = current.discovered;
  return out;
}

/**
 * The record as its `Gateway` resource declared it: the current spec with the fields other
 * writers own put back to the declared values. `pulumi refresh` compares this with the
 * program, so a canary stepped by a `Route` is not drift of the gateway, while a weight edited
 * by hand is.
 */
export function gatewayView(current: GatewayRecord, declared: GatewaySpec): GatewaySpec {
  const routes: Record<string, RouteSpec> = { ...current.spec.routes };
  for (const [key, m] of Object.entries(current.managers ?? {})) {
    if (!routes[key]) continue;
    // A route a Route added on a discovered version is not the gateway's to report.
    if (!(key in declared.routes)) delete routes[key];
    else routes[key] = overlay(routes[key], declared.routes[key], m.fields);
  }
  return { ...current.spec, routes };
}

function unknownRoute(current: GatewayRecord, route: string): VampError {
  const known = Object.keys(current.spec.routes);
  const discovered = Object.keys(current.discovered?.routes ?? {});
  const list = (keys: string[]) => keys.map((k) => JSON.stringify(k)).join(", ");
  return new VampError("not-found", "", [
    {
      source: "",
      path: "route",
      message:
        `gateway "${current.name}" has no route ${JSON.stringify(route)}` +
        (known.length ? ` (its routes: ${list(known)})` : " (it has no routes)") +
        (discovered.length ? `; discovered: ${list(discovered)}` : ""),
    },
  ]);
}

/**
 * The record after a `Route` resource set its fields on one route. Fields the Route managed
 * before and no longer sets are removed from the route (back to their defaults).
 * Throws a {@link VampError} naming `route` when the route does not exist or another owner manages it.
 */
export function routeWrite(current: GatewayRecord, route: string, owner: string, fields: Partial<Pick<RouteSpec, RouteManagedField>>): GatewayRecord {
  const routes = { ...current.spec.routes };
  // A selector gateway's discovered version may be stepped without the gateway declaring it.
  if (!(route in routes) && hasSelector(current.spec) && route in (current.discovered?.routes ?? {})) routes[route] = {};
  if (!(route in routes)) throw unknownRoute(current, route);
  const previous = current.managers?.[route];
  if (previous && previous.owner !== owner) {
    throw new VampError("conflict", "", [
      {
        source: "",
        path: "route",
        message: `route ${JSON.stringify(route)} of gateway "${current.name}" is managed by ${previous.owner}; one Route resource per route`,
      },
    ]);
  }
  const set = ROUTE_MANAGED_FIELDS.filter((f) => fields[f] !== undefined);
  const body = overlay(routes[route], fields, [...(previous?.fields ?? []), ...set]);
  const managers = { ...(current.managers ?? {}), [route]: { owner, fields: [...set] } };
  return { ...current, spec: { ...current.spec, routes: { ...routes, [route]: body } }, managers };
}

/**
 * The record after an operator (the UI) set route weights by hand: the weights change where they
 * are, nobody's ownership does, and the record names the operator as its last writer. So it is
 * drift to whoever owns each weight (the `Gateway`, a `Route`): `pulumi refresh` shows it, naming
 * the operator, and the next `pulumi up` puts the declared weights back.
 *
 * @example
 * operatorWrite(rec, { "[10.0.0.1:80]": 70, "[10.0.0.2:80]": 30 }, "ui/alice")
 */
export function operatorWrite(current: GatewayRecord, weights: Record<string, number>, writer: string): GatewayRecord {
  const routes = { ...current.spec.routes };
  for (const [route, weight] of Object.entries(weights)) {
    if (!(route in routes) && hasSelector(current.spec) && route in (current.discovered?.routes ?? {})) routes[route] = {};
    if (!(route in routes)) throw unknownRoute(current, route);
    routes[route] = { ...routes[route], weight };
  }
  return { ...current, spec: { ...current.spec, routes }, writer };
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
export function effectiveSpec(record: GatewayRecord): GatewaySpec {
  return mergeDiscovered(record.spec, record.discovered?.routes);
}
