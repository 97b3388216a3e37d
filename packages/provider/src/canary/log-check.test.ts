import { validateCanary } from "../validation/canary";
import type { Decision } from "./judge";
import { afterLogChecks, gatewayLogIndices, logCheckQuery, logCheckVerdict, readLogCheckAnswer } from "./log-check";

const routes = { stable: "[127.0.0.1:8081]", canary: "[127.0.0.1:8082]" };
const slow = { name: "slow", query: "duration_ms:>500", maxShare: 0.01 };
const advance: Decision = { action: "advance", reason: "step held 30.1 s with 60 canary requests", report: { elapsedMs: 30_100 } as Decision["report"] };

describe("log checks: the search, its answer, the verdicts", () => {
  it("asks one aggregation over the two routes of the gateway in the step, counting the lines that match", () => {
    expect(gatewayLogIndices({ organization: "acme", environment: "prod" })).toBe("vamp-acme-prod-gateway-logs-*");
    const body = logCheckQuery("shop/web", routes, 1000, 31_000, "duration_ms:>500") as { query: { bool: { filter: unknown[] } }; aggs: unknown };
    expect(body.query.bool.filter).toEqual([
      { term: { gateway: "shop/web" } },
      { terms: { route: [routes.stable, routes.canary] } },
      { range: { "@timestamp": { gte: 1000, lt: 31_000, format: "epoch_millis" } } },
    ]);
    expect(body.aggs).toEqual({
      routes: { terms: { field: "route", size: 2 }, aggs: { matches: { filter: { query_string: { query: "duration_ms:>500" } } } } },
    });
    const answer = { aggregations: { routes: { buckets: [{ key: routes.canary, doc_count: 200, matches: { doc_count: 9 } }] } } };
    expect(readLogCheckAnswer(answer, routes)).toEqual({ canary: { requests: 200, matches: 9 }, stable: { requests: 0, matches: 0 } });
  });

  it("fails a canary over maxShare or over stable's share plus maxIncrease; says nothing on too few lines", () => {
    const counts = (c: number, cm: number, s: number, sm: number) => ({ canary: { requests: c, matches: cm }, stable: { requests: s, matches: sm } });
    expect(logCheckVerdict(slow, counts(200, 9, 800, 2))).toMatchObject({
      verdict: "fail",
      reason: "slow: 4.50% of the canary's 200 requests match duration_ms:>500 (stable 0.25% of 800); at most 1.00%",
    });
    expect(logCheckVerdict(slow, counts(200, 2, 800, 2)).verdict).toBe("pass");
    const fourxx = { name: "4xx", query: "status:[400 TO 499]", maxIncrease: 0.02 };
    expect(logCheckVerdict(fourxx, counts(100, 12, 400, 40)).verdict).toBe("pass"); // 12% against 10% + 2 points
    expect(logCheckVerdict(fourxx, counts(100, 13, 400, 40)).reason).toMatch(/13\.00% of the canary's 100 requests .* at most 2\.00% above stable$/);
    expect(logCheckVerdict({ ...slow, minSamples: 50 }, counts(49, 49, 800, 0))).toMatchObject({
      verdict: "insufficient",
      reason: "slow: 49 of 50 canary requests in the search cluster yet",
    });
  });

  it("turns the live analysis's advance into a rollback, a hold, or no-evidence at the deadline; leaves other decisions alone", () => {
    const pass = logCheckVerdict(slow, { canary: { requests: 60, matches: 0 }, stable: { requests: 240, matches: 1 } });
    const fail = logCheckVerdict(slow, { canary: { requests: 60, matches: 6 }, stable: { requests: 240, matches: 1 } });
    const few = logCheckVerdict(slow, { canary: { requests: 3, matches: 0 }, stable: { requests: 240, matches: 1 } });
    const ok = afterLogChecks(advance, [pass], 30_100, 300_000);
    expect([ok.action, ok.reason, ok.report.logs]).toEqual(["advance", "step held 30.1 s with 60 canary requests; log checks passed: slow", [pass]]);
    expect(afterLogChecks(advance, [pass, fail], 30_100, 300_000)).toMatchObject({ action: "rollback", reason: `log check ${fail.reason}` });
    expect(afterLogChecks(advance, [few], 30_100, 300_000)).toMatchObject({
      action: "hold",
      reason: "log check slow: 3 of 20 canary requests in the search cluster yet",
    });
    expect(afterLogChecks(advance, [few], 300_000, 300_000).action).toBe("rollback");
    const hold: Decision = { ...advance, action: "hold" };
    expect(afterLogChecks(hold, [fail], 30_100, 300_000)).toBe(hold);
  });

  it("validates each check: a unique name, a query, a limit as a share; named with the bad value", () => {
    const spec = { gateway: "shop", stable: "v1", canary: "v2", steps: { increment: 50 } };
    expect(validateCanary({ ...spec, analysis: { logs: [slow] } }, "c").canary?.analysis.logs).toEqual([slow]);
    const bad = validateCanary(
      { ...spec, analysis: { logs: [slow, { ...slow, maxShare: 5 }, { name: "x", query: "" }, { name: "y", query: "q", max: 1 }] } },
      "c",
    );
    expect(bad.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'analysis.logs[1].name: must be unique among the log checks, got "slow" twice',
      "analysis.logs[1].maxShare: must be a share from 0 to 1 (0.01 is 1%), got 5",
      'analysis.logs[2].query: must be a query string on the access log\'s fields (e.g. "duration_ms:>500"), got ""',
      "analysis.logs[2]: needs a limit: maxShare (of the canary's requests) or maxIncrease (over stable's share)",
      "analysis.logs[3].max: unknown field; a log check has name, query, maxShare, maxIncrease, minSamples",
      "analysis.logs[3]: needs a limit: maxShare (of the canary's requests) or maxIncrease (over stable's share)",
    ]);
  });
});
