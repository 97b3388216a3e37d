/**
 * The gateway agent: watch the tenant's gateways in the store → compile → render → plan →
 * apply to a real HAProxy. Weight changes go through the Runtime API, structural ones through a
 * checked, seamless reload. An invalid spec never reaches HAProxy (the gateway keeps its last
 * good version); a store outage changes nothing; a restarted agent rebuilds from the store (or,
 * while the store is away, from its last good configuration on disk) before its first apply.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fnv1a } from "../haproxy/hash";
import { HaproxyMaster } from "../proxy/master";
import { RuntimeApi } from "../proxy/runtime-api";
import { gatewayNameOf, gatewaysDir, type Tenant } from "../store/layout";
import { decodeRecord, type GatewayRecord } from "../store/record";
import type { KeyValueStore, StoreWatch } from "../store/types";
import type { GatewayEngine, RenderedConfig } from "./engine";
import { planApply, type AppliedState, type Plan } from "./plan";

export interface AgentOptions<G> {
  tenant: Tenant;
  store: KeyValueStore;
  engine: GatewayEngine<G>;
  /** HAProxy's files: configuration, sockets, server state, agent state. Created if missing. */
  workDir: string;
  haproxyBinary?: string;
  /** Use the store's watch (default). False polls only, like Vamp did. */
  watch?: boolean;
  /** Re-read the store this often even without a signal (a safety net; the poll interval when watch is off). */
  resyncMs?: number;
  /** Change weights through the Runtime API (default). False reloads on every change, like Vamp did. */
  runtimeWeights?: boolean;
  log?: (event: AgentEvent) => void;
}

/** What the agent reports: one object per event, logged as a JSON line. */
export type AgentEvent =
  | { event: "applied"; plan: Plan["action"]; reason?: string; changes?: number; ms: number; gateways: number }
  | { event: "rejected"; gateway: string; errors: string[]; keptLastGood: boolean }
  | { event: "store-error"; message: string }
  | { event: "apply-error"; message: string }
  | { event: "started-from-disk"; message: string };

export interface AgentStatus {
  ready: boolean;
  storeHealthy: boolean;
  /** Fingerprint and weight count of what HAProxy runs. */
  applied?: { fingerprint: string; weights: number; at: string };
  /** The store revisions of the records in the applied configuration, by gateway. */
  revisions: Record<string, string>;
  lastError?: string;
  rejected: Record<string, string[]>;
  counters: { syncs: number; syncFailures: number; runtimeUpdates: number; reloads: number; reloadFailures: number; rejected: number };
  routes: RenderedConfig["routes"];
}

