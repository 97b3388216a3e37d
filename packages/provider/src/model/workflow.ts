/**
 * A workflow in the store (`/vamp/<org>/<env>/workflows/<name>`): the validated Vamp workflow
 * (its breed inline; a script breed has deployable type `application/javascript`), and what the
 * workflow agent remembers of its schedule (so a restart neither repeats nor forgets runs).
 */
import type { Breed, Workflow } from "./artifact";

/** What the workflow agent remembers of a time schedule. */
export interface TimeState {
  /** The first tick not yet run or skipped. */
  nextTick: number;
  /** Runs started so far. */
  runs: number;
}

export const WORKFLOW_API_VERSION = "vamp.io/v1";

export interface WorkflowRecord {
  apiVersion: typeof WORKFLOW_API_VERSION;
  kind: "Workflow";
  workflow: Omit<Workflow, "breed"> & { breed: Breed };
  /** When it was first written: a time schedule without `start` starts here. */
  createdAt: number;
  state?: TimeState & { last?: { at: number; ms: number; ok: boolean; error?: string } };
}
