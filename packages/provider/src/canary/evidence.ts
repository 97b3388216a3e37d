/**
 * The judge's evidence from the live metrics: the two routes' counts of the current step (from
 * the agents' windows) added to the release's counts of the steps before (kept in its record, so
 * a resumed release keeps its history and a release may outlast the agents' 15 minutes). Pure.
 */
import { emptyHistogram } from "../metrics/histogram";
import { emptyCounts, type RouteCounts, type WindowCounts } from "../metrics/window";
import type { Canary } from "../model/canary";
import type { ReleaseState, VersionCounts } from "../model/release";
import type { Evidence, VersionStep } from "./judge";

function countsOf(w: WindowCounts, gateway: string, route: string): RouteCounts {
  return w.routes.find((r) => r.gateway === gateway && r.route === route) ?? emptyCounts(gateway, route);
}

const step = (c: RouteCounts): VersionStep => ({ requests: c.requests, errors: c.status["5xx"] ?? 0, latency: c.latency ?? emptyHistogram() });
const plus = (a: VersionCounts, b: VersionStep): VersionCounts => ({ requests: a.requests + b.requests, errors: a.errors + b.errors });

/**
 * @example
 * evidenceOf(canary, state.counts, sinceStep, Date.now() - state.stepStartedAt) // { canaryTotal, stableTotal, canaryStep, stableStep, elapsedMs }
 */
export function evidenceOf(canary: Canary, before: ReleaseState["counts"], sinceStep: WindowCounts, elapsedMs: number): Evidence {
  const canaryStep = step(countsOf(sinceStep, canary.gateway, canary.canary));
  const stableStep = step(countsOf(sinceStep, canary.gateway, canary.stable));
  return { canaryTotal: plus(before.canary, canaryStep), stableTotal: plus(before.stable, stableStep), canaryStep, stableStep, elapsedMs };
}
