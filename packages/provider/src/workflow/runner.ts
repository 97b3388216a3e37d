/**
 * The workflow agent's workflows: Vamp's schedules (`daemon`, `{ event: { tags } }`,
 * `{ time: { period, start, repeat } }`) decided by `schedule/`, each run a script in its own
 * process ({@link HOST_ENV}), ended after `VAMP_WORKFLOW_EXECUTION_TIMEOUT` seconds (default 10);
 * a daemon runs again `VAMP_WORKFLOW_EXECUTION_PERIOD` seconds (default 5) after the last run
 * ended. A run due while the last still runs is skipped. What a time schedule ran is kept in the
 * record, so a restart neither repeats nor forgets.
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import type { VampEvent } from "../events/event";
import type { Logger } from "../infra/logger";
import { messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import type { WorkflowRecord } from "../model/workflow";
import { workflowsDir } from "../record/keys";
import { eventDue, timeDue } from "../schedule/due";
import { connectSearch, type SearchTarget } from "../search/client";
import { followEvents } from "../search/events";
import type { StoreConnection } from "../store/connection";
import type { KeyValueStore } from "../store/types";
import { updateEntry } from "../store/update";
import { HOST_ENV } from "./script-host";

export interface WorkflowRunnerOptions {
  store: KeyValueStore;
  /** Passed to each run (its credentials come from this process's environment). */
  connection: StoreConnection;
  tenant: Tenant;
  log: Logger;
  /** The events cluster: event schedules follow it, and runs' `vamp.emit` writes to it. */
  events?: SearchTarget;
  scanMs?: number;
}

const envNumber = (r: WorkflowRecord, name: string, fallback: number) => {
  const v = Number(r.workflow.environmentVariables.find((e) => e.name === name)?.value);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export class WorkflowRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastEnd = new Map<string, number>();
  private readonly pending: VampEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopFollowing: (() => void) | undefined;
  private scanning = false;

  constructor(private readonly o: WorkflowRunnerOptions) {}

  async start(): Promise<void> {
    if (this.o.events) {
      const search = await connectSearch(this.o.events);
      this.stopFollowing = followEvents(search, this.o.tenant.organization, [], Date.now(), (e) => this.pending.push(e), {
        everyMs: 500,
        onError: (e) => this.o.log({ event: "workflow-events-error", message: messageOf(e) }),
      });
    }
    this.timer = setInterval(() => void this.scan(), this.o.scanMs ?? 200);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopFollowing?.();
    await Promise.allSettled(this.running.values());
  }

  private async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const events = this.pending.splice(0);
      for (const e of await this.o.store.list(workflowsDir(this.o.tenant))) {
        try {
          await this.consider(e.key, JSON.parse(e.value) as WorkflowRecord, events);
        } catch (err) {
          this.o.log({ event: "workflow-error", key: e.key, message: messageOf(err) });
        }
      }
    } catch (err) {
      this.o.log({ event: "workflow-scan-error", message: messageOf(err) });
    } finally {
      this.scanning = false;
    }
  }

  private async consider(key: string, r: WorkflowRecord, events: VampEvent[]): Promise<void> {
    const name = r.workflow.name;
    const busy = this.running.has(name);
    const s = r.workflow.schedule;
    if ("daemon" in s) {
      if (!busy && Date.now() - (this.lastEnd.get(name) ?? 0) >= envNumber(r, "VAMP_WORKFLOW_EXECUTION_PERIOD", 5) * 1000) this.run(key, r);
      return;
    }
    if ("event" in s) {
      for (const e of events.filter((x) => eventDue(s, x))) {
        if (this.running.has(name)) this.o.log({ event: "workflow-skipped", workflow: name, reason: "the last run still runs", trigger: e.tags });
        else this.run(key, r, e);
      }
      return;
    }
    const d = timeDue(s.time, r.createdAt, r.state ?? { nextTick: 0, runs: 0 }, busy, Date.now());
    if (d.action === "wait" || d.action === "done") return;
    // The schedule's progress first: a restart must not run this tick again.
    await updateEntry(this.o.store, key, (cur) =>
      cur ? { put: JSON.stringify({ ...(JSON.parse(cur.value) as WorkflowRecord), state: { ...r.state, ...d.state } }) } : { keep: true },
    );
    if (d.action === "skip") this.o.log({ event: "workflow-skipped", workflow: name, reason: d.reason });
    else this.run(key, r, undefined, d.reason);
  }

  private run(key: string, r: WorkflowRecord, trigger?: VampEvent, why?: string): void {
    const name = r.workflow.name;
    const started = Date.now();
    const timeoutMs = envNumber(r, "VAMP_WORKFLOW_EXECUTION_TIMEOUT", 10) * 1000;
    this.o.log({ event: "workflow-run", workflow: name, why: why ?? (trigger ? `event ${trigger.tags.join(" ")}` : "daemon") });
    const done = this.spawn(r, trigger, timeoutMs)
      .then(async ({ ok, error }) => {
        const last = { at: started, ms: Date.now() - started, ok, ...(error ? { error } : {}) };
        this.o.log({ event: "workflow-ended", workflow: name, ...last });
        await updateEntry(this.o.store, key, (cur) => {
          if (!cur) return { keep: true };
          const rec = JSON.parse(cur.value) as WorkflowRecord;
          return { put: JSON.stringify({ ...rec, state: { nextTick: 0, runs: 0, ...rec.state, last } }) };
        });
      })
      .catch((e) => this.o.log({ event: "workflow-error", workflow: name, message: messageOf(e) }))
      .finally(() => {
        this.running.delete(name);
        this.lastEnd.set(name, Date.now());
      });
    this.running.set(name, done);
  }

  /** The script in its own process, ended at the timeout. */
  private spawn(r: WorkflowRecord, trigger: VampEvent | undefined, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(r.workflow.environmentVariables.filter((e) => e.value !== undefined).map((e) => [e.alias ?? e.name, e.value])),
      [HOST_ENV.name]: r.workflow.name,
      [HOST_ENV.script]: r.workflow.breed.deployable.definition,
      [HOST_ENV.store]: JSON.stringify(this.o.connection),
      [HOST_ENV.organization]: this.o.tenant.organization,
      [HOST_ENV.environment]: this.o.tenant.environment,
      ...(this.o.events ? { [HOST_ENV.events]: this.o.events.url } : {}),
      ...(trigger ? { [HOST_ENV.trigger]: JSON.stringify(trigger) } : {}),
    };
    return new Promise((resolve) => {
      let stderr = "";
      const child = fork(path.join(__dirname, "script-host.js"), [], { env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
      child.stderr?.on("data", (d) => (stderr += String(d)));
      // What the script prints, as the agent's own log lines.
      if (child.stdout)
        readline.createInterface({ input: child.stdout }).on("line", (line) => this.o.log({ event: "workflow-output", workflow: r.workflow.name, line }));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve({ ok: true });
        else resolve({ ok: false, error: signal === "SIGKILL" ? `timed out after ${timeoutMs / 1000} s` : stderr.trim().slice(0, 500) || `exit ${code}` });
      });
    });
  }
}
