/**
 * A canary release as declared (`CanarySpec`: what a program or a release record holds) and as
 * validated (`Canary`: steps expanded, durations in ms). The judge's thresholds travel with it.
 */

/** How the canary's weight grows: a fixed increment up to a maximum, or a list of weights. */
export type StepsSpec = { increment: number | string; max?: number | string } | { weights: (number | string)[] };

export interface CanarySpec {
  /** The gateway whose two routes the release moves traffic between. */
  gateway: string;
  /** The route that serves now (the stable version). */
  stable: string;
  /** The route of the new version. */
  canary: string;
  steps: StepsSpec;
  /** How long each step is held before it may advance (`30s`, `1m`; default `30s`). */
  interval?: number | string;
  /** Canary requests a step needs before it may advance (default 20). */
  minSamples?: number;
  /** A step whose canary gets fewer than `minSamples` for this long fails the release (default `5m`). */
  noTrafficDeadline?: number | string;
  analysis?: {
    errors?: { alpha?: number; beta?: number; minIncrease?: number; factor?: number };
    latency?: { alpha?: number; maxSlowdown?: number; minSamples?: number };
    /** Queries on the gateway's access logs in the environment's search cluster, asked before each step advances and before promotion. */
    logs?: LogCheckSpec[];
  };
  /** On success: remove the stable route from the gateway (a slice). Only `false` (the default: it stays at 0%) today; `true` is refused. */
  sliceStable?: boolean;
  /**
   * Manual approval: the steps (2 and up, or `"promotion"`) that wait for `vamp release approve`
   * before the canary's weight rises to them; the failure checks keep running while they wait.
   */
  gates?: { before: (number | "promotion")[]; timeout?: number | string; onTimeout?: "rollback" | "promote" };
  /** Called (POST, JSON) at these moments; a refusal (not 2xx after the retries) of start, step or promotion rolls back. */
  webhooks?: { url: string; on: HookMoment[]; timeout?: number | string; retries?: number }[];
}

/**
 * A query on the gateway's access logs in the environment's search cluster (the lines the
 * gateway agent ships): the share of each version's requests of the step that match it. It is
 * asked when the live analysis would advance; a canary over the limit rolls back, and too few of
 * the canary's requests in the search cluster yet hold the step (no data never promotes).
 *
 * @example
 * { name: "slow", query: "duration_ms:>500", maxShare: 0.01 }              // at most 1% of the canary's requests over 500 ms
 * { name: "4xx", query: "status:[400 TO 499]", maxIncrease: 0.02 }          // at most 2 points more 4xx than stable
 */
export interface LogCheckSpec {
  /** Named in the reports and reasons. */
  name: string;
  /** A query string (Lucene syntax) on the access log's fields: status, duration_ms, response_ms, bytes, method, path, termination. */
  query: string;
  /** The canary's share of its requests that match may be at most this (0 to 1). */
  maxShare?: number;
  /** The canary's share may exceed stable's by at most this (0 to 1). */
  maxIncrease?: number;
  /** Canary requests of the step the search cluster must hold before the check says anything (default 20). */
  minSamples?: number;
}

/** When a release calls its webhooks: before it starts, before each step, before promotion, after a rollback. */
export type HookMoment = "start" | "step" | "promotion" | "rollback";
export const HOOK_MOMENTS: readonly HookMoment[] = ["start", "step", "promotion", "rollback"];

export interface Webhook {
  url: string;
  on: HookMoment[];
  timeoutMs: number;
  retries: number;
}

export interface Canary {
  gateway: string;
  stable: string;
  canary: string;
  /** The canary's weight (percent of what the two routes carry) at each analysed step, ascending, below 100; promotion to 100 follows the last. */
  weights: number[];
  intervalMs: number;
  minSamples: number;
  noTrafficDeadlineMs: number;
  analysis: NonNullable<CanarySpec["analysis"]>;
  sliceStable: boolean;
  /** The step indices (into `weights`; `weights.length` is the promotion) that wait for approval. */
  gates: { before: number[]; timeoutMs: number; onTimeout: "rollback" | "promote" };
  webhooks: Webhook[];
}

/** The fields of a {@link CanarySpec}, in order. */
export const CANARY_SPEC_FIELDS = [
  "gateway",
  "stable",
  "canary",
  "steps",
  "interval",
  "minSamples",
  "noTrafficDeadline",
  "analysis",
  "sliceStable",
  "gates",
  "webhooks",
] as const;
