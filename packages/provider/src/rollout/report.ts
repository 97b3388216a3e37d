/**
 * What a release says as it goes: one printed line per step and decision, and the same as Vamp
 * events (`release:started|step|promoted|rolledback|confirmed|command|metrics`) with the report.
 */
import type { Decision } from "../canary/judge";
import type { VampEvent } from "../events/event";
import type { Canary } from "../model/canary";
import type { ReleaseState } from "../model/release";
import type { Tenant } from "../model/tenant";

export type ReleaseEventKind = "started" | "resumed" | "step" | "gate" | "promoted" | "rolledback" | "confirmed" | "command" | "metrics" | "webhook";

/** Where a release's events go (an {@link EventQueue}, or nowhere). */
export interface EventSink {
  push(e: VampEvent): void;
}

export function releaseEvent(tenant: Tenant, name: string, c: Canary, kind: ReleaseEventKind, actor: string, value: unknown): VampEvent {
  return {
    tags: [`releases:${name}`, `gateways:${c.gateway}`, `environments:${tenant.environment}`, `release:${kind}`],
    type: "release",
    value,
    timestamp: Date.now(),
    actor,
  };
}

const at = (c: Canary, s: ReleaseState) => `step ${s.step + 1}/${c.weights.length} (${c.canary} ${s.weights.canary}, ${c.stable} ${s.weights.stable})`;

/** The printed line of a decision that changed the release (or of a hold worth saying). */
export function decisionLine(name: string, c: Canary, before: ReleaseState, after: ReleaseState, d: Decision): string {
  const s = d.report.samples;
  const samples = `[${c.canary} ${s.canary} req, ${c.stable} ${s.stable} req this step]`;
  if (after.phase === "promoted") return `${name}: promoted: ${c.canary} at 100% (${d.reason})`;
  if (after.phase === "rolledback") return `${name}: rolling back to ${c.stable} from ${at(c, before)}: ${d.reason}`;
  if (after.step !== before.step) return `${name}: ${at(c, before)} passed → ${at(c, after)}: ${d.reason} ${samples}`;
  return `${name}: ${at(c, after)}: ${d.reason} ${samples}`;
}

export function startLine(name: string, c: Canary, s: ReleaseState, resumed: boolean): string {
  const steps = [...c.weights, 100].map((w) => `${w}%`).join(" → ");
  return `${name}: ${resumed ? "resumed at" : "started:"} ${at(c, s)}; ${c.canary} steps ${steps}, each held ${c.intervalMs / 1000} s with at least ${c.minSamples} requests`;
}
