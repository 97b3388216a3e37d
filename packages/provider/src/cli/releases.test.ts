import type { AnalysisReport } from "../model/analysis";
import { RELEASE_API_VERSION, type ReleaseRecord } from "../model/release";
import { releaseStatusText } from "./releases";

const report = (canary: number, stable: number): AnalysisReport => ({
  samples: { canary, stable, canaryTotal: canary + 30, stableTotal: stable + 120 },
  errors: { verdict: "continue", llr: -1.25, threshold: 4.6, p0: 0.01, p1: 0.02, canaryRate: 0, stableRate: 0.005 },
  latency: { verdict: "pass", pValue: 0.42, medianRatio: 1.02, canaryP50: 20.4, stableP50: 20 },
  elapsedMs: 2100,
  logs: [
    {
      name: "slow",
      query: "duration_ms:>500",
      verdict: "pass",
      canary: { requests: 30, matches: 0 },
      stable: { requests: 90, matches: 1 },
      reason: "slow: 0.00% of the canary's 30 requests match duration_ms:>500 (stable 1.11% of 90)",
    },
  ],
});

const record = (over: Partial<ReleaseRecord>): ReleaseRecord => ({
  apiVersion: RELEASE_API_VERSION,
  kind: "Release",
  name: "shop-v2",
  spec: { gateway: "shop", stable: "v1", canary: "v2", steps: { weights: [20, 50] } },
  driver: "pulumi",
  state: {
    phase: "progressing",
    step: 1,
    total: 100,
    weights: { stable: 50, canary: 50 },
    startedAt: 0,
    stepStartedAt: 0,
    counts: { stable: { requests: 0, errors: 0 }, canary: { requests: 0, errors: 0 } },
  },
  decisions: [{ at: 0, step: 0, action: "advance", reason: "step held 2.1 s with 16 canary requests", report: report(16, 60) }],
  ...over,
});

describe("vamp release status NAME", () => {
  it("shows the running step's analysis so far: both versions' samples, rates, medians and the tests", () => {
    const text = releaseStatusText(
      { records: [record({ look: { at: 5000, step: 1, action: "hold", reason: "holding the step: 1.0 of 2.0 s", report: report(7, 9) } })], unreadable: [] },
      true,
    );
    expect(text).toMatch(/step 2 so far \(.*\): hold: holding the step: 1\.0 of 2\.0 s/);
    expect(text).toMatch(/canary v2 +7 \/ 37 +0\.00% +20\.4 ms/);
    expect(text).toMatch(/stable v1 +9 \/ 129 +0\.50% +20\.0 ms/);
    expect(text).toMatch(/error test: continue, log-likelihood ratio -1\.25 of 4\.60; latency test: pass, median x1\.02, p=4\.2e-1/);
    expect(text).toMatch(/log check pass: slow: 0\.00% of the canary's 30 requests match duration_ms:>500 \(stable 1\.11% of 90\)$/m);
  });

  it("an ended release shows the evidence of its last decision; the list alone shows none", () => {
    const ended = record({ state: { ...record({}).state!, phase: "promoted" } });
    expect(releaseStatusText({ records: [ended], unreadable: [] }, true)).toMatch(/the last decision \(.*\): advance: step held 2\.1 s[^]*canary v2 +16 \/ 46/);
    expect(releaseStatusText({ records: [ended], unreadable: [] }, false)).not.toMatch(/REQUESTS/);
  });
});
