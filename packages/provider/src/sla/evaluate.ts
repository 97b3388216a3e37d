/**
 * Vamp's `response_time_sliding_window` SLA, evaluated: over each window the service's mean
 * response time above `threshold.upper` escalates, below `threshold.lower` de-escalates, and
 * nothing happens within `window.cooldown` of the last action (so a scaling has time to show).
 * No traffic in the window says nothing. Pure.
 */
import type { Sla } from "../model/artifact";

export interface SlaVerdict {
  action: "escalate" | "deescalate" | "none";
  reason: string;
}

/**
 * @example
 * slaVerdict(sla, { requests: 300, meanMs: 1450 }, undefined, Date.now()) // { action: "escalate", reason: "mean response time 1450 ms over the last 30 s above 1000 ms" }
 */
export function slaVerdict(sla: Sla, window: { requests: number; meanMs?: number }, lastActionAt: number | undefined, now: number): SlaVerdict {
  const w = `over the last ${sla.window.interval} s`;
  if (lastActionAt !== undefined && now - lastActionAt < sla.window.cooldown * 1000)
    return { action: "none", reason: `cooling down: ${Math.ceil((lastActionAt + sla.window.cooldown * 1000 - now) / 1000)} s left after the last escalation` };
  if (!window.requests || window.meanMs === undefined) return { action: "none", reason: `no requests ${w}: nothing to judge` };
  const mean = `mean response time ${Math.round(window.meanMs)} ms ${w}`;
  if (window.meanMs > sla.threshold.upper) return { action: "escalate", reason: `${mean} above ${sla.threshold.upper} ms` };
  if (window.meanMs < sla.threshold.lower) return { action: "deescalate", reason: `${mean} below ${sla.threshold.lower} ms` };
  return { action: "none", reason: `${mean} within ${sla.threshold.lower}–${sla.threshold.upper} ms` };
}
