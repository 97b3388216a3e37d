/**
 * The canary's judge: one decision per look at the evidence (every second or so), canary against
 * stable, never the whole gateway. Rolls back on errors (sequential test over the whole release)
 * or latency (rank test over the step); holds while the step's interval runs or while the canary
 * has too little traffic to say anything (no data never promotes); fails a canary that gets no
 * traffic for a whole deadline; advances otherwise. Every decision carries its report. Pure.
 */
import type { Histogram } from "../metrics/histogram";
import type { AnalysisReport } from "../model/analysis";
import { errorTest, type ErrorCounts, type ErrorTestConfig } from "./error-test";
import { latencyTest, type LatencyTestConfig } from "./latency-test";

export interface VersionStep {
  requests: number;
  errors: number;
  latency: Histogram;
}

export interface Evidence {
  /** Since the release started: the error test runs over all of it. */
  canaryTotal: ErrorCounts;
  stableTotal: ErrorCounts;
  /** Since the current step started. */
  canaryStep: VersionStep;
  stableStep: VersionStep;
  /** How long the current step has run, ms. */
  elapsedMs: number;
}

export interface JudgeConfig {
  /** How long each step is held before it may advance, ms. */
  intervalMs: number;
  /** Canary requests a step needs before it may advance. */
  minSamples: number;
  /** A step whose canary gets fewer than `minSamples` for this long fails, ms. */
  noTrafficDeadlineMs: number;
  error: Partial<ErrorTestConfig>;
  latency: Partial<LatencyTestConfig>;
}

export const DEFAULT_JUDGE: JudgeConfig = { intervalMs: 10_000, minSamples: 20, noTrafficDeadlineMs: 120_000, error: {}, latency: {} };

/** A decision's evidence and tests (kept with the decision in the release record). */
export type Report = AnalysisReport;

export interface Decision {
  /** `promote` (to 100% at once) comes only from an operator. */
  action: "advance" | "hold" | "rollback" | "promote";
  reason: string;
  report: Report;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * @example
 * judge({ canaryTotal, stableTotal, canaryStep, stableStep, elapsedMs: 12_000 }, { ...DEFAULT_JUDGE, intervalMs: 10_000 })
 * // { action: "advance", reason: "step held 12.0 s with 60 canary requests: errors 0.00% vs 0.95%, median x1.02", report }
 */
export function judge(e: Evidence, config: Partial<JudgeConfig> = {}): Decision {
  const c = { ...DEFAULT_JUDGE, ...config };
  const errors = errorTest(e.canaryTotal, e.stableTotal, c.error);
  const latency = latencyTest(e.canaryStep.latency, e.stableStep.latency, c.latency);
  const report: Report = {
    samples: { canary: e.canaryStep.requests, stable: e.stableStep.requests, canaryTotal: e.canaryTotal.requests, stableTotal: e.stableTotal.requests },
    errors,
    latency,
    elapsedMs: e.elapsedMs,
  };
  const decide = (action: Decision["action"], reason: string): Decision => ({ action, reason, report });
  if (errors.verdict === "fail")
    return decide(
      "rollback",
      `canary errors ${pct(errors.canaryRate)} (${e.canaryTotal.errors} of ${e.canaryTotal.requests}) against stable ${pct(errors.stableRate)}: ` +
        `more than ${pct(errors.p1)} is the likelier (log-likelihood ratio ${errors.llr.toFixed(2)} ≥ ${errors.threshold.toFixed(2)})`,
    );
  if (latency.verdict === "fail")
    return decide(
      "rollback",
      `canary slower: median ${latency.canaryP50!.toFixed(1)} ms against ${latency.stableP50!.toFixed(1)} ms (x${latency.medianRatio!.toFixed(2)}), p=${latency.pValue!.toExponential(1)}`,
    );
  if (e.canaryStep.requests < c.minSamples) {
    if (e.elapsedMs >= c.noTrafficDeadlineMs)
      return decide(
        "rollback",
        `no evidence: the canary got ${e.canaryStep.requests} requests in ${(e.elapsedMs / 1000).toFixed(0)} s (needs ${c.minSamples}); a canary without traffic is never promoted`,
      );
    return decide("hold", `too little traffic: ${e.canaryStep.requests} of ${c.minSamples} canary requests this step`);
  }
  if (e.elapsedMs < c.intervalMs) return decide("hold", `holding the step: ${(e.elapsedMs / 1000).toFixed(1)} of ${(c.intervalMs / 1000).toFixed(1)} s`);
  // Not yet proven bad is not good enough: a canary failing more often than the alternative waits for the test to decide.
  if (errors.canaryRate > errors.p1)
    return decide(
      "hold",
      `canary errors ${pct(errors.canaryRate)} (${e.canaryTotal.errors} of ${e.canaryTotal.requests}) above ${pct(errors.p1)}: waiting for the error test to decide (log-likelihood ratio ${errors.llr.toFixed(2)} of ${errors.threshold.toFixed(2)})`,
    );
  const median = latency.medianRatio === undefined ? "latency: too few samples" : `median x${latency.medianRatio.toFixed(2)}`;
  return decide(
    "advance",
    `step held ${(e.elapsedMs / 1000).toFixed(1)} s with ${e.canaryStep.requests} canary requests: errors ${pct(errors.canaryRate)} vs ${pct(errors.stableRate)}, ${median}`,
  );
}
