/**
 * Traffic of a gateway's routes over a window: the mergeable counts (from the live 1 s buckets
 * of every agent) and the summary both metric sources answer with (Vamp's rate, response time
 * and health). Pure.
 */
import { emptyHistogram, histogramCount, mergeHistogram, observe, quantile, type Histogram } from "./histogram";

/** Requests of one route, summed over some seconds: they add up across seconds and agents. */
export interface RouteCounts {
  gateway: string;
  route: string;
  requests: number;
  /** Responses by class: `2xx`, `4xx`, `5xx`, ...; requests without a response are not in any. */
  status: Record<string, number>;
  bytes: number;
  /** Total request times, ms. */
  latency: Histogram;
}

/** A window of counts, `[from, to)` in ms since the epoch. */
export interface WindowCounts {
  from: number;
  to: number;
  routes: RouteCounts[];
}

/** What the metrics of one route say over a window (both sources answer with this). */
export interface RouteMetrics {
  gateway: string;
  route: string;
  requests: number;
  /** Requests per second over the window. */
  rate: number;
  status: Record<string, number>;
  /** 5xx over requests (0 without requests). */
  errorRate: number;
  bytes: number;
  /** Request time quantiles, ms; absent without requests. */
  p50?: number;
  p95?: number;
  p99?: number;
  /** Vamp's health: 0 when a 5xx happened in the window, else 1. */
  health: number;
}

/** One gateway over a window: its routes and their totals; health is the product of the routes'. */
export interface GatewayMetrics {
  gateway: string;
  from: number;
  to: number;
  source: "live" | "search";
  requests: number;
  rate: number;
  errorRate: number;
  /** Request time quantiles of the whole gateway, ms; absent without requests. */
  p50?: number;
  p95?: number;
  p99?: number;
  health: number;
  routes: RouteMetrics[];
}

export function emptyCounts(gateway: string, route: string): RouteCounts {
  return { gateway, route, requests: 0, status: {}, bytes: 0, latency: emptyHistogram() };
}

/** The class of a status code (`5xx`). */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Adds one request (in place). */
export function countRequest(c: RouteCounts, r: { status?: number; timeMs: number; bytes: number }): void {
  c.requests++;
  c.bytes += r.bytes;
  if (r.status !== undefined) c.status[statusClass(r.status)] = (c.status[statusClass(r.status)] ?? 0) + 1;
  observe(c.latency, r.timeMs);
}

/** Adds `from` into `into` (in place). */
export function mergeCounts(into: RouteCounts, from: RouteCounts): void {
  into.requests += from.requests;
  into.bytes += from.bytes;
  for (const [k, n] of Object.entries(from.status)) into.status[k] = (into.status[k] ?? 0) + n;
  mergeHistogram(into.latency, from.latency);
}

const key = (c: { gateway: string; route: string }) => `${c.gateway}\u0000${c.route}`;

/**
 * Windows of the same span from several agents, summed per route.
 *
 * @example
 * mergeWindows([agentA, agentB]).routes // one entry per gateway and route
 */
export function mergeWindows(windows: WindowCounts[]): WindowCounts {
  const byRoute = new Map<string, RouteCounts>();
  for (const w of windows)
    for (const c of w.routes) {
      const k = key(c);
      if (!byRoute.has(k)) byRoute.set(k, emptyCounts(c.gateway, c.route));
      mergeCounts(byRoute.get(k)!, c);
    }
  const from = Math.min(...windows.map((w) => w.from));
  const to = Math.max(...windows.map((w) => w.to));
  return { from, to, routes: [...byRoute.values()] };
}

/** The metrics of one route's counts over `seconds`. */
export function routeMetrics(c: RouteCounts, seconds: number): RouteMetrics {
  const n = histogramCount(c.latency);
  const s5 = c.status["5xx"] ?? 0;
  return {
    gateway: c.gateway,
    route: c.route,
    requests: c.requests,
    rate: seconds > 0 ? c.requests / seconds : 0,
    status: { ...c.status },
    errorRate: c.requests ? s5 / c.requests : 0,
    bytes: c.bytes,
    ...(n ? { p50: quantile(c.latency, 0.5), p95: quantile(c.latency, 0.95), p99: quantile(c.latency, 0.99) } : {}),
    health: s5 > 0 ? 0 : 1,
  };
}

/** A gateway's metrics from its routes' metrics over `[from, to)`. */
export function gatewayMetrics(
  gateway: string,
  from: number,
  to: number,
  source: GatewayMetrics["source"],
  routes: RouteMetrics[],
  quantiles: Pick<GatewayMetrics, "p50" | "p95" | "p99"> = {},
): GatewayMetrics {
  const requests = routes.reduce((a, r) => a + r.requests, 0);
  const errors = routes.reduce((a, r) => a + (r.status["5xx"] ?? 0), 0);
  const seconds = (to - from) / 1000;
  return {
    gateway,
    from,
    to,
    source,
    requests,
    rate: seconds > 0 ? requests / seconds : 0,
    errorRate: requests ? errors / requests : 0,
    ...quantiles,
    health: routes.reduce((a, r) => a * r.health, 1),
    routes: [...routes].sort((a, b) => a.route.localeCompare(b.route)),
  };
}

/** The gateway's metrics from a window of counts (the live source). */
export function summarizeWindow(w: WindowCounts, gateway: string, route?: string): GatewayMetrics {
  const counts = w.routes.filter((c) => c.gateway === gateway && (route === undefined || c.route === route));
  const all = emptyCounts(gateway, "");
  for (const c of counts) mergeCounts(all, c);
  const { p50, p95, p99 } = routeMetrics(all, 1);
  const routes = counts.map((c) => routeMetrics(c, (w.to - w.from) / 1000));
  return gatewayMetrics(gateway, w.from, w.to, "live", routes, all.requests ? { p50, p95, p99 } : {});
}
