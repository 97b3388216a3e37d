/**
 * A workflow in the store (`/vamp/<org>/<env>/workflows/<name>`, written by the Workflow
 * resource): the validated Vamp workflow, its breed inline (a script: deployable type
 * `application/javascript`). What the workflow agent remembers of its schedule is its own
 * record ({@link WorkflowStatus}), so a restart neither repeats nor forgets runs and the stack's
 * record never drifts.
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
}

/** The workflow agent's own record of a workflow (`/vamp/<org>/<env>/status/workflows/<name>`). */
export interface WorkflowStatus extends TimeState {
  /** When the agent first saw the workflow: a time schedule without `start` starts here. */
  since: number;
  last?: { at: number; ms: number; ok: boolean; error?: string };
}
