import type { GatewaySpec, InstanceSpec, RouteSpec } from "../model/spec";
import { naturalCompare } from "../selector/evaluate";
import { percentage } from "../validation/values";
import { shareRemainder } from "../validation/weights";
import { reconcileWeights } from "./weights";

const weightOf = (r: RouteSpec | undefined): number | undefined => {
  if (r?.weight === undefined || r.weight === null) return undefined;
  const p = percentage(r.weight);
  return p.ok ? p.value : undefined;
};

/**
 * The gateway the agent renders for a selector gateway: one route per discovered key, carrying
 * the declared weight, condition and strength of that key when declared, and the discovered
 * instances (pure).
 * - a discovered key nobody declared starts at weight 0: a new version gets traffic only when
 *   someone steps it up;
 * - a declared key with nothing discovered is left out, and its weight goes to the remaining
 *   route with the most weight (routes without a weight take it anyway), so the total stays 100;
 * - when nothing carries weight, the first route in version order takes 100.
 * Before any discovery a selector gateway has no routes (it answers 503 until instances are
 * found); specs without a selector are returned unchanged.
 *
 * @example
 * mergeDiscovered({ selector: "label(version)((.*))", routes: { "(1)": { weight: 100 } } }, { "(1)": [a], "(2)": [b] })
 * // routes: { "(1)": { weight: 100, instances: [a] }, "(2)": { weight: 0, instances: [b] } }
 */
export function mergeDiscovered(spec: GatewaySpec, found: Record<string, InstanceSpec[]> | undefined): GatewaySpec {
  if (typeof spec.selector !== "string") return spec;
  found ??= {};
  const declared = spec.routes ?? {};
  const keys = Object.keys(found).sort(naturalCompare);
  const routes: Record<string, RouteSpec> = {};
  for (const k of keys) routes[k] = { ...(declared[k] ?? { weight: 0 }), instances: found[k] };
  if (!keys.length) return { ...spec, routes };
  if (keys.some((k) => weightOf(routes[k]) === undefined)) return { ...spec, routes }; // unweighted routes take the rest
  const entries = Object.entries(declared);
  const shares = shareRemainder(entries.map(([, r]) => weightOf(r)));
  const next = reconcileWeights(Object.fromEntries(entries.map(([k], i) => [k, shares[i]])), keys);
  for (const k of keys) routes[k] = { ...routes[k], weight: next[k] };
  return { ...spec, routes };
}
