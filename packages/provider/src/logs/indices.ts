/**
 * The index templates and retention of one tenant's logs in one search cluster (pure).
 * Indices are daily (`<prefix>-YYYY.MM.DD`), so retention is deleting whole indices past their
 * age: it works the same on Elasticsearch and OpenSearch, without ILM or ISM plugins.
 */

/** The three streams Vamp writes: gateway access logs (metadata only), audit log, events. */
export const LOG_STREAMS = ["gateway-logs", "audit", "events"] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

const EVENT_MAPPING = {
  properties: {
    "@timestamp": { type: "date" },
    tags: { type: "keyword" },
    type: { type: "keyword" },
    actor: { type: "keyword" },
    // Kept as written, not indexed: values differ in shape from one event type to the next.
    value: { type: "object", enabled: false },
  },
};

export interface StreamSpec {
  /** Days to keep; indices older than that are deleted. */
  retentionDays: number;
  shards?: number;
  replicas?: number;
}

/** The index prefix of a stream: `vamp-<organization>[-<environment>]-<stream>`. */
export function indexPrefix(organization: string, environment: string | undefined, stream: LogStream): string {
  return `vamp-${organization}${environment ? `-${environment}` : ""}-${stream}`;
}

const MAPPINGS: Record<LogStream, Record<string, unknown>> = {
  // Only metadata of requests (see logs/access-log.ts): never payloads, headers, bodies or the
  // client's address; the query string only where a gateway opts in.
  "gateway-logs": {
    properties: {
      "@timestamp": { type: "date" },
      agent: { type: "keyword" },
      gateway: { type: "keyword" },
      route: { type: "keyword" },
      server: { type: "keyword" },
      protocol: { type: "keyword" },
      method: { type: "keyword" },
      path: { type: "keyword", ignore_above: 2048 },
      query: { type: "keyword", ignore_above: 2048 },
      status: { type: "short" },
      duration_ms: { type: "float" },
      response_ms: { type: "float" },
      bytes: { type: "long" },
      termination: { type: "keyword" },
    },
  },
  // Vamp's events ({ tags, type, value, timestamp }, events/event.ts): changes and what agents did.
  audit: EVENT_MAPPING,
  events: EVENT_MAPPING,
};

/** The body of `PUT _index_template/<prefix>`. */
/**
 * @example
 * indexTemplate("vamp-acme-prod-gateway-logs", "gateway-logs", { retentionDays: 7 }).index_patterns // ["vamp-acme-prod-gateway-logs-*"]
 */
export function indexTemplate(prefix: string, stream: LogStream, spec: StreamSpec): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}-*`],
    priority: 100,
    template: {
      settings: { number_of_shards: spec.shards ?? 1, number_of_replicas: spec.replicas ?? 1 },
      mappings: { dynamic: "strict", ...MAPPINGS[stream] },
    },
    _meta: { managed_by: "vamp-pulumi", stream, retention_days: spec.retentionDays },
  };
}

/** The indices of `prefix` older than `retentionDays` at `now` (by the date in their name). */
export function expiredIndices(prefix: string, indices: string[], retentionDays: number, now: Date): string[] {
  const cutoff = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - retentionDays * 86_400_000;
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d{4})\\.(\\d{2})\\.(\\d{2})$`);
  return indices.filter((i) => {
    const m = re.exec(i);
    return m !== null && Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) < cutoff;
  });
}

/** Today's index of a prefix. */
export function dailyIndex(prefix: string, day: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${prefix}-${day.getUTCFullYear()}.${p(day.getUTCMonth() + 1)}.${p(day.getUTCDate())}`;
}
