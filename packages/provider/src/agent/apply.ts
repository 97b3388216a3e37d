/**
 * Brings HAProxy to a rendered configuration the least disruptive way (render/plan.ts decides):
 * weights through the Runtime API, anything else through a checked, seamless reload. The
 * configuration file on disk is always one HAProxy accepted: a candidate that fails the check
 * or the reload is never left in its place, so a restart serves the last good one.
 */
import * as fs from "node:fs";
import type { RenderedConfig } from "../model/resolved";
import { planApply, type AppliedState, type Plan } from "../render/plan";
import { HaproxyMaster } from "../haproxy/master";
import { RuntimeApi } from "../haproxy/runtime-api";
import { CoalescingLoop } from "../infra";

/** The shortest time between two writes of the files after runtime changes. */
const WRITE_INTERVAL_MS = 250;

export interface ApplyFiles {
  config: string;
  candidate: string;
  serverState: string;
  /** What was last applied (fingerprint and weights), so a restarted agent knows it too. */
  state: string;
}

export type ApplyOutcome = { ok: true; plan: Plan; ms: number } | { ok: false; plan: Plan; reason: string };

/**
 * What the agent needs from the proxy it drives: one small interface, so the agent's loop can
 * be tested without a proxy, and another proxy could stand behind it.
 */
export interface ProxyControl {
  /**
   * Brings the proxy to `next`; never throws, says what happened. `checkText`, when given, is
   * what a configuration check must see (the parts of `next` not already checked).
   */
  apply(next: RenderedConfig, opts?: { checkText?: () => string | undefined }): Promise<ApplyOutcome>;
  /** Whether the proxy runs. */
  running(): Promise<boolean>;
  /** Starts the proxy from the configuration last applied (on disk); false when there is none. */
  startFromDisk(): Promise<boolean>;
  /** Resolves when everything applied so far is on disk. */
  flush?(): Promise<void>;
  /** What keeps the proxy from being ready although it serves (files it cannot write), if anything. */
  problem?(): string | undefined;
}

/** {@link ProxyControl} over a real HAProxy in master-worker mode. */
export class Applier implements ProxyControl {
  private applied: AppliedState | undefined;
  /** What a runtime change left to write: its configuration and state, written after HAProxy has it. */
  private unwritten: { config: RenderedConfig; state: AppliedState } | undefined;
  private readonly writer = new CoalescingLoop(() => this.writeUnwritten());
  private flushing = false;
  /** The last failure to write the work directory; cleared by the next write that succeeds. */
  private writeError: string | undefined;
  /** Ends the pause between two writes early (a flush). */
  private wake: (() => void) | undefined;

  constructor(
    readonly haproxy: HaproxyMaster,
    readonly runtime: RuntimeApi,
    private readonly files: ApplyFiles,
    private readonly runtimeWeights = true,
  ) {
    // The weights on disk may be behind what HAProxy runs (they are written after a runtime
    // change, see apply): the first apply sets every weight and slot again, never trusting them.
    const known = readJson<AppliedState>(files.state);
    this.applied = known && { fingerprint: known.fingerprint, weights: [], slots: undefined };
  }

  async running(): Promise<boolean> {
    return this.haproxy.alive();
  }

  async startFromDisk(): Promise<boolean> {
    if (!fs.existsSync(this.files.config)) return false;
    await this.haproxy.start();
    return true;
  }

  async apply(next: RenderedConfig, opts: { checkText?: () => string | undefined } = {}): Promise<ApplyOutcome> {
    const t0 = Date.now();
    let plan = planApply(this.applied, await this.haproxy.alive(), next);
    if (plan.action === "runtime" && !this.runtimeWeights) plan = { action: "reload", reason: "weight change (runtime weights disabled)" };
    try {
      if (plan.action === "runtime") await this.setRuntime(plan);
      else if (plan.action === "reload" || plan.action === "start") {
        const problem = await this.replaceConfig(next.text, plan.action, opts.checkText?.());
        if (problem) return { ok: false, plan, reason: problem };
        // The server-state file restores what the Runtime API set before the reload, which may
        // put an old address back into a slot: set every slot as this configuration has it.
        if (next.slots.length) await this.runtime.setSlots(next.slots);
      }
    } catch (e) {
      return { ok: false, plan, reason: `${plan.action} failed: ${(e as Error).message}` };
    }
    this.applied = { fingerprint: next.fingerprint, weights: next.weights, slots: next.slots };
    // On disk only the fingerprint: a restarted agent sets every weight and slot again anyway.
    const state: AppliedState = { fingerprint: next.fingerprint, weights: [] };
    if (plan.action === "runtime") {
      // HAProxy has the change; the files (megabytes with thousands of gateways) follow, so
      // the next restart starts from these weights without delaying this change or the next.
      this.unwritten = { config: next, state };
      void this.writer.trigger();
    } else if (plan.action !== "none") this.writeState(state);
    return { ok: true, plan, ms: Date.now() - t0 };
  }

