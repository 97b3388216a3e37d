/**
 * Log checks against a real search node: the gateway agent process ships HAProxy's access log to
 * OpenSearch, and the release asks it, canary against stable, before each step advances. A
 * healthy canary passes them (each decision keeps the counts it saw); a canary that answers 404
 * (no 5xx, as fast as stable: the live analysis finds nothing) is rolled back by a check on 4xx,
 * here driven by the workflow agent process given `--search-url`.
 */
import type { LogCheckSpec } from "../../../packages/provider/src/model/canary";
import { connectSearch, type SearchClient } from "../../../packages/provider/src/search/client";
import { claimRelease, readRelease } from "../../../packages/provider/src/rollout/records";
import { driveRelease } from "../../../packages/provider/src/rollout/driver";
import { requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { deleteIndices, searchNode } from "../logs/harness";
import { startCanaryBed, startTraffic, startWorkflowAgent } from "./harness";

jest.setTimeout(180_000);

describe("log checks on the gateway's access logs in OpenSearch", () => {
  const tenant = { organization: "e2e", environment: `lc${Date.now().toString(36)}` };
  let bed: Awaited<ReturnType<typeof startCanaryBed>>;
  let search: SearchClient;
  const url = () => searchNode("opensearch").url;
  const spec = (logs: LogCheckSpec[]) => ({
    gateway: "shop",
    ...bed.routes,
    steps: { weights: [20, 50] },
    interval: "3s",
    minSamples: 10,
    noTrafficDeadline: "30s",
    analysis: { logs },
  });

  beforeAll(async () => {
    await requireServices("etcd", "haproxy", "search");
    bed = await startCanaryBed(tenant, ["--search-url", url(), "--search-flavor", "opensearch", "--agent-id", "lc"]);
    search = await connectSearch({ url: url(), flavor: "opensearch" });
  });
  afterAll(async () => {
    await search?.close();
    await bed?.stop();
    await deleteIndices(url(), `vamp-e2e-${tenant.environment}-*`);
  });
  beforeEach(async () => {
    bed.v2.mode = { status: 200, delayMs: 5 };
    await bed.reset();
  });

  it("a healthy canary passes its log checks at each step, and each decision keeps the counts the search cluster gave", async () => {
    const traffic = startTraffic(bed.gw.url, 40);
    const rec = await claimRelease(bed.gw.store, tenant, "ok", spec([{ name: "slow", query: "duration_ms:>200", maxShare: 0.05 }]), "e2e-lc", 2500);
    const lines: string[] = [];
    const out = await driveRelease(rec, { store: bed.gw.store, tenant, holder: "e2e-lc", say: (l) => lines.push(l), tickMs: 250, logs: search });
    const samples = await traffic.stop();
    console.log(lines.join("\n"));
    expect(out.state.phase).toBe("promoted");
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const stored = (await readRelease(bed.gw.store, tenant, "ok"))!;
    // The judge advanced out of each step; out of the last, that is the promotion.
    expect(stored.decisions.map((d) => [d.step, d.action])).toEqual([
      [0, "advance"],
      [1, "advance"],
    ]);
    for (const d of stored.decisions) {
      const check = d.report!.logs![0];
      expect([check.name, check.verdict]).toEqual(["slow", "pass"]);
      // The lines of the step in the search cluster, as many as the check needs (default 20).
      expect(check.canary.requests).toBeGreaterThanOrEqual(20);
      expect(check.stable.requests).toBeGreaterThan(0);
      expect(d.reason).toMatch(/log checks passed: slow$/);
    }
  });

  it("a canary answering 404 (no 5xx, as fast as stable) is rolled back by a 4xx check, in the workflow agent given --search-url", async () => {
    const wf = await startWorkflowAgent(tenant, "wf-lc", ["--search-url", url(), "--search-flavor", "opensearch"]);
    const traffic = startTraffic(bed.gw.url, 40);
    try {
      bed.v2.mode = { status: 404, delayMs: 5 };
      await claimRelease(bed.gw.store, tenant, "notfound", spec([{ name: "4xx", query: "status:[400 TO 499]", maxIncrease: 0.02 }]), "e2e", 0, "cluster");
      await until(async () => !!(await readRelease(bed.gw.store, tenant, "notfound"))?.state?.confirmedAt, 60_000, "the rollback confirmed");
      const r = (await readRelease(bed.gw.store, tenant, "notfound"))!;
      expect(r.state!.phase).toBe("rolledback");
      expect(r.state!.step).toBe(0); // at the first step: the live analysis would have advanced
      expect(r.state!.reason).toMatch(
        /^log check 4xx: 100\.00% of the canary's \d+ requests match status:\[400 TO 499\] \(stable 0\.00% of \d+\); at most 2\.00% above stable$/,
      );
      expect(r.decisions.at(-1)!.report!.logs![0].verdict).toBe("fail");
      expect(await bed.applied()).toBe(0);
    } finally {
      await traffic.stop();
      await wf.stop();
    }
  });
});
