/**
 * Drives one canary release to its end: every tick it reads its record (an operator's command; its lease is kept beside, rollout/lease.ts), the live counts of
 * the two routes from every agent, asks the judge, and moves the weights; an operator's command
 * or an interruption overrides the judge. The same function runs inside `pulumi up` (the
 * `CanaryRelease` resource) and in the workflow agent (from the record), so both decide alike.
 */
import { approve, commanded, decide, gateDecision, judgeConfig, startRelease } from "../canary/release";
import { evidenceOf } from "../canary/evidence";
import { judge, type Decision, type Evidence } from "../canary/judge";
import { afterLogChecks } from "../canary/log-check";
import type { WindowCounts } from "../metrics/window";
import type { Canary } from "../model/canary";
import { VampError, messageOf } from "../model/problem";
import type { LookEntry, ReleaseRecord, ReleaseState } from "../model/release";
import type { Tenant } from "../model/tenant";
import { withDecision } from "../record/release";
import type { SearchClient } from "../search/client";
import type { KeyValueStore } from "../store/types";
import { validateCanary } from "../validation/canary";
import { agentWindows } from "./agents";
import { confirmDrained, type Confirmation } from "./confirm";
import { callHooks, type HookPayload } from "./hooks";
import { askLogChecks } from "./log-checks";
import { keepLease, type LeaseKeeper } from "./lease";
import { updateRelease } from "./records";
import { decisionLine, releaseEvent, startLine, type EventSink, type ReleaseEventKind } from "./report";
import { readWeights, releaseOwner, writeWeights } from "./weights";

export interface DriverOptions {
  store: KeyValueStore;
  tenant: Tenant;
  /** Who drives (kept in the lease and as the events' actor). */
  holder: string;
  /** Each step and decision as a line (`pulumi up` prints them). */
  say?: (line: string) => void;
  events?: EventSink;
  /** Aborted: roll back to stable now (SIGINT, SIGTERM). */
  signal?: AbortSignal;
  /** Aborted: stop driving and leave the release as it is (the workflow agent shutting down; a restart resumes it). */
  halt?: AbortSignal;
  /** How often to look, ms (default 500). */
  tickMs?: number;
  /** The lease's lifetime, renewed every third of it beside the driver's work (default 2,500 ms). */
  leaseTtlMs?: number;
  /** Consecutive failed reads of the metrics before the release fails (default 10); until then the weights freeze. */
  metricErrorLimit?: number;
  /** How long a rollback may take to be confirmed by every agent (default 30 s). */
  confirmTimeoutMs?: number;
  /** The environment's search cluster (the gateway logs), for a release with log checks. */
  logs?: SearchClient;
}

export interface ReleaseOutcome {
  state: ReleaseState;
  /** For a rollback: when every agent confirmed the canary drained. */
  confirmed?: Confirmation;
}

const emptyWindow = (t: number): WindowCounts => ({ from: t, to: t, routes: [] });

