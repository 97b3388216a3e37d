/**
 * A release's log checks asked of the environment's search cluster: one aggregation per check
 * over the step so far, both routes at once.
 */
import { gatewayLogIndices, logCheckQuery, logCheckVerdict, readLogCheckAnswer } from "../canary/log-check";
import type { LogCheckResult } from "../model/analysis";
import type { Canary } from "../model/canary";
import type { Tenant } from "../model/tenant";
import type { SearchClient } from "../search/client";

/**
 * Each check's verdict on `[from, to)`; a search that fails throws (the driver then holds the
 * weights, as for live metrics it cannot read).
 *
 * @example
 * await askLogChecks(search, { organization: "acme", environment: "prod" }, canary, state.stepStartedAt, Date.now())
 */
export async function askLogChecks(search: SearchClient, tenant: Tenant, c: Canary, from: number, to: number): Promise<LogCheckResult[]> {
  const routes = { stable: c.stable, canary: c.canary };
  return Promise.all(
    (c.analysis.logs ?? []).map(async (check) => {
      const answer = await search.request({
        method: "POST",
        path: `/${gatewayLogIndices(tenant)}/_search`,
        body: logCheckQuery(c.gateway, routes, from, to, check.query),
        querystring: { ignore_unavailable: true, allow_no_indices: true },
      });
      return logCheckVerdict(check, readLogCheckAnswer(answer, routes));
    }),
  );
}
