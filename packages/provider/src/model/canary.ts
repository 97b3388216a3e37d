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
  };
  /** On success: remove the stable route from the gateway (a slice; default false: it stays at 0%). */
  sliceStable?: boolean;
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
}

/** The fields of a {@link CanarySpec}, in order. */
export const CANARY_SPEC_FIELDS = ["gateway", "stable", "canary", "steps", "interval", "minSamples", "noTrafficDeadline", "analysis", "sliceStable"] as const;
