/**
 * Is the canary's error rate higher than the stable version's? A sequential probability ratio
 * test (Wald) on the canary's requests, against the stable version's rate measured over the same
 * time: it may be looked at after every second without inflating its false-alarm rate, it needs
 * few requests when the canary fails hard (each error is strong evidence) and many when the
 * difference is small, and the stable version's own errors raise the bar instead of counting
 * against the canary. Pure.
 */
import type { ErrorTestResult } from "../model/analysis";

/** Requests and errors (5xx) of one version since the release started. */
export interface ErrorCounts {
  requests: number;
  errors: number;
}

export interface ErrorTestConfig {
  /** The chance of rolling back a canary as good as stable (default 0.01). */
  alpha: number;
  /** The chance of missing a canary as bad as the alternative (default 0.01). */
  beta: number;
  /** The alternative: the stable rate plus at least this much (absolute, default 0.01)... */
  minIncrease: number;
  /** ...and at least this many times it (default 2). */
  factor: number;
}

export const DEFAULT_ERROR_TEST: ErrorTestConfig = { alpha: 0.01, beta: 0.01, minIncrease: 0.01, factor: 2 };

export type { ErrorTestResult };

/** Wilson's upper 95% bound of a proportion: with little stable traffic the bar is higher, not lower. */
export function upperBound(errors: number, requests: number, z = 1.96): number {
  if (requests <= 0) return 1;
  const p = errors / requests;
  const d = 1 + (z * z) / requests;
  const centre = p + (z * z) / (2 * requests);
  const spread = z * Math.sqrt((p * (1 - p)) / requests + (z * z) / (4 * requests * requests));
  return Math.min(1, (centre + spread) / d);
}

/**
 * @example
 * errorTest({ requests: 40, errors: 12 }, { requests: 4000, errors: 40 }) // { verdict: "fail", ... }
 */
export function errorTest(canary: ErrorCounts, stable: ErrorCounts, config: Partial<ErrorTestConfig> = {}): ErrorTestResult {
  const c = { ...DEFAULT_ERROR_TEST, ...config };
  // A floor: with no stable errors at all the bound still leaves room for a rare canary error.
  const p0 = Math.min(0.9, Math.max(0.001, upperBound(stable.errors, stable.requests)));
  const p1 = Math.min(0.99, Math.max(p0 + c.minIncrease, p0 * c.factor));
  const successes = canary.requests - canary.errors;
  const llr = canary.errors * Math.log(p1 / p0) + successes * Math.log((1 - p1) / (1 - p0));
  const threshold = Math.log((1 - c.beta) / c.alpha);
  return {
    verdict: llr >= threshold ? "fail" : "continue",
    llr,
    threshold,
    p0,
    p1,
    canaryRate: canary.requests ? canary.errors / canary.requests : 0,
    stableRate: stable.requests ? stable.errors / stable.requests : 0,
  };
}
