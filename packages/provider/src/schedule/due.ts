/**
 * When a workflow runs (Vamp's schedules): a `daemon` always (restarted when it ends), on an
 * event whose tags include all of the schedule's, or at `start` and every `period` after, at most
 * `repeat` times. A tick that comes while the previous run still runs is skipped, not queued;
 * ticks missed while nobody looked collapse into one run. Pure.
 */
import type { Schedule } from "../model/artifact";
import { matchesTags } from "../events/event";
import { addPeriods, lastTick, parsePeriod } from "./period";

import type { TimeState } from "../model/workflow";

export type { TimeState };

export interface TimeDecision {
  action: "run" | "skip" | "wait" | "done";
  state: TimeState;
  reason: string;
  /** When the next tick after this decision comes (none once done). */
  nextAt?: number;
}

/**
 * @example
 * timeDue({ period: "PT1M", repeat: 10 }, since, { nextTick: 0, runs: 0 }, false, Date.now()) // { action: "run", state: { nextTick: 1, runs: 1 }, ... }
 */
export function timeDue(
  s: { period: string; start?: string; repeat?: number },
  /** When the schedule began, when it names no `start`. */
  since: number,
  state: TimeState,
  running: boolean,
  now: number,
): TimeDecision {
  const p = parsePeriod(s.period);
  if (!p) return { action: "done", state, reason: `period ${JSON.stringify(s.period)} is not an ISO-8601 period` };
  if (s.repeat !== undefined && state.runs >= s.repeat) return { action: "done", state, reason: `ran ${state.runs} of ${s.repeat} times` };
  const start = s.start ? Date.parse(s.start) : since;
  const k = lastTick(start, p, state.nextTick, now);
  const nextAt = (tick: number) => addPeriods(start, p, tick);
  if (k === undefined) return { action: "wait", state, reason: "not yet", nextAt: nextAt(state.nextTick) };
  if (running)
    return { action: "skip", state: { ...state, nextTick: k + 1 }, reason: `tick ${k + 1} skipped: the previous run still runs`, nextAt: nextAt(k + 1) };
  const runs = state.runs + 1;
  return {
    action: "run",
    state: { nextTick: k + 1, runs },
    reason: `tick ${k + 1}${s.repeat ? `, run ${runs} of ${s.repeat}` : ""}`,
    ...(s.repeat !== undefined && runs >= s.repeat ? {} : { nextAt: nextAt(k + 1) }),
  };
}

/** Whether an event starts a workflow with this schedule (its tags include all of the schedule's). */
export function eventDue(s: Schedule, event: { tags: string[] }): boolean {
  return "event" in s && matchesTags(event, s.event.tags);
}
