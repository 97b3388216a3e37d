/**
 * The gateway agent: watch the tenant's gateways in the store → compile (agent/compile.ts) →
 * render → apply (agent/apply.ts) to a real HAProxy. An invalid or unrenderable record never
 * reaches HAProxy and never holds back another gateway (it keeps its last good version); a
 * store outage changes nothing; a restarted agent rebuilds from the store (or, while the store
 * is away, from its last good configuration on disk) before its first apply.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HaproxyMaster } from "../haproxy/master";
import { RuntimeApi } from "../haproxy/runtime-api";
import { BackoffState, CoalescingLoop, every, jsonLogger, type Logger } from "../infra";
import { messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { agentKey, gatewayNameOf, gatewaysDir } from "../record/keys";
import type { AgentPresence } from "../model/record";
import type { Plan } from "../render/plan";
import { fnv1a } from "../render/hash";
import type { KeyValueStore, KvEntry, StoreWatch } from "../store/types";
import { Applier, type ProxyControl } from "./apply";
import { GatewayCompiler, type Compiled, type Rejection } from "./compile";
import type { GatewayEngine, RenderedConfig } from "./engine";
import { StoreSnapshot, type SnapshotRead } from "./snapshot";

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
  /** How often to check that the proxy runs, ms (default 100); a dead proxy is restarted at once. */
  watchdogMs?: number;
  log?: (event: AgentEvent) => void;
  /** The proxy to drive; default the local HAProxy in `workDir` (tests may pass their own). */
  proxy?: ProxyControl;
  /** Say in the store, every few seconds, that this agent is alive and where its status endpoint is (the CLI and the UI find agents so). */
  presence?: { id: string; endpoint: string; everyMs?: number };
}

/** What the agent reports: one object per event, logged as a JSON line. */
export type AgentEvent =
  | { event: "applied"; plan: Plan["action"]; reason?: string; changes?: number; ms: number; gateways: number }
  | { event: "rejected"; gateway: string; revision: string; errors: string[]; keptLastGood: boolean }
  | { event: "store-error"; message: string }
  | { event: "apply-error"; message: string }
  | { event: "started-from-disk"; message: string }
  | { event: "proxy-down"; message: string };

export interface AgentStatus {
  /** HAProxy runs a configuration of this agent. */
  ready: boolean;
  storeHealthy: boolean;
  /** Every gateway in the store is served at its store revision. */
  inSync: boolean;
  /** Fingerprint and weight count of what HAProxy runs. */
  applied?: { fingerprint: string; weights: number; at: string };
  /** The store revisions of the records in the applied configuration, by gateway. */
  revisions: Record<string, string>;
  /** Gateways whose store record is not what HAProxy serves: the store's revision and the served one (none: not served). */
  behind: Record<string, { store: string; serving?: string }>;
  /** Gateways whose record is refused, with the reasons; each keeps its last good version when it has one. */
  rejected: Record<string, Rejection>;
  lastError?: string;
  /** Why the agent is not ready although HAProxy serves (its work directory not writable). */
  degraded?: string;
  counters: { syncs: number; syncFailures: number; runtimeUpdates: number; reloads: number; reloadFailures: number; rejected: number };
  routes: RenderedConfig["routes"];
}

export class GatewayAgent<G = unknown> {
  readonly files: { config: string; candidate: string; masterSocket: string; statsSocket: string; serverState: string; state: string; log: string };
  readonly haproxy: HaproxyMaster;
  readonly runtime: RuntimeApi;
  private readonly compiler: GatewayCompiler<G>;
  private readonly proxy: ProxyControl;
  private readonly loop = new CoalescingLoop(() => this.syncOnce());
  private readonly backoff = new BackoffState({ initialMs: 100, maxMs: 1000 });
  private readonly log: (event: AgentEvent) => void;
  private readonly status: AgentStatus = {
    ready: false,
    storeHealthy: false,
    inSync: false,
    revisions: {},
    behind: {},
    rejected: {},
    counters: { syncs: 0, syncFailures: 0, runtimeUpdates: 0, reloads: 0, reloadFailures: 0, rejected: 0 },
    routes: [],
  };
  private readonly snapshot: StoreSnapshot;
  private readonly names = new Map<string, string | undefined>();
  /** What HAProxy runs, as the engine rendered it: the base of a weights-only change. */
  private served: RenderedConfig | undefined;
  private watcher: StoreWatch | undefined;
  private stopTimer: (() => void) | undefined;
  private stopWatchdog: (() => void) | undefined;
  private stopPresence: (() => void) | undefined;
  private stopLogCap: (() => void) | undefined;

