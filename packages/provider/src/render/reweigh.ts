/**
 * A weight change without a full render. When gateways differ from the versions a
 * {@link RenderResult} was made from only in route weights and condition strengths (a canary
 * step, the common change), only their sections are rendered again; everything else, the
 * fingerprint included, is reused. The result equals `renderConfig` of the whole changed set
 * (reweigh.test.ts checks that on random sets), so the agent can take this path whenever it
 * applies and fall back to the full render otherwise.
 */
import type { Gateway } from "../model/gateway";
import type { ResolvedGateway } from "../model/resolved";
import { stableStringify } from "../model/stable";
import { assemble, renderSection, type RenderResult } from "./haproxy";

/**
 * Whether `next` differs from `previous` only in route weights and condition strengths.
 *
 * @example
 * weightsOnly(shop, { ...shop, routes: shop.routes.map((r) => ({ ...r, weight: 100 - r.weight })) }); // true
 */
export function weightsOnly(previous: Gateway, next: Gateway): boolean {
  return stableStringify(masked(previous)) === stableStringify(masked(next));
}

/**
 * The configuration with the weights of `changed` (each a weights-only change of a gateway
 * rendered in `previous`, see {@link weightsOnly}); undefined when a gateway is not in
 * `previous` or its routes are not the same, so the caller renders the whole set instead.
 *
 * @example
 * const next = reweighConfig(rendered, [canaryAt20Percent]) ?? renderConfig(resolveSet(all).gateways, opts);
 */
export function reweighConfig(previous: RenderResult, changed: Gateway[]): RenderResult | undefined {
  const gateways = new Map(previous.sections.gateways);
  for (const next of changed) {
    const section = gateways.get(next.name);
    const gateway = section && withWeightsOf(section.gateway, next);
    if (!section || !gateway) return undefined;
    gateways.set(next.name, renderSection(gateway, section.ctx));
  }
  return { ...assemble({ head: previous.sections.head, gateways }, previous.fingerprint), failures: previous.failures };
}

function masked(g: Gateway): Gateway {
  return { ...g, routes: g.routes.map((r) => ({ ...r, weight: 0, conditionStrength: 0 })) };
}

/** The resolved gateway with `next`'s weights; undefined when the routes are not the same ones. */
function withWeightsOf(resolved: ResolvedGateway, next: Gateway): ResolvedGateway | undefined {
  if (resolved.routes.length !== next.routes.length) return undefined;
  if (resolved.routes.some((r, i) => r.key !== next.routes[i].key)) return undefined;
  return { ...resolved, routes: resolved.routes.map((r, i) => ({ ...r, weight: next.routes[i].weight, conditionStrength: next.routes[i].conditionStrength })) };
}
