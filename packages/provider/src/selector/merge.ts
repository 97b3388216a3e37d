import { percentage } from "../validation/values";
import { naturalCompare } from "./evaluate";
import { reconcileWeights } from "./weights";

type Body = Record<string, unknown>;
type Found = Record<string, { name?: string; host: string; port: number }[]>;

const weightOf = (r: Body | undefined): number | undefined => {
  if (r?.weight === undefined || r.weight === null) return undefined;
  const p = percentage(r.weight);
  return p.ok ? p.value : undefined;
};

/**
 * The gateway definition the agent renders for a selector gateway: one route per discovered
 * key, carrying the declared weight, condition and strength of that key when declared, and the
 * discovered instances (pure).
 * - a discovered key nobody declared starts at weight 0: a new version gets traffic only when
 *   someone steps it up;
 * - a declared key with nothing discovered is left out, and its weight goes to the remaining
 *   route with the most weight (routes without a weight take it anyway), so the total stays 100;
 * - when nothing carries weight, the first route in version order takes 100.
 * Before any discovery a selector gateway has no routes (it answers 503 until instances are
 * found); definitions without a selector are returned unchanged.
 *
 * @example
 * mergeDiscovered({ selector: "label(version)((.*))", routes: { "(1)": { weight: "100%" } } },
 *   { "(1)": [a], "(2)": [b] })
 * // routes: { "(1)": { weight: "100%", instances: [a] }, "(2)": { weight: "0%", instances: [b] } }
 */
export function mergeDiscovered(spec: Body, found: Found | undefined): Body {
  if (typeof spec.selector !== "string") return spec;
  found ??= {};
  const declared = (typeof spec.routes === "object" && spec.routes !== null && !Array.isArray(spec.routes) ? spec.routes : {}) as Record<string, Body>;
  const keys = Object.keys(found).sort(naturalCompare);
  const routes: Record<string, Body> = {};
  for (const k of keys) routes[k] = { ...(declared[k] ?? { weight: "0%" }), instances: found[k] };
  if (!keys.length) return { ...spec, routes };
  if (keys.some((k) => weightOf(routes[k]) === undefined)) return { ...spec, routes }; // unweighted routes take the rest
  const next = reconcileWeights(effectiveWeights(declared), keys);
  for (const k of keys) routes[k] = { ...routes[k], weight: `${next[k]}%` };
  return { ...spec, routes };
}

/** Declared weights with the unweighted routes' shares of the rest filled in. */
function effectiveWeights(declared: Record<string, Body>): Record<string, number> {
  const entries = Object.entries(declared);
  const given = entries.reduce((s, [, r]) => s + (weightOf(r) ?? 0), 0);
  const open = entries.filter(([, r]) => weightOf(r) === undefined).map(([k]) => k);
  const left = Math.max(0, 100 - given);
  const share = open.length ? Math.floor(left / open.length) : 0;
  // Integer shares, the last takes the remainder: the same rule as validation's.
  return Object.fromEntries(
    entries.map(([k, r]) => [k, weightOf(r) ?? (k === open[open.length - 1] ? left - share * (open.length - 1) : share)]),
  );
}