  constructor(private readonly options: AgentOptions<G>) {
    const d = options.workDir;
    // HAProxy's admin sockets live here: only the agent's user may reach them.
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(d, 0o700);
    const f = (name: string) => path.join(d, name);
    this.files = {
      config: f("haproxy.cfg"),
      candidate: f("haproxy.cfg.candidate"),
      masterSocket: f("master.sock"),
      statsSocket: f("admin.sock"),
      serverState: f("server-state"),
      state: f("agent-state.json"),
      log: f("haproxy.log"),
    };
    this.haproxy = new HaproxyMaster({
      binary: options.haproxyBinary,
      configPath: this.files.config,
      masterSocket: this.files.masterSocket,
      logPath: this.files.log,
    });
    this.runtime = new RuntimeApi(this.files.masterSocket, { viaMaster: true });
    this.compiler = new GatewayCompiler(options.engine, options.tenant);
    this.snapshot = new StoreSnapshot(options.store, gatewaysDir(options.tenant));
    this.proxy = options.proxy ?? new Applier(this.haproxy, this.runtime, this.files, options.runtimeWeights ?? true);
    this.log = options.log ?? (jsonLogger({ component: "gateway-agent" }) as Logger as (e: AgentEvent) => void);
  }

  /**
   * Starts the loop: attaches to a running HAProxy if there is one, syncs from the store once,
   * then follows the store. If the store is unreachable at start and HAProxy is not running,
   * HAProxy starts from the last good configuration on disk (never from an empty one).
   */
  async start(): Promise<void> {
    const wantWatch = this.options.watch ?? true;
    if (wantWatch) await this.ensureWatch();
    if (!fs.existsSync(this.files.serverState)) fs.writeFileSync(this.files.serverState, "1\n"); // an empty state file of format version 1
    await this.loop.trigger();
    if (!this.status.ready && !this.status.storeHealthy) await this.startFromDisk();
    this.stopTimer = every(
      this.options.resyncMs ?? (wantWatch ? 10_000 : 5_000),
      async () => {
        if (wantWatch) await this.ensureWatch();
        this.snapshot.changed(); // the safety net reads everything
        await this.loop.trigger();
      },
      () => this.backoff.next(),
    );
    this.stopWatchdog = every(this.options.watchdogMs ?? 100, () => this.watchdog());
    this.stopLogCap = every(30_000, async () => capFile(this.files.log, HAPROXY_LOG_CAP));
    if (this.options.presence) {
      await this.writePresence();
      this.stopPresence = every(this.options.presence.everyMs ?? 5000, () => this.writePresence());
    }
  }

  private async writePresence(): Promise<void> {
    const p = this.options.presence;
    if (!p) return;
    const presence: AgentPresence = { id: p.id, endpoint: p.endpoint, ready: this.status.ready, revisions: this.status.revisions, at: Date.now() };
    // A store away is already reported by the sync; the next beat writes again.
    await this.options.store.put(agentKey(this.options.tenant, p.id), JSON.stringify(presence)).catch(() => undefined);
  }

  /**
   * A proxy that died (its worker killed takes HAProxy 2.6's master with it) is started again
   * at once from the last applied configuration, instead of at the next resync.
   */
  private async watchdog(): Promise<void> {
    if (!this.status.ready || (await this.proxy.running())) return;
    this.status.ready = false;
    this.status.lastError = "the proxy is not running";
    this.log({ event: "proxy-down", message: "the proxy is not running; starting it again" });
    await this.loop.trigger();
  }

