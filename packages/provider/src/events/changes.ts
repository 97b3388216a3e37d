/**
 * The events of a change to an artifact, as Vamp tagged them: `archive:create|update|delete` with
 * the artifact's kind and name (`gateways:shop`), and for gateways one event per route change
 * (`route:added|removed|weightupdated|conditionupdated`). Pure.
 */
import type { GatewaySpec, RouteSpec } from "../model/spec";
import type { VampEvent } from "./event";

export type ArchiveAction = "create" | "update" | "delete";

/** Vamp's plural kinds in tags: `gateways`, `deployments`, `routes`, ... */
export type EventKind = "gateways" | "routes" | "deployments" | "breeds" | "blueprints" | "slas" | "escalations" | "workflows" | "indices";

/**
 * @example
 * archiveEvent("gateways", "shop", "update", { port: "9050/http" }, 1796077480000)
 * // { tags: ["gateways:shop", "archive:update"], type: "archive", value: { ... }, timestamp: 1796077480000, actor: "pulumi" }
 */
export function archiveEvent(kind: EventKind, name: string, action: ArchiveAction, value: unknown, timestamp: number, actor = "pulumi"): VampEvent {
  return { tags: [`${kind}:${name}`, `archive:${action}`], type: "archive", value, timestamp, actor };
}

const weightOf = (r: RouteSpec | undefined) => (r?.weight === undefined ? undefined : Number(String(r.weight).replace("%", "")));
const conditionOf = (r: RouteSpec | undefined) => JSON.stringify([r?.condition ?? null, r?.conditionStrength ?? null]);

/**
 * The route events between two declarations of a gateway (either may be absent: created, deleted).
 *
 * @example
 * routeEvents("shop", { routes: { v1: { weight: 100 } } }, { routes: { v1: { weight: 90 }, v2: { weight: 10 } } }, now)
 * // route:weightupdated for v1 (100 → 90), route:added for v2
 */
export function routeEvents(
  gateway: string,
  before: Partial<GatewaySpec> | undefined,
  after: Partial<GatewaySpec> | undefined,
  timestamp: number,
  actor = "pulumi",
): VampEvent[] {
  const a = before?.routes ?? {};
  const b = after?.routes ?? {};
  const event = (change: string, route: string, value: Record<string, unknown>): VampEvent => ({
    tags: [`gateways:${gateway}`, `routes:${gateway}/${route}`, `route:${change}`],
    type: "route",
    value: { gateway, route, ...value },
    timestamp,
    actor,
  });
  const out: VampEvent[] = [];
  for (const route of Object.keys(b).sort()) {
    if (!(route in a)) {
      out.push(event("added", route, { weight: weightOf(b[route]) ?? null, condition: b[route].condition ?? null }));
      continue;
    }
    if (weightOf(a[route]) !== weightOf(b[route]))
      out.push(event("weightupdated", route, { from: weightOf(a[route]) ?? null, to: weightOf(b[route]) ?? null }));
    if (conditionOf(a[route]) !== conditionOf(b[route]))
      out.push(
        event("conditionupdated", route, {
          from: { condition: a[route].condition ?? null, strength: a[route].conditionStrength ?? null },
          to: { condition: b[route].condition ?? null, strength: b[route].conditionStrength ?? null },
        }),
      );
  }
  for (const route of Object.keys(a).sort()) if (!(route in b)) out.push(event("removed", route, { weight: weightOf(a[route]) ?? null }));
  return out;
}