  private writeState(state: AppliedState): void {
    try {
      fs.writeFileSync(this.files.state, JSON.stringify(state));
    } catch (e) {
      this.writeError = notWritable(e);
    }
  }

  problem(): string | undefined {
    return this.writeError;
  }

  async flush(): Promise<void> {
    this.flushing = true;
    this.wake?.();
    try {
      await this.writer.trigger();
    } finally {
      this.flushing = false;
    }
  }

  /** Slots first (a route's new instances exist before weights send it traffic), then weights. */
  private async setRuntime(plan: Extract<Plan, { action: "runtime" }>): Promise<void> {
    if (plan.slots.length) await this.runtime.setSlots(plan.slots);
    if (plan.changes.length) await this.runtime.setWeights(plan.changes);
  }

  /**
   * Only the latest runtime change is written: it includes every one before it. At most one
   * write per {@link WRITE_INTERVAL_MS}, so a burst of changes costs one write, not one each.
   */
  private async writeUnwritten(): Promise<void> {
    const u = this.unwritten;
    this.unwritten = undefined;
    if (!u) return;
    try {
      await writeAtomicAsync(this.files.config, u.config.textChunks?.() ?? [u.config.text]);
      await writeAtomicAsync(this.files.state, [JSON.stringify(u.state)]);
      this.writeError = undefined;
    } catch (e) {
      // HAProxy runs the change; only a restart would start from older weights. Say so.
      this.writeError = notWritable(e);
    }
    if (!this.flushing) await new Promise<void>((resolve) => ((this.wake = resolve), setTimeout(resolve, WRITE_INTERVAL_MS)));
    this.wake = undefined;
  }

  /** `haproxy -c` of the candidate, or of just the part of it given (written beside it). */
  private async check(part: string | undefined): Promise<string | undefined> {
    if (part === undefined) return this.haproxy.check(this.files.candidate);
    const file = `${this.files.candidate}.check`;
    writeAtomic(file, part);
    try {
      return await this.haproxy.check(file);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Checks the candidate, swaps it in, reloads or starts; on failure puts the previous file back. */
  private async replaceConfig(text: string, action: "reload" | "start", checkText?: string): Promise<string | undefined> {
    await this.flush(); // a runtime change's file must not land after this one
    try {
      writeAtomic(this.files.candidate, text);
    } catch (e) {
      this.writeError = notWritable(e);
      return `${this.writeError}; keeping the running configuration`;
    }
    this.writeError = undefined;
    // The file on disk passed the check when it was applied: starting it again needs no second one.
    const known = fs.existsSync(this.files.config) && fs.readFileSync(this.files.config, "utf8") === text;
    const problem = known ? undefined : await this.check(checkText);
    if (problem) return `the rendered configuration fails haproxy -c; keeping the running one: ${problem}`;
    // Runtime-only state (drained servers) survives the reload through the state file.
    if (action === "reload") fs.writeFileSync(this.files.serverState, await this.runtime.serversState().catch(() => ""));
    const previous = fs.existsSync(this.files.config) ? fs.readFileSync(this.files.config) : undefined;
    fs.renameSync(this.files.candidate, this.files.config);
    try {
      if (action === "reload") await this.haproxy.reload();
      else await this.haproxy.start();
    } catch (e) {
      // The file on disk must stay one HAProxy runs: a restart would otherwise load the refused one.
      if (previous) writeAtomic(this.files.config, previous);
      else fs.rmSync(this.files.config, { force: true });
      throw e;
    }
    return undefined;
  }
}

function notWritable(e: unknown): string {
  return `the work directory is not writable: ${(e as Error).message}`;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/**
 * Writes the pieces in batches of about 256 KiB, so a file of megabytes never blocks the
 * agent's loop for long (one big string would be built and encoded in one go).
 */
async function writeAtomicAsync(file: string, chunks: Iterable<string>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const out = await fs.promises.open(tmp, "w");
  try {
    let batch = "";
    for (const c of chunks) {
      batch += c;
      if (batch.length < 256 * 1024) continue;
      await out.write(batch);
      batch = "";
    }
    await out.write(batch);
  } finally {
    await out.close();
  }
  await fs.promises.rename(tmp, file);
}

export function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
