/**
 * The windowed source: the search-cluster aggregation that answers with the same
 * {@link GatewayMetrics} as the live one, and the reading of its answer. Pure.
 */
import { gatewayMetrics, type GatewayMetrics, type RouteMetrics } from "./window";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
// HDR with 3 significant digits: 0.1% error, on Elasticsearch and OpenSearch alike.
const LATENCY = { percentiles: { field: "duration_ms", percents: [50, 95, 99], hdr: { number_of_significant_value_digits: 3 } } };

/**
 * The body of a `_search` on the tenant's gateway-log indices for one gateway over `[from, to)`.
 *
 * @example
 * metricsQuery("shop", 1796077480000, 1796077510000) // { size: 0, query: ..., aggs: { routes: ... } }
 */
export function metricsQuery(gateway: string, from: number, to: number, route?: string): Record<string, unknown> {
  return {
    size: 0,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { term: { gateway } },
          ...(route !== undefined ? [{ term: { route } }] : []),
          { range: { "@timestamp": { gte: from, lt: to, format: "epoch_millis" } } },
        ],
      },
    },
    aggs: {
      latency: LATENCY,
      routes: {
        terms: { field: "route", size: 1000 },
        aggs: {
          status: { range: { field: "status", keyed: true, ranges: CLASSES.map((c, i) => ({ key: c, from: (i + 1) * 100, to: (i + 2) * 100 })) } },
          bytes: { sum: { field: "bytes" } },
          latency: LATENCY,
        },
      },
    },
  };
}

interface Bucket {
  key: string;
  doc_count: number;
  status: { buckets: Record<string, { doc_count: number }> };
  bytes: { value: number | null };
  latency: { values: Record<string, number | null> };
}

/** The answer of {@link metricsQuery} as the gateway's metrics. */
export function readMetricsAnswer(answer: unknown, gateway: string, from: number, to: number): GatewayMetrics {
  const buckets = ((answer as { aggregations?: { routes?: { buckets?: Bucket[] } } }).aggregations?.routes?.buckets ?? []) as Bucket[];
  const seconds = (to - from) / 1000;
  const routes = buckets.map((b): RouteMetrics => {
    const status = Object.fromEntries(
      Object.entries(b.status.buckets)
        .filter(([, v]) => v.doc_count > 0)
        .map(([k, v]) => [k, v.doc_count]),
    );
    const q = (p: string) => quantileOf(b.latency.values, p);
    const s5 = status["5xx"] ?? 0;
    return {
      gateway,
      route: b.key,
      requests: b.doc_count,
      rate: seconds > 0 ? b.doc_count / seconds : 0,
      status,
      errorRate: b.doc_count ? s5 / b.doc_count : 0,
      bytes: b.bytes.value ?? 0,
      ...(b.doc_count ? { p50: q("50"), p95: q("95"), p99: q("99") } : {}),
      health: s5 > 0 ? 0 : 1,
    };
  });
  const all = (answer as { aggregations?: { latency?: { values: Record<string, number | null> } } }).aggregations?.latency?.values ?? {};
  const total = routes.reduce((a, r) => a + r.requests, 0);
  return gatewayMetrics(
    gateway,
    from,
    to,
    "search",
    routes,
    total ? { p50: quantileOf(all, "50"), p95: quantileOf(all, "95"), p99: quantileOf(all, "99") } : {},
  );
}

function quantileOf(values: Record<string, number | null>, p: string): number | undefined {
  return values[p] ?? values[`${p}.0`] ?? undefined;
}