export class GatewayAgent<G = unknown> {
  readonly files: { config: string; candidate: string; masterSocket: string; statsSocket: string; serverState: string; state: string; log: string };
  readonly haproxy: HaproxyMaster;
  readonly runtime: RuntimeApi;
  private applied: AppliedState | undefined;
  private readonly lastGood = new Map<string, { record: GatewayRecord; revision: string; gateway: G }>();
  private readonly status: AgentStatus = {
    ready: false,
    storeHealthy: false,
    revisions: {},
    rejected: {},
    counters: { syncs: 0, syncFailures: 0, runtimeUpdates: 0, reloads: 0, reloadFailures: 0, rejected: 0 },
    routes: [],
  };
  private watcher: StoreWatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;
  private stopped = false;
  private backoffMs = 100;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly options: AgentOptions<G>) {
    const d = options.workDir;
    fs.mkdirSync(d, { recursive: true });
    this.files = {
      config: path.join(d, "haproxy.cfg"),
      candidate: path.join(d, "haproxy.cfg.candidate"),
      masterSocket: path.join(d, "master.sock"),
      statsSocket: path.join(d, "admin.sock"),
      serverState: path.join(d, "server-state"),
      state: path.join(d, "agent-state.json"),
      log: path.join(d, "haproxy.log"),
    };
    this.haproxy = new HaproxyMaster({ binary: options.haproxyBinary, configPath: this.files.config, masterSocket: this.files.masterSocket, logPath: this.files.log });
    this.runtime = new RuntimeApi(this.files.masterSocket, { viaMaster: true });
  }

  /**
   * Starts the loop: attaches to a running HAProxy if there is one, syncs from the store once,
   * then follows the store. If the store is unreachable at start and HAProxy is not running,
   * HAProxy starts from the last good configuration on disk (never from an empty one).
   */
  async start(): Promise<void> {
    this.applied = readJson<AppliedState>(this.files.state);
    const wantWatch = this.options.watch ?? true;
    if (wantWatch) {
      try {
        this.watcher = await this.options.store.watch(gatewaysDir(this.options.tenant), () => this.trigger(), (e) => this.storeError(e));
      } catch (e) {
        this.storeError(e as Error); // the resync timer retries; the watch is set up on the next success
      }
    }
    if (!fs.existsSync(this.files.serverState)) fs.writeFileSync(this.files.serverState, "1\n"); // an empty state file of format version 1
    await this.sync();
    if (!this.status.ready && !this.status.storeHealthy && !(await this.haproxy.state()) && fs.existsSync(this.files.config)) {
      try {
        await this.haproxy.start();
        this.status.ready = true;
        this.log({ event: "started-from-disk", message: `store unreachable; serving the last good configuration ${this.files.config}` });
      } catch (e) {
        this.applyError(`start from the last good configuration failed: ${(e as Error).message}`);
      }
    }
    this.schedule(this.options.resyncMs ?? (wantWatch ? 10_000 : 5_000));
  }

  /** Stops following the store; HAProxy keeps running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.watcher?.close();
    await this.idle;
  }

  /** A copy of the agent's status for the health endpoint. */
  getStatus(): AgentStatus {
    return JSON.parse(JSON.stringify(this.status)) as AgentStatus;
  }

  /** Runs one sync now (coalesced with one already running); resolves when it is done. */
  trigger(): Promise<void> {
    if (this.stopped) return this.idle;
    if (this.running) {
      this.dirty = true;
      return this.idle;
    }
    return this.sync();
  }

  private schedule(everyMs: number): void {
    const tick = async () => {
      if (this.stopped) return;
      if (!this.watcher && (this.options.watch ?? true)) {
        try {
          this.watcher = await this.options.store.watch(gatewaysDir(this.options.tenant), () => this.trigger(), (e) => this.storeError(e));
        } catch {
          /* still away; the sync below reports it */
        }
      }
      await this.trigger();
      const next = this.status.storeHealthy ? everyMs : Math.min(this.backoffMs, everyMs);
      this.timer = setTimeout(() => void tick(), next);
    };
    this.timer = setTimeout(() => void tick(), everyMs);
  }

  private sync(): Promise<void> {
    this.running = true;
    this.idle = (async () => {
      do {
        this.dirty = false;
        await this.syncOnce();
      } while (this.dirty && !this.stopped);
      this.running = false;
    })();
    return this.idle;
  }

  private async syncOnce(): Promise<void> {
    this.status.counters.syncs++;
    let entries;
    try {
      entries = await this.options.store.list(gatewaysDir(this.options.tenant));
      this.status.storeHealthy = true;
      this.backoffMs = 100;
    } catch (e) {
      this.storeError(e as Error);
      this.backoffMs = Math.min(this.backoffMs * 2, 1000);
      return; // nothing changes while the store is away
    }
    const gateways = this.compile(entries);
    let rendered: RenderedConfig;
    try {
      rendered = this.options.engine.render(gateways.map((g) => g.gateway), { statsSocket: this.files.statsSocket, serverStateFile: this.files.serverState, instance: fnv1a(path.resolve(this.options.workDir)) });
    } catch (e) {
      return this.applyError(`render failed: ${(e as Error).message}`);
    }
    // The status reports only what HAProxy really runs: a failed apply leaves it as it was.
    if (await this.apply(rendered, gateways.length)) {
      this.status.revisions = Object.fromEntries(gateways.map((g) => [g.name, g.revision]));
      this.status.routes = rendered.routes;
    }
  }

  /** Per gateway: the new record if it is valid, else its last good version, else nothing. */
  private compile(entries: { key: string; value: string; revision: string }[]): { name: string; revision: string; gateway: G }[] {
    const seen = new Set<string>();
    const out: { name: string; revision: string; gateway: G }[] = [];
    this.status.rejected = {};
    for (const e of entries) {
      const name = gatewayNameOf(this.options.tenant, e.key);
      if (!name) continue;
      seen.add(name);
      const good = this.lastGood.get(name);
      if (good && good.revision === e.revision) {
        out.push({ name, revision: good.revision, gateway: good.gateway });
        continue;
      }
      let errors: string[];
      try {
        const record = decodeRecord(e.key, e.value);
        const res = this.options.engine.compile(record);
        errors = res.errors;
        if (!errors.length && res.gateway !== undefined) {
          this.lastGood.set(name, { record, revision: e.revision, gateway: res.gateway });
          out.push({ name, revision: e.revision, gateway: res.gateway });
          continue;
        }
      } catch (err) {
        errors = [(err as Error).message];
      }
      this.reject(name, errors, good);
      if (good) out.push({ name, revision: good.revision, gateway: good.gateway });
    }
    for (const name of [...this.lastGood.keys()]) if (!seen.has(name)) this.lastGood.delete(name);
    // Conflicts between gateways (a port taken twice): the changed gateway yields to the applied one.
    for (const problem of this.options.engine.checkSet(out.map((g) => g.gateway))) {
      const i = out.findIndex((g) => g.name === problem.gateway);
      if (i < 0) continue;
      const applied = this.status.revisions[problem.gateway];
      const good = this.lastGood.get(problem.gateway);
      this.reject(problem.gateway, [problem.message], undefined);
      this.lastGood.delete(problem.gateway);
      if (applied && good && applied !== out[i].revision) out[i] = { name: problem.gateway, revision: applied, gateway: good.gateway };
      else out.splice(i, 1);
    }
    return out;
  }

  private reject(name: string, errors: string[], good: unknown): void {
    this.status.rejected[name] = errors;
    this.status.counters.rejected++;
    this.log({ event: "rejected", gateway: name, errors, keptLastGood: !!good });
  }

  /** Applies a rendered configuration; resolves to whether HAProxy now runs it. */
  private async apply(next: RenderedConfig, gatewayCount: number): Promise<boolean> {
    const t0 = Date.now();
    const state = await this.haproxy.state();
    let plan = planApply(this.applied, !!state, next);
    if (plan.action === "runtime" && this.options.runtimeWeights === false) plan = { action: "reload", reason: "weight change (runtime weights disabled)" };
    try {
      if (plan.action === "runtime") {
        await this.runtime.setWeights(plan.changes);
        this.status.counters.runtimeUpdates++;
        writeAtomic(this.files.config, next.text); // the next reload or restart starts from these weights
      } else if (plan.action === "reload" || plan.action === "start") {
        writeAtomic(this.files.candidate, next.text);
        const problem = await this.haproxy.check(this.files.candidate);
        if (problem) {
          this.status.counters.reloadFailures++;
          this.applyError(`the rendered configuration fails haproxy -c; keeping the running one: ${problem}`);
          return false;
        }
        if (plan.action === "reload") {
          // Runtime-only state (drained servers) survives the reload through the state file.
          fs.writeFileSync(this.files.serverState, await this.runtime.serversState().catch(() => ""));
          fs.renameSync(this.files.candidate, this.files.config);
          await this.haproxy.reload();
          this.status.counters.reloads++;
        } else {
          fs.renameSync(this.files.candidate, this.files.config);
          await this.haproxy.start();
        }
      }
    } catch (e) {
      if (plan.action !== "runtime") this.status.counters.reloadFailures++;
      this.applyError(`${plan.action} failed: ${(e as Error).message}`);
      return false;
    }
    this.applied = { fingerprint: next.fingerprint, weights: next.weights };
    if (plan.action !== "none") fs.writeFileSync(this.files.state, JSON.stringify(this.applied));
    this.status.ready = true;
    this.status.lastError = undefined;
    this.status.applied = { fingerprint: next.fingerprint, weights: next.weights.length, at: new Date().toISOString() };
    if (plan.action !== "none") {
      this.log({
        event: "applied",
        plan: plan.action,
        reason: "reason" in plan ? plan.reason : undefined,
        changes: plan.action === "runtime" ? plan.changes.length : undefined,
        ms: Date.now() - t0,
        gateways: gatewayCount,
      });
    }
    return true;
  }

  private storeError(e: Error): void {
    this.status.storeHealthy = false;
    this.status.counters.syncFailures++;
    this.status.lastError = `store: ${e.message}`;
    this.log({ event: "store-error", message: e.message });
  }

  private applyError(message: string): void {
    this.status.lastError = message;
    this.log({ event: "apply-error", message });
  }

  private log(event: AgentEvent): void {
    (this.options.log ?? ((e) => console.log(JSON.stringify({ time: new Date().toISOString(), ...e }))))(event);
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