  private async ensureWatch(): Promise<void> {
    if (this.watcher) return;
    try {
      this.watcher = await this.options.store.watch(
        gatewaysDir(this.options.tenant),
        (keys) => {
          this.snapshot.changed(keys);
          void this.loop.trigger();
        },
        (e) => this.storeError(e),
      );
    } catch (e) {
      this.storeError(e as Error); // the resync timer retries
    }
  }

  private async startFromDisk(): Promise<void> {
    if (await this.proxy.running()) return;
    try {
      if (!(await this.proxy.startFromDisk())) return;
      this.status.ready = true;
      this.log({ event: "started-from-disk", message: `store unreachable; serving the last good configuration ${this.files.config}` });
    } catch (e) {
      this.applyError(`start from the last good configuration failed: ${messageOf(e)}`);
    }
  }

  /** Stops following the store; HAProxy keeps running. */
  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopWatchdog?.();
    this.stopPresence?.();
    this.stopLogCap?.();
    await this.watcher?.close();
    await this.loop.stop();
    await this.proxy.flush?.();
  }

  /** A copy of the agent's status for the health endpoint. */
  getStatus(): AgentStatus {
    const status = JSON.parse(JSON.stringify(this.status)) as AgentStatus;
    const degraded = this.proxy.problem?.();
    return degraded ? { ...status, degraded } : status;
  }

  /** Runs one sync now (coalesced with one already running); resolves when it is done. */
  trigger(): Promise<void> {
    this.snapshot.changed(); // asked to sync: read everything
    return this.loop.trigger();
  }

  private async syncOnce(): Promise<void> {
    this.status.counters.syncs++;
    let read: SnapshotRead;
    try {
      read = await this.snapshot.read();
      this.status.storeHealthy = true;
      this.backoff.succeeded();
    } catch (e) {
      this.storeError(e as Error);
      this.backoff.failed();
      return; // nothing changes while the store is away
    }
    const fast = await this.reweigh(read);
    if (!fast) await this.syncSet(read.entries);
    this.updateSyncState(fast ? read.changed.puts : read.entries, !fast);
  }

  /** The whole set: compile, render, apply. */
  private async syncSet(entries: KvEntry[]): Promise<void> {
    const { gateways, rendered } = this.render(this.compiler.compile(entries));
    this.reportRejections();
    // The status reports only what HAProxy really runs: a failed apply leaves it as it was.
    if (await this.apply(rendered, gateways.length)) {
      this.served = rendered;
      this.compiler.confirm(gateways, new Set(this.storeRevisions(entries).keys()));
      this.status.revisions = Object.fromEntries(gateways.map((g) => [g.name, g.revision]));
      this.status.routes = rendered.routes;
    } else this.served = undefined; // retried in full, not as a difference
  }

  /**
   * The fast path for the common change, new weights of served gateways: only they are
   * compiled and rendered again (render/reweigh.ts), not the whole set. False when it does not
   * apply (nothing served yet, a failed apply since, a new, deleted, invalid or restructured
   * gateway): then the whole set is synced.
   */
  private async reweigh(read: SnapshotRead): Promise<boolean> {
    const { served } = this;
    const engine = this.options.engine;
    if (!served || !engine.reweigh || read.changed.deletes.length) return false;
    const changes: NonNullable<ReturnType<GatewayCompiler<G>["compileChange"]>>[] = [];
    for (const e of read.changed.puts) {
      const c = this.compiler.compileChange(e);
      if (!c) return false;
      changes.push(c);
    }
    const rendered = changes.length
      ? engine.reweigh(
          served,
          changes.map((c) => ({ previous: c.previous.gateway, next: c.next.gateway })),
        )
      : served;
    if (!rendered) return false;
    if (await this.apply(rendered, Object.keys(this.status.revisions).length)) {
      this.served = rendered;
      this.compiler.confirm(changes.map((c) => c.next));
      for (const c of changes) this.status.revisions[c.next.name] = c.next.revision;
    } else this.served = undefined;
    return true;
  }

  /** Renders the set; a gateway that fails to render yields to its last good version (or is left out) and the set renders again. */
  private render(list: Compiled<G>[]): { gateways: Compiled<G>[]; rendered: RenderedConfig } {
    const paths = { statsSocket: this.files.statsSocket, serverStateFile: this.files.serverState, instance: fnv1a(path.resolve(this.options.workDir)) };
    for (let pass = 0; ; pass++) {
      const rendered = this.options.engine.render(
        list.map((g) => g.gateway),
        paths,
      );
      if (!rendered.failures.length || pass >= 2) return { gateways: list.filter((g) => !rendered.failures.some((f) => f.gateway === g.name)), rendered };
      list = this.compiler.withoutProblems(list, rendered.failures);
    }
  }

  private reportRejections(): void {
    this.status.rejected = this.compiler.rejected();
    for (const [name, r] of this.compiler.takeNewRejections()) {
      this.status.counters.rejected++;
      this.log({ event: "rejected", gateway: name, revision: r.revision, errors: r.errors, keptLastGood: r.serving !== undefined });
    }
  }

  private storeRevisions(entries: KvEntry[]): Map<string, string> {
    if (this.names.size > 2 * this.snapshot.size + 100) this.names.clear(); // keys long gone
    const out = new Map<string, string>();
    for (const e of entries) {
      const name = this.nameOfKey(e.key);
      if (name !== undefined) out.set(name, e.revision);
    }
    return out;
  }

  /** Gateway names by store key, decoded once (thousands of keys are looked at on every sync). */
  private nameOfKey(key: string): string | undefined {
    if (!this.names.has(key)) this.names.set(key, gatewayNameOf(this.options.tenant, key));
    return this.names.get(key);
  }

  /** Which gateways the store has ahead of what runs: all of them, or only the `entries` that changed. */
  private updateSyncState(entries: KvEntry[], all: boolean): void {
    const behind: AgentStatus["behind"] = all ? {} : this.status.behind;
    for (const [name, rev] of this.storeRevisions(entries)) {
      const serving = this.status.revisions[name];
      if (serving !== rev) behind[name] = { store: rev, ...(serving ? { serving } : {}) };
      else delete behind[name];
    }
    this.status.behind = behind;
    this.status.inSync = this.status.ready && !Object.keys(behind).length;
  }

  /** Applies a rendered configuration; resolves to whether HAProxy now runs it. */
  private async apply(next: RenderedConfig, gatewayCount: number): Promise<boolean> {
    // What runs passed its check: only what differs from it needs one.
    const served = this.served;
    const r = await this.proxy.apply(next, { checkText: () => served && this.options.engine.checkText?.(served, next) });
    if (!r.ok) {
      if (r.plan.action !== "runtime") this.status.counters.reloadFailures++;
      this.applyError(r.reason);
      return false;
    }
    const action = r.plan.action;
    if (action === "runtime") this.status.counters.runtimeUpdates++;
    if (action === "reload") this.status.counters.reloads++;
    this.status.ready = true;
    this.status.lastError = undefined;
    this.status.applied = { fingerprint: next.fingerprint, weights: next.weights.length, at: new Date().toISOString() };
    if (action !== "none") {
      const extra = action === "runtime" ? { changes: r.plan.changes.length } : { reason: r.plan.reason };
      this.log({ event: "applied", plan: action, ...extra, ms: r.ms, gateways: gatewayCount });
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
}

/** HAProxy's own output (alerts, warnings; the access log goes to the agent) is kept under this. */
const HAPROXY_LOG_CAP = 16 * 2 ** 20;

/** Empties a file past `cap` bytes: its writer appends, so it goes on at the start (no line is torn). */
function capFile(file: string, cap: number): void {
  try {
    if (fs.statSync(file).size > cap) fs.truncateSync(file, 0);
  } catch {
    // not there yet
  }
}
