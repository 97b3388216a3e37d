/**
 * A canary release in the store (`/vamp/<org>/<env>/releases/<name>`): what it is, where it is,
 * who drives it, and what an operator asked of it. The driver inside `pulumi up` and the
 * workflow agent read and write the same record; the lease says whose turn it is.
 */
import type { AnalysisReport } from "./analysis";
import type { CanarySpec } from "./canary";

export const RELEASE_API_VERSION = "vamp.io/v1";

export type ReleaseDriver = "pulumi" | "cluster";

export type ReleasePhase = "progressing" | "promoted" | "rolledback";

/** Requests and 5xx of one version. */
export interface VersionCounts {
  requests: number;
  errors: number;
}

/** Where a release is: its step and the weights it wants on the two routes. */
export interface ReleaseState {
  phase: ReleasePhase;
  /** The analysed step (index into the validated canary's weights). */
  step: number;
  /** What the two routes carry together (their weights when the release began); the release never touches the others. */
  total: number;
  weights: { stable: number; canary: number };
  startedAt: number;
  stepStartedAt: number;
  /** Both versions' requests and 5xx over the steps before the current one (the error test runs over the whole release). */
  counts: { stable: VersionCounts; canary: VersionCounts };
  /** Why it ended (promoted or rolled back). */
  reason?: string;
  /** A gate the release waits at: the step it would advance to, since when, and who approved it. */
  gate?: { step: number; since: number; approvedBy?: string };
  /** For a rollback: when every agent confirmed the canary at weight 0 and drained (a rollback is not reported done before). */
  confirmedAt?: number;
}

/** One decision of the judge as kept in the record, with the evidence it was taken on. */
export interface DecisionEntry {
  at: number;
  step: number;
  action: "advance" | "hold" | "rollback" | "promote";
  reason: string;
  /** The look's samples and tests (absent for a decision taken without a look, such as an abort before the first). */
  report?: AnalysisReport;
}

/** The driver's latest look at the running step (written with each lease renewal, so at most a tick old). */
export type LookEntry = DecisionEntry;

export interface ReleaseRecord {
  apiVersion: typeof RELEASE_API_VERSION;
  kind: "Release";
  name: string;
  spec: CanarySpec;
  /**
   * Who drives it: `pulumi` (inside `pulumi up`; when its lease lapses, the workflow agent takes
   * the release back to stable) or `cluster` (the workflow agent, which resumes it after a restart).
   */
  driver: ReleaseDriver;
  state?: ReleaseState;
  /**
   * Who drives the release and until when. A driver renews it every third of its lifetime, beside its work; when it lapses (the
   * laptop running `pulumi up` closed), the workflow agent takes the release back to stable.
   */
  lease?: { holder: string; expiresAt: number };
  /** What an operator asked (`vamp release promote|abort`, the UI); the driver acts on it and clears it. */
  command?: { action: "promote" | "abort" | "approve"; by: string; at: number };
  /** The latest decisions, newest last (at most {@link DECISIONS_KEPT}). */
  decisions: DecisionEntry[];
  /** While progressing: what the driver saw at its latest look (the step's analysis so far). */
  look?: LookEntry;
}

export const DECISIONS_KEPT = 50;
