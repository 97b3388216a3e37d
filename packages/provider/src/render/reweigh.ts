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
import { chunksOf, joinSections, renderSection, type RenderResult, type Section, type Sections } from "./haproxy";

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
  const weights = previous.weights.slice();
  for (const next of changed) {
    const section = gateways.get(next.name);
    const gateway = section && withWeightsOf(section.gateway, next);
    if (!section || !gateway || section.weightsAt === undefined) return undefined;
    const fresh: Section = { ...renderSection(gateway, section.ctx), weightsAt: section.weightsAt };
    // The same routes: the same servers in the same places, only their weights differ.
    if (fresh.part.weights.length !== section.part.weights.length) return undefined;
    fresh.part.weights.forEach((w, i) => (weights[section.weightsAt! + i] = w));
    gateways.set(next.name, fresh);
  }
  const sections = { head: previous.sections.head, gateways };
  // Instances, routes and structure are unchanged, so slots, routes and the fingerprint are too.
  const result = {
    weights,
    slots: previous.slots,
    routes: previous.routes,
    fingerprint: previous.fingerprint,
    failures: previous.failures,
    sections,
    textChunks: () => chunksOf(sections),
  };
  return lazyText(result, sections);
}

/**
 * `text` joined on first use: HAProxy gets new weights through the Runtime API, and the file
 * (megabytes for thousands of gateways) is written only after that.
 */
function lazyText<T extends object>(o: T, sections: Sections): T & { text: string } {
  let text: string | undefined;
  return Object.defineProperty(o, "text", { enumerable: true, get: () => (text ??= joinSections(sections)) }) as T & { text: string };
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
