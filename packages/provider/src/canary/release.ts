/**
 * A release's course: the weights of the two routes at each step, moved by the judge's decisions.
 * The same code drives a release inside `pulumi up` and in the workflow agent (from its record).
 * Pure: the caller gives the time and the evidence, and applies the weights.
 */
import type { Canary } from "../model/canary";
import type { ReleaseState } from "../model/release";
import type { Decision, Evidence, JudgeConfig } from "./judge";

/** The two routes' weights with the canary at `percent` of their total. */
export function split(total: number, percent: number): { stable: number; canary: number } {
  const canary = Math.round((total * percent) / 100);
  return { stable: total - canary, canary };
}

const none = () => ({ requests: 0, errors: 0 });

/**
 * The first step: the canary at its first weight.
 *
 * @example
 * startRelease(canary, { stable: 100, canary: 0 }, now) // { phase: "progressing", step: 0, weights: { stable: 80, canary: 20 }, ... }
 */
export function startRelease(canary: Canary, current: { stable: number; canary: number }, now: number): ReleaseState {
  const total = current.stable + current.canary;
  // Run again after it succeeded (a lost state file, a re-created resource): nothing to move back.
  if (current.stable === 0 && current.canary > 0)
    return {
      phase: "promoted",
      step: canary.weights.length,
      total,
      weights: current,
      startedAt: now,
      stepStartedAt: now,
      counts: { stable: none(), canary: none() },
      reason: `${canary.canary} already serves all of the two routes' traffic`,
    };
  return {
    phase: "progressing",
    step: 0,
    total,
    weights: split(total, canary.weights[0]),
    startedAt: now,
    stepStartedAt: now,
    counts: { stable: none(), canary: none() },
  };
}

/**
 * The state after a decision: hold keeps it, rollback puts everything on stable, advance takes
 * the next step (adding the finished step's counts, from `evidence`) or promotes after the last.
 */
export function decide(current: ReleaseState, canary: Canary, decision: Decision, now: number, evidence?: Evidence): ReleaseState {
  if (current.phase !== "progressing" || decision.action === "hold") return current;
  // A gate is passed (or moot) once the release moves.
  const { gate: _passed, ...state } = current;
  if (decision.action === "rollback") return { ...state, phase: "rolledback", weights: split(state.total, 0), reason: decision.reason };
  const counts = evidence ? { stable: evidence.stableTotal, canary: evidence.canaryTotal } : state.counts;
  const next = decision.action === "promote" ? canary.weights.length : state.step + 1;
  if (next >= canary.weights.length) return { ...state, phase: "promoted", weights: split(state.total, 100), counts, reason: decision.reason };
  return { ...state, step: next, weights: split(state.total, canary.weights[next]), stepStartedAt: now, counts };
}

const secs = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/** The state with the pending gate approved (or the next gated step approved ahead). */
export function approve(state: ReleaseState, by: string, now: number): ReleaseState {
  const gate = state.gate ?? { step: state.step + 1, since: now };
  return { ...state, gate: { ...gate, approvedBy: by } };
}

/**
 * The canary's gates applied to the judge's decision: an advance into a gated step (or to the
 * promotion) waits for approval, with the failure checks still running (a rollback passes
 * through); it is recorded in the state since when, and after the gate's timeout the configured
 * action is taken.
 *
 * @example
 * gateDecision(canary, state, judge(evidence), Date.now()) // { state: { ...state, gate: { step: 2, since } }, decision: { action: "hold", ... } }
 */
export function gateDecision(c: Canary, state: ReleaseState, d: Decision, now: number): { state: ReleaseState; decision: Decision } {
  const target = state.step + 1;
  if (d.action !== "advance" || !c.gates.before.includes(target)) return { state, decision: d };
  const gate = state.gate?.step === target ? state.gate : { step: target, since: now };
  const gated = { ...state, gate };
  if (gate.approvedBy) return { state: gated, decision: { ...d, reason: `${d.reason}; approved by ${gate.approvedBy}` } };
  const where = target >= c.weights.length ? "promotion" : `step ${target + 1}`;
  const left = gate.since + c.gates.timeoutMs - now;
  if (left <= 0) {
    const action = c.gates.onTimeout;
    return {
      state: gated,
      decision: {
        ...d,
        action,
        reason: `no approval before ${where} in ${secs(c.gates.timeoutMs)}: ${action === "promote" ? "promoting" : "rolling back"} as configured`,
      },
    };
  }
  return {
    state: gated,
    decision: {
      ...d,
      action: "hold",
      reason: `waiting for approval before ${where} (vamp release approve), ${secs(left)} left; the failure checks keep running`,
    },
  };
}

/** An operator's word (`vamp release promote|abort`, the UI) as a decision: it overrides the judge. */
export function commanded(action: "promote" | "abort", by: string, report: Decision["report"]): Decision {
  return action === "abort" ? { action: "rollback", reason: `aborted by ${by}`, report } : { action: "promote", reason: `promoted by ${by}`, report };
}

/** The judge's settings of a validated canary. */
export function judgeConfig(c: Canary): Partial<JudgeConfig> {
  return {
    intervalMs: c.intervalMs,
    minSamples: c.minSamples,
    noTrafficDeadlineMs: c.noTrafficDeadlineMs,
    error: c.analysis.errors ?? {},
    latency: c.analysis.latency ?? {},
  };
}
