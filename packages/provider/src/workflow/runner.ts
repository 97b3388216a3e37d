/**
 * The workflow agent's workflows: Vamp's schedules (`daemon`, `{ event: { tags } }`,
 * `{ time: { period, start, repeat } }`) decided by `schedule/`, each run a script in its own
 * process ({@link HOST_ENV}), ended after `VAMP_WORKFLOW_EXECUTION_TIMEOUT` seconds (default 10);
 * a daemon runs again `VAMP_WORKFLOW_EXECUTION_PERIOD` seconds (default 5) after the last run
 * ended. A run due while the last still runs is skipped. What a time schedule ran is kept in the
 * agent's own status record, so a restart neither repeats nor forgets. It reads the workflows
 * when they change, when an event comes, when a run ends and when a tick is due.
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import type { VampEvent } from "../events/event";
import type { Logger } from "../infra/logger";
import { messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import type { WorkflowRecord, WorkflowStatus } from "../model/workflow";
import { statusKeyOf, workflowsDir } from "../record/keys";
import { eventDue, timeDue } from "../schedule/due";
import { connectSearch, type SearchTarget } from "../search/client";
import { followEvents } from "../search/events";
import type { StoreConnection } from "../store/connection";
import { followDir, type DirFollower } from "../store/follow";
import type { KeyValueStore, KvEntry } from "../store/types";
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
}

const envNumber = (r: WorkflowRecord, name: string, fallback: number) => {
  const v = Number(r.workflow.environmentVariables.find((e) => e.name === name)?.value);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const readStatus = (e: KvEntry | undefined): WorkflowStatus | undefined => (e ? (JSON.parse(e.value) as WorkflowStatus) : undefined);

export class WorkflowRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastEnd = new Map<string, number>();
  private readonly pending: VampEvent[] = [];
  /** The time workflows' status records as this agent last read or wrote them (it is their only writer). */
  private readonly statuses = new Map<string, WorkflowStatus>();
  private follower: DirFollower | undefined;
  private stopFollowing: (() => void) | undefined;

  constructor(private readonly o: WorkflowRunnerOptions) {}

  async start(): Promise<void> {
    const { store, tenant, log } = this.o;
    if (this.o.events) {
      const search = await connectSearch(this.o.events);
      this.stopFollowing = followEvents(
        search,
        tenant.organization,
        [],
        Date.now(),
        (e) => {
          this.pending.push(e);
          this.follower?.kick();
        },
        { everyMs: 500, onError: (e) => log({ event: "workflow-events-error", message: messageOf(e) }) },
      );
    }
    this.follower = await followDir(store, workflowsDir(tenant), (entries) => this.consider(entries), { log, what: "workflow-scan" });
  }

  async stop(): Promise<void> {
    this.stopFollowing?.();
    await this.follower?.close();
    await Promise.allSettled(this.running.values());
  }

  /** Starts what is due; wakes when the next daemon period or time tick comes. */
  private async consider(entries: KvEntry[]): Promise<number | undefined> {
    const events = this.pending.splice(0);
    let wakeAt = Infinity;
    for (const e of entries) {
      try {
        const next = await this.considerOne(e.key, JSON.parse(e.value) as WorkflowRecord, events);
        if (next !== undefined) wakeAt = Math.min(wakeAt, next);
      } catch (err) {
        this.o.log({ event: "workflow-error", key: e.key, message: messageOf(err) });
      }
    }
    return Number.isFinite(wakeAt) ? wakeAt : undefined;
  }

  private async considerOne(key: string, r: WorkflowRecord, events: VampEvent[]): Promise<number | undefined> {
    const name = r.workflow.name;
    const s = r.workflow.schedule;
    if ("daemon" in s) {
      if (this.running.has(name)) return undefined; // its end wakes us
      const due = (this.lastEnd.get(name) ?? 0) + envNumber(r, "VAMP_WORKFLOW_EXECUTION_PERIOD", 5) * 1000;
      if (Date.now() < due) return due;
      this.run(key, r);
      return undefined;
    }
    if ("event" in s) {
      for (const e of events.filter((x) => eventDue(s, x))) {
        if (this.running.has(name)) this.o.log({ event: "workflow-skipped", workflow: name, reason: "the last run still runs", trigger: e.tags });
        else this.run(key, r, e);
      }
      return undefined;
    }
    return this.considerTime(key, r, s.time);
  }

  /** A time schedule: its progress is written before the run, so a restart never runs a tick again. */
  private async considerTime(key: string, r: WorkflowRecord, time: { period: string; start?: string; repeat?: number }): Promise<number | undefined> {
    const name = r.workflow.name;
    const statusKey = statusKeyOf(this.o.tenant, "workflows", key);
    const now = Date.now();
    const status = await this.statusOf(statusKey, now);
    const d = timeDue(time, status.since, status, this.running.has(name), now);
    if (d.action === "wait" || d.action === "done") return d.nextAt;
    await this.writeStatus(statusKey, (cur) => ({ ...(cur ?? status), ...d.state }));
    if (d.action === "skip") this.o.log({ event: "workflow-skipped", workflow: name, reason: d.reason });
    else this.run(key, r, undefined, d.reason);
    return d.nextAt;
  }

  /** A time workflow's status: known, else read (written first at its first sight: a schedule without `start` starts now, and stays so after a restart). */
  private async statusOf(statusKey: string, now: number): Promise<WorkflowStatus> {
    const known = this.statuses.get(statusKey);
    if (known) return known;
    let status = readStatus(await this.o.store.get(statusKey));
    if (!status) {
      await updateEntry(this.o.store, statusKey, (cur) => (cur ? { keep: true } : { put: JSON.stringify({ since: now, nextTick: 0, runs: 0 }) }));
      status = readStatus(await this.o.store.get(statusKey))!;
    }
    this.statuses.set(statusKey, status);
    return status;
  }

  /** Writes a status record from what the store holds, and keeps what was written. */
  private async writeStatus(statusKey: string, change: (cur: WorkflowStatus | undefined) => WorkflowStatus): Promise<void> {
    let written: WorkflowStatus | undefined;
    await updateEntry(this.o.store, statusKey, (cur) => {
      written = change(readStatus(cur));
      return { put: JSON.stringify(written) };
    });
    if (written) this.statuses.set(statusKey, written);
  }

  private run(key: string, r: WorkflowRecord, trigger?: VampEvent, why?: string): void {
    const name = r.workflow.name;
    const started = Date.now();
    const timeoutMs = envNumber(r, "VAMP_WORKFLOW_EXECUTION_TIMEOUT", 10) * 1000;
    const statusKey = statusKeyOf(this.o.tenant, "workflows", key);
    this.o.log({ event: "workflow-run", workflow: name, why: why ?? (trigger ? `event ${trigger.tags.join(" ")}` : "daemon") });
    const done = this.spawn(r, trigger, timeoutMs)
      .then(async ({ ok, error }) => {
        const last = { at: started, ms: Date.now() - started, ok, ...(error ? { error } : {}) };
        this.o.log({ event: "workflow-ended", workflow: name, ...last });
        await this.writeStatus(statusKey, (cur) => ({ since: started, nextTick: 0, runs: 0, ...cur, last }));
      })
      .catch((e) => this.o.log({ event: "workflow-error", workflow: name, message: messageOf(e) }))
      .finally(() => {
        this.running.delete(name);
        this.lastEnd.set(name, Date.now());
        this.follower?.kick();
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
