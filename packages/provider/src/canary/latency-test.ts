/**
 * Is the canary slower than stable? Mann-Whitney's rank test on the two versions' request-time
 * histograms (the live metrics' buckets: equal bins are ties), one-sided, and an effect size:
 * the canary fails only when it is significantly slower AND its median is slower by more than the
 * allowed share, so a tiny but significant difference under heavy traffic never rolls back. Pure.
 */
import { errorFunction } from "simple-statistics";
import type { LatencyTestResult } from "../model/analysis";
import { histogramCount, quantile, type Histogram } from "../metrics/histogram";

export interface LatencyTestConfig {
  /** Significance of "slower" (default 0.001: the test is looked at every second). */
  alpha: number;
  /** The canary's median may be this much slower than stable's (default 0.2: 20%). */
  maxSlowdown: number;
  /** Requests per version before the test says anything (default 20). */
  minSamples: number;
}

export const DEFAULT_LATENCY_TEST: LatencyTestConfig = { alpha: 0.001, maxSlowdown: 0.2, minSamples: 20 };

export type { LatencyTestResult };

/** The standard normal's upper tail. */
function upperTail(z: number): number {
  return 0.5 * (1 - errorFunction(z / Math.SQRT2));
}

/** Mann-Whitney U of `a` over `b` from histograms (equal bins tie), and its one-sided p-value (normal approximation, tie-corrected). */
export function mannWhitney(a: Histogram, b: Histogram): { u: number; z: number; pValue: number } {
  const bins = new Set<string>([...Object.keys(a.buckets), ...Object.keys(b.buckets)]);
  const rows: [number, number, number][] = [[-Infinity, a.zero, b.zero]];
  for (const k of bins) rows.push([Number(k), a.buckets[k] ?? 0, b.buckets[k] ?? 0]);
  rows.sort((x, y) => x[0] - y[0]);
  const na = histogramCount(a);
  const nb = histogramCount(b);
  let u = 0;
  let below = 0;
  let ties = 0;
  for (const [, ca, cb] of rows) {
    u += ca * (below + cb / 2);
    below += cb;
    const t = ca + cb;
    ties += t * t * t - t;
  }
  const n = na + nb;
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - ties / (n * (n - 1)));
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  return { u, z, pValue: upperTail(z) };
}

/**
 * @example
 * latencyTest(canaryHistogram, stableHistogram) // { verdict: "fail", pValue: 1e-9, medianRatio: 1.5, ... }
 */
export function latencyTest(canary: Histogram, stable: Histogram, config: Partial<LatencyTestConfig> = {}): LatencyTestResult {
  const c = { ...DEFAULT_LATENCY_TEST, ...config };
  if (histogramCount(canary) < c.minSamples || histogramCount(stable) < c.minSamples) return { verdict: "insufficient" };
  const { pValue } = mannWhitney(canary, stable);
  const canaryP50 = quantile(canary, 0.5)!;
  const stableP50 = quantile(stable, 0.5)!;
  // A median of 0 ms (HAProxy counts whole ms) is 1 ms for the ratio: fast either way.
  const medianRatio = Math.max(canaryP50, 1) / Math.max(stableP50, 1);
  const slower = pValue < c.alpha && medianRatio > 1 + c.maxSlowdown;
  return { verdict: slower ? "fail" : "pass", pValue, medianRatio, canaryP50, stableP50 };
}
