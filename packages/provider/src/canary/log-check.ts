/**
 * Log checks: queries on the gateway's access logs in the search cluster, canary against stable
 * over the step. This module builds the search body, reads its answer, and turns the counts into
 * verdicts and the live analysis's decision into the final one. Pure.
 */
import { indexPrefix } from "../logs/indices";
import type { LogCheckResult, LogMatches } from "../model/analysis";
import type { LogCheckSpec } from "../model/canary";
import type { Tenant } from "../model/tenant";
import type { Decision } from "./judge";

export const DEFAULT_LOG_CHECK_SAMPLES = 20;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const share = (m: LogMatches) => (m.requests ? m.matches / m.requests : 0);

/** The tenant's gateway-log indices, every day of them. */
export function gatewayLogIndices(tenant: Tenant): string {
  return `${indexPrefix(tenant.organization, tenant.environment, "gateway-logs")}-*`;
}

/**
 * The body of a `_search` counting, per route of the two, the step's requests and those matching
 * `query`.
 *
 * @example
 * logCheckQuery("shop", { stable: "v1", canary: "v2" }, 1796077480000, 1796077510000, "duration_ms:>500")
 */
export function logCheckQuery(gateway: string, routes: { stable: string; canary: string }, from: number, to: number, query: string): Record<string, unknown> {
  return {
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { gateway } },
          { terms: { route: [routes.stable, routes.canary] } },
          { range: { "@timestamp": { gte: from, lt: to, format: "epoch_millis" } } },
        ],
      },
    },
    aggs: { routes: { terms: { field: "route", size: 2 }, aggs: { matches: { filter: { query_string: { query } } } } } },
  };
}

/** The answer of {@link logCheckQuery} as counts per version (a version without lines has none). */
export function readLogCheckAnswer(answer: unknown, routes: { stable: string; canary: string }): { canary: LogMatches; stable: LogMatches } {
  type Bucket = { key: string; doc_count: number; matches: { doc_count: number } };
  const buckets = (answer as { aggregations?: { routes?: { buckets?: Bucket[] } } }).aggregations?.routes?.buckets ?? [];
  const of = (route: string): LogMatches => {
    const b = buckets.find((x) => x.key === route);
    return { requests: b?.doc_count ?? 0, matches: b?.matches.doc_count ?? 0 };
  };
  return { canary: of(routes.canary), stable: of(routes.stable) };
}

/**
 * One check's verdict: too few canary requests in the search cluster say nothing; otherwise the
 * canary's share of matching requests against `maxShare` and against stable's plus `maxIncrease`.
 *
 * @example
 * logCheckVerdict({ name: "slow", query: "duration_ms:>500", maxShare: 0.01 }, { canary: { requests: 200, matches: 9 }, stable: { requests: 800, matches: 2 } })
 * // { verdict: "fail", reason: "slow: 4.50% of the canary's 200 requests match duration_ms:>500 (stable 0.25%); at most 1.00%", ... }
 */
export function logCheckVerdict(check: LogCheckSpec, counts: { canary: LogMatches; stable: LogMatches }): LogCheckResult {
  const base = { name: check.name, query: check.query, ...counts };
  const min = check.minSamples ?? DEFAULT_LOG_CHECK_SAMPLES;
  if (counts.canary.requests < min)
    return { ...base, verdict: "insufficient", reason: `${check.name}: ${counts.canary.requests} of ${min} canary requests in the search cluster yet` };
  const [c, s] = [share(counts.canary), share(counts.stable)];
  const found = `${check.name}: ${pct(c)} of the canary's ${counts.canary.requests} requests match ${check.query} (stable ${pct(s)} of ${counts.stable.requests})`;
  if (check.maxShare !== undefined && c > check.maxShare) return { ...base, verdict: "fail", reason: `${found}; at most ${pct(check.maxShare)}` };
  if (check.maxIncrease !== undefined && c > s + check.maxIncrease)
    return { ...base, verdict: "fail", reason: `${found}; at most ${pct(check.maxIncrease)} above stable` };
  return { ...base, verdict: "pass", reason: found };
}

/**
 * The live analysis's `advance` after the log checks: a failed check rolls back; a check without
 * enough lines holds, and rolls back once the step has waited the no-traffic deadline (no data
 * never promotes). Any other decision is returned as it was.
 *
 * @example
 * afterLogChecks(advance, [logCheckVerdict(check, counts)], 31_000, 300_000)
 */
export function afterLogChecks(d: Decision, results: LogCheckResult[], elapsedMs: number, deadlineMs: number): Decision {
  if (d.action !== "advance" || !results.length) return d;
  const report = { ...d.report, logs: results };
  const failed = results.find((r) => r.verdict === "fail");
  if (failed) return { action: "rollback", reason: `log check ${failed.reason}`, report };
  const waiting = results.find((r) => r.verdict === "insufficient");
  if (waiting && elapsedMs >= deadlineMs)
    return {
      action: "rollback",
      reason: `no evidence: log check ${waiting.reason} after ${(elapsedMs / 1000).toFixed(0)} s; a canary without evidence is never promoted`,
      report,
    };
  if (waiting) return { action: "hold", reason: `log check ${waiting.reason}`, report };
  return { ...d, reason: `${d.reason}; log checks passed: ${results.map((r) => r.name).join(", ")}`, report };
}
