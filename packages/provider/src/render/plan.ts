/**
 * The pure heart of the agent: given what HAProxy runs and what it should run, decide the
 * least disruptive way there. Weight-only differences go through the Runtime API (no reload);
 * anything structural is a seamless reload, always with a reason.
 */
import type { RenderedConfig, ServerWeight } from "../model/resolved";

/** What the agent last applied (kept on disk so a restarted agent knows it too). */
export interface AppliedState {
  fingerprint: string;
  weights: ServerWeight[];
}

export type Plan =
  { action: "none" } | { action: "runtime"; changes: ServerWeight[] } | { action: "reload"; reason: string } | { action: "start"; reason: string };

/**
 * @example
 * planApply({ fingerprint: "a", weights: [w("b", "s", 90)] }, true, { fingerprint: "a", weights: [w("b", "s", 80)], ... })
 * // → { action: "runtime", changes: [{ backend: "b", server: "s", weight: 80 }] }
 */
export function planApply(applied: AppliedState | undefined, haproxyRunning: boolean, next: RenderedConfig): Plan {
  if (!haproxyRunning) return { action: "start", reason: "haproxy is not running" };
  if (!applied) return { action: "reload", reason: "the running configuration is unknown (agent restarted without state)" };
  if (applied.fingerprint !== next.fingerprint) return { action: "reload", reason: "structural change (gateways, routes, servers or options)" };
  const before = new Map(applied.weights.map((w) => [`${w.backend}/${w.server}`, w.weight]));
  const changes = next.weights.filter((w) => before.get(`${w.backend}/${w.server}`) !== w.weight);
  // Raise weights before lowering others: flipping 100/0 to 0/100 the other way round leaves a
  // moment where every server of the backend has weight 0 and HAProxy answers 503.
  const rise = (w: ServerWeight) => w.weight - (before.get(`${w.backend}/${w.server}`) ?? 0);
  changes.sort((x, y) => rise(y) - rise(x));
  return changes.length ? { action: "runtime", changes } : { action: "none" };
}
