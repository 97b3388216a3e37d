/**
 * Per-second counts of a gateway's routes from every agent → one column per route over every
 * second of the span: the charts' data (requests, 5xx, p95), seconds without traffic as zero
 * requests and no latency. Pure.
 */
import { emptyHistogram, mergeHistogram, quantile, type Histogram } from "./histogram";
import type { RouteCounts } from "./window";

/** One agent's answer to `/series`: a route's counts in one second (`second`: its start, ms). */
export type SecondCounts = RouteCounts & { second: number };

export interface RouteSeries {
  route: string;
  requests: number[];
  errors: number[];
  /** ms; null in a second without requests. */
  p95: (number | null)[];
}

export interface GatewaySeries {
  gateway: string;
  /** The start of each second, ms since the epoch. */
  seconds: number[];
  routes: RouteSeries[];
}

/**
 * @example
 * mergeSeries("shop", [agentA, agentB], 1_000, 4_000).seconds // [1000, 2000, 3000]
 */
export function mergeSeries(gateway: string, answers: SecondCounts[][], from: number, to: number): GatewaySeries {
  const first = Math.floor(from / 1000);
  const seconds = Array.from({ length: Math.max(0, Math.floor(to / 1000) - first) }, (_, i) => (first + i) * 1000);
  const byRoute = new Map<string, { requests: number[]; errors: number[]; latency: Histogram[] }>();
  for (const c of answers.flat()) {
    const i = Math.floor(c.second / 1000) - first;
    if (i < 0 || i >= seconds.length) continue;
    let r = byRoute.get(c.route);
    if (!r) byRoute.set(c.route, (r = { requests: seconds.map(() => 0), errors: seconds.map(() => 0), latency: [] }));
    r.requests[i] += c.requests;
    r.errors[i] += c.status["5xx"] ?? 0;
    mergeHistogram((r.latency[i] ??= emptyHistogram()), c.latency);
  }
  const routes = [...byRoute].map(([route, r]) => ({
    route,
    requests: r.requests,
    errors: r.errors,
    p95: seconds.map((_, i) => (r.latency[i] ? (quantile(r.latency[i], 0.95) ?? null) : null)),
  }));
  return { gateway, seconds, routes: routes.sort((a, b) => a.route.localeCompare(b.route)) };
}
