import type { GatewaySeries } from "@vamp-pulumi/provider";

/** The charts keep this much (the agents keep as much). */
export const SPAN_MS = 15 * 60_000;

/**
 * The newest answer laid over what the page had: the seconds both have are taken from the newest
 * (the last ones fill up as requests end), older ones kept, anything before the span dropped.
 */
export function mergeTail(had: GatewaySeries | undefined, next: GatewaySeries, now: number): GatewaySeries {
  const from = Math.floor((now - SPAN_MS) / 1000) * 1000;
  const start = next.seconds[0] ?? now;
  const keep = had ? had.seconds.filter((s) => s >= from && s < start).length : 0;
  const offset = had ? had.seconds.findIndex((s) => s >= from) : 0;
  const seconds = [...(had ? had.seconds.slice(offset, offset + keep) : []), ...next.seconds];
  const names = [...new Set([...(had?.routes ?? []).map((r) => r.route), ...next.routes.map((r) => r.route)])].sort();
  const routes = names.map((route) => {
    const old = had?.routes.find((r) => r.route === route);
    const cur = next.routes.find((r) => r.route === route);
    const pick = <K extends "requests" | "errors" | "p95">(k: K, empty: number | null) => [
      ...(old ? old[k].slice(offset, offset + keep) : Array(keep).fill(empty)),
      ...(cur ? cur[k] : Array(next.seconds.length).fill(empty)),
    ];
    return { route, requests: pick("requests", 0) as number[], errors: pick("errors", 0) as number[], p95: pick("p95", null) as (number | null)[] };
  });
  return { gateway: next.gateway, seconds, routes };
}

/** Each route's share of the requests of the last `seconds` (the split as measured). */
export function measuredSplit(s: GatewaySeries | undefined, seconds = 10): { total: number; shares: Record<string, number> } {
  if (!s) return { total: 0, shares: {} };
  const n = s.seconds.length;
  const counts = Object.fromEntries(s.routes.map((r) => [r.route, r.requests.slice(Math.max(0, n - seconds)).reduce((a, b) => a + b, 0)]));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { total, shares: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, total ? (100 * v) / total : 0])) };
}