/** Waits for the next look, or less when `signal` is (or gets) aborted: an interruption rolls back at once. */
function tick(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/** The current step's live counts: from the first whole second of the step to the end of this one. */
async function stepWindow(o: DriverOptions, c: Canary, s: ReleaseState, now: number): Promise<WindowCounts> {
  const from = Math.ceil(s.stepStartedAt / 1000) * 1000;
  const to = Math.ceil(now / 1000) * 1000;
  if (to <= from) return emptyWindow(from);
  return (await agentWindows(o.store, o.tenant, c.gateway, { from, to }, { strict: true })).window;
}

function validated(rec: ReleaseRecord): Canary {
  const v = validateCanary(rec.spec, `release ${rec.name}`);
  if (!v.canary) throw VampError.invalid(`release ${rec.name}`, v.problems);
  return v.canary;
}

/**
 * Runs the release of a claimed record (see `claimRelease`) until it is promoted or rolled back;
 * a rollback returns only once every agent confirmed the canary drained.
 *
 * @example
 * const rec = await claimRelease(store, tenant, "shop", spec, holder, 2500);
 * const { state } = await driveRelease(rec, { store, tenant, holder, say: console.log });
 */
export async function driveRelease(claimed: ReleaseRecord, o: DriverOptions): Promise<ReleaseOutcome> {
  const c = validated(claimed);
  const lease = keepLease(o.store, o.tenant, claimed.name, o.holder, o.leaseTtlMs ?? 2500);
  try {
    return await drive(claimed, c, o, lease);
  } finally {
    await lease.stop();
  }
}

async function drive(claimed: ReleaseRecord, c: Canary, o: DriverOptions, lease: LeaseKeeper): Promise<ReleaseOutcome> {
  const name = claimed.name;
  const say = o.say ?? (() => undefined);
  const emit = (kind: ReleaseEventKind, value: unknown) => o.events?.push(releaseEvent(o.tenant, name, c, kind, o.holder, value));
  let state = claimed.state;
  if (!state) {
    const current = await readWeights(o.store, o.tenant, c);
    state = startRelease(c, current, Date.now());
    const refused = state.phase === "progressing" ? (noLogs(c, o) ?? (await callHooks(c, "start", payloadOf(name, c, state, state)))) : undefined;
    // Refused before anything moved: over, with the weights as they were.
    if (refused) state = { ...state, phase: "rolledback", weights: current, reason: refused, confirmedAt: Date.now() };
    await save(o, name, state);
    if (!refused) await writeWeights(o.store, o.tenant, c, releaseOwner(name), state.weights);
    emit(refused ? "rolledback" : "started", { weights: state.weights, steps: c.weights, reason: refused });
  } else {
    await writeWeights(o.store, o.tenant, c, releaseOwner(name), state.weights);
    emit("resumed", { step: state.step, weights: state.weights });
  }
  say(state.phase === "progressing" ? startLine(name, c, state, claimed.state !== undefined) : `${name}: ${state.phase}: ${state.reason}`);
  const look = { metricErrors: 0 };
  let lastSaid = 0;
  while (state.phase === "progressing") {
    await tick(o.tickMs ?? 500, o.signal);
    if (o.halt?.aborted)
      throw new VampError("unavailable", `release ${name}: halted at step ${state.step + 1} (${String(o.halt.reason ?? "")}); it resumes when driven again`);
    const rec = await lease.current();
    const now = Date.now();
    const { decision, evidence, approvedBy } = await lookAt(o, c, state, rec, now, look, emit);
    const { next, decided } = await step(c, name, approvedBy ? approve(state, approvedBy, now) : state, decision, now, evidence);
    const seen: LookEntry = { at: now, step: state.step, action: decided.action, reason: decided.reason, report: decided.report };
    const moved = next.step !== state.step || next.phase !== state.phase;
    // The renewals carry the step's latest look; a step that moved starts its analysis afresh.
    lease.look = moved ? undefined : seen;
    if (next !== state || now - lastSaid >= 5000) {
      say(decisionLine(name, c, state, next, decided));
      lastSaid = now;
    }
    if (next === state) continue;
    // The record first: a driver that dies between the two resumes at the recorded step and writes its weights.
    await save(o, name, next, moved ? seen : undefined, !!approvedBy);
    if (next.weights.canary !== state.weights.canary) await writeWeights(o.store, o.tenant, c, releaseOwner(name), next.weights);
    const kind = !moved ? "gate" : next.phase === "progressing" ? "step" : (next.phase as ReleaseEventKind);
    emit(kind, { reason: decided.reason, report: decided.report, weights: next.weights, gate: next.gate });
    state = next;
  }
  return finish(o, c, name, state, lease, say, emit);
}

/** A release with log checks needs the search cluster: refused at its start rather than failed at its first step. */
function noLogs(c: Canary, o: DriverOptions): string | undefined {
  if (c.analysis.logs?.length && !o.logs)
    return `its log checks (${c.analysis.logs.map((l) => l.name).join(", ")}) need the environment's search cluster, and this driver has none (CanaryRelease: logs; vamp-workflow-agent: --search-url)`;
  return undefined;
}

function logsOf(c: Canary, o: DriverOptions): SearchClient {
  if (!o.logs) throw new VampError("unavailable", noLogs(c, o)!);
  return o.logs;
}

/** What a webhook hears about a move from `from` to `to`. */
function payloadOf(name: string, c: Canary, from: ReleaseState, to: ReleaseState): Omit<HookPayload, "moment"> {
  return { release: name, gateway: c.gateway, stable: c.stable, canary: c.canary, step: to.step + 1, weights: to.weights, reason: to.reason ?? from.reason };
}

/** The judge's decision through the gates to the next state; a webhook refusing the step or the promotion rolls back instead. */
async function step(c: Canary, name: string, state: ReleaseState, d: Decision, now: number, evidence?: Evidence) {
  const gated = gateDecision(c, state, d, now);
  const next = decide(gated.state, c, gated.decision, now, evidence);
  const moment = next.phase === "promoted" ? "promotion" : next.phase === "progressing" && next.step !== state.step ? "step" : undefined;
  const refused = moment ? await callHooks(c, moment, payloadOf(name, c, state, next)) : undefined;
  if (!refused) return { next, decided: gated.decision };
  const rollback: Decision = { ...gated.decision, action: "rollback", reason: refused };
  return { next: decide(gated.state, c, rollback, now, evidence), decided: rollback };
}

/**
 * One look: the judge on the step's live counts, unless an interruption or an operator's command
 * overrides it. Metrics that cannot be read freeze the weights (hold), and fail the release after
 * `metricErrorLimit` looks in a row.
 */
async function lookAt(
  o: DriverOptions,
  c: Canary,
  state: ReleaseState,
  rec: ReleaseRecord,
  now: number,
  look: { metricErrors: number },
  emit: (k: ReleaseEventKind, v: unknown) => void,
): Promise<{ decision: Decision; evidence?: Evidence; approvedBy?: string }> {
  const limit = o.metricErrorLimit ?? 10;
  let evidence: Evidence | undefined;
  let decision: Decision;
  try {
    evidence = evidenceOf(c, state.counts, await stepWindow(o, c, state, now), now - state.stepStartedAt);
    decision = judge(evidence, judgeConfig(c));
    // Asked only when the live analysis would advance: a search per check, not per look.
    if (decision.action === "advance" && c.analysis.logs?.length) {
      const results = await askLogChecks(logsOf(c, o), o.tenant, c, state.stepStartedAt, now);
      decision = afterLogChecks(decision, results, now - state.stepStartedAt, c.noTrafficDeadlineMs);
    }
    look.metricErrors = 0;
  } catch (e) {
    look.metricErrors++;
    const reason = `metrics unavailable (${look.metricErrors} of ${limit} in a row): ${messageOf(e)}`;
    emit("metrics", { reason });
    const none = judge(evidenceOf(c, state.counts, emptyWindow(now), now - state.stepStartedAt), judgeConfig(c));
    decision = { ...none, action: look.metricErrors >= limit ? "rollback" : "hold", reason };
  }
  if (o.signal?.aborted) return { decision: { ...decision, action: "rollback", reason: `interrupted (${String(o.signal.reason ?? "signal")})` } };
  if (rec.command) {
    emit("command", rec.command);
    if (rec.command.action === "approve") return { decision, evidence, approvedBy: rec.command.by };
    return { decision: commanded(rec.command.action, rec.command.by, decision.report), evidence };
  }
  return { decision, evidence };
}

async function finish(
  o: DriverOptions,
  c: Canary,
  name: string,
  state: ReleaseState,
  lease: LeaseKeeper,
  say: (l: string) => void,
  emit: (k: ReleaseEventKind, v: unknown) => void,
) {
  if (state.phase !== "rolledback") {
    await lease.release();
    return { state };
  }
  const confirmed = await confirmDrained(o.store, o.tenant, c.gateway, c.canary, { timeoutMs: o.confirmTimeoutMs });
  say(`${name}: rolled back: ${c.canary} at weight 0 and drained on ${confirmed.agents.length} agent(s), confirmed in ${confirmed.ms} ms`);
  emit("confirmed", { agents: confirmed.agents, ms: confirmed.ms });
  const unheard = await callHooks(c, "rollback", payloadOf(name, c, state, state));
  if (unheard) {
    say(`${name}: ${unheard}`);
    emit("webhook", { reason: unheard });
  }
  const done = { ...state, confirmedAt: Date.now() };
  await save(o, name, done);
  await lease.release();
  return { state: done, confirmed };
}

/** Writes the state (clearing a command it acted on), with the decision that made it. */
async function save(o: DriverOptions, name: string, state: ReleaseState, d?: ReleaseRecord["decisions"][number], acted = !!d): Promise<ReleaseRecord> {
  const rec = await updateRelease(o.store, o.tenant, name, (cur) => {
    if (!cur) throw new VampError("not-found", `release ${name}: its record was deleted from the store`);
    const next: ReleaseRecord = { ...cur, state };
    if (acted || d) delete next.command;
    if (d || state.phase !== "progressing") delete next.look;
    return d ? withDecision(next, d) : next;
  });
  return rec!;
}
