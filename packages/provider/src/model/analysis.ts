/**
 * What the canary's judge found at one look: the samples of both versions and the two tests'
 * results. The judge (`canary/`) produces it; the release record keeps it with each decision and
 * with the running step's latest look, so the CLI and the page show the evidence, not only the
 * verdict.
 */

/** The sequential error test's state at one look. */
export interface ErrorTestResult {
  verdict: "fail" | "continue";
  /** The log-likelihood ratio of "canary at p1" over "canary at p0". */
  llr: number;
  /** Where it fails. */
  threshold: number;
  /** The rates compared: the stable version's (its upper 95% bound) and the alternative. */
  p0: number;
  p1: number;
  canaryRate: number;
  stableRate: number;
}

/** The rank test on latency at one look. */
export interface LatencyTestResult {
  verdict: "fail" | "pass" | "insufficient";
  /** One-sided p-value of "the canary is slower". */
  pValue?: number;
  /** The canary's median over stable's. */
  medianRatio?: number;
  canaryP50?: number;
  stableP50?: number;
}

/** Requests of one version in the search cluster over the step, and how many match a log check's query. */
export interface LogMatches {
  requests: number;
  matches: number;
}

/** A log check's result (see `LogCheckSpec`). */
export interface LogCheckResult {
  name: string;
  query: string;
  verdict: "pass" | "fail" | "insufficient";
  canary: LogMatches;
  stable: LogMatches;
  /** Why, in words (the shares against the limits, or what is missing). */
  reason: string;
}

/** One look's evidence and tests. */
export interface AnalysisReport {
  /** Requests this step (`canary`, `stable`) and since the release began (`…Total`). */
  samples: { canary: number; stable: number; canaryTotal: number; stableTotal: number };
  errors: ErrorTestResult;
  latency: LatencyTestResult;
  /** How long the step had run, ms. */
  elapsedMs: number;
  /** The log checks, when the release has them and the live analysis would have advanced. */
  logs?: LogCheckResult[];
}
