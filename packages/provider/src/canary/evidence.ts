/**
 * The judge's evidence from the live metrics: the two routes' counts since the release started
 * (the error test) and since the step started (latency, samples). Pure.
 */
import { emptyHistogram } from "../metrics/histogram";
import { emptyCounts, type RouteCounts, type WindowCounts } from "../metrics/window";
import type { Canary } from "../model/canary";
import type { Evidence, VersionStep } from "./judge";

function countsOf(w: WindowCounts, gateway: string, route: string): RouteCounts {
  return w.routes.find((r) => r.gateway === gateway && r.route === route) ?? emptyCounts(gateway, route);
}

const step = (c: RouteCounts): VersionStep => ({ requests: c.requests, errors: c.status["5xx"] ?? 0, latency: c.latency ?? emptyHistogram() });

/**
 * @example
 * evidenceOf(canary, sinceRelease, sinceStep, Date.now() - state.stepStartedAt) // { canaryTotal, stableTotal, canaryStep, stableStep, elapsedMs }
 */
export function evidenceOf(canary: Canary, sinceRelease: WindowCounts, sinceStep: WindowCounts, elapsedMs: number): Evidence {
  const total = (route: string) => {
    const c = countsOf(sinceRelease, canary.gateway, route);
    return { requests: c.requests, errors: c.status["5xx"] ?? 0 };
  };
  return {
    canaryTotal: total(canary.canary),
    stableTotal: total(canary.stable),
    canaryStep: step(countsOf(sinceStep, canary.gateway, canary.canary)),
    stableStep: step(countsOf(sinceStep, canary.gateway, canary.stable)),
    elapsedMs,
  };
}
