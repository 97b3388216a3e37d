/**
 * The test bed's servers as one registry: start (dependencies first, each waited for until it
 * answers), stop (dependents first), status, and the environment the tools and tests need.
 * Used by `testbed.sh start|stop|restart|status|env` (through cli.ts), Jest's global set-up and
 * tear-down and the test helpers, the demo and the benchmarks.
 *
 *   await startServices(["etcd", "vault"]);   // resolves to the services it started
 *   await stopServices(["vault"]);
 *
 * Starts of one service from several processes at once (parallel Jest workers) are serialized
 * by a lock directory under $VAMP_RUN/.locks/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentEntries, runDir, VAMP_RUN } from "./paths";
import { alive, readPid, runningPid, sleep, TestbedError, type ServiceContext, type TestbedService } from "./service";
import { etcd } from "./etcd";
import { haproxy } from "./haproxy";
import { kubernetes } from "./kubernetes";
import { mariadb } from "./mariadb";
import { search } from "./search";
import { elasticsearch } from "./elasticsearch";
import { vault } from "./vault";
import { consul } from "./consul";
import { zookeeper } from "./zookeeper";

export { ports, shellEnvironment, VAMP_CACHE, VAMP_RUN, REPO_ROOT, pulumiBinDir, dirs, versions } from "./paths";
export { isRunning, runningPid, spawnDetached, stopPidFile, tail, TestbedError, type ServiceContext, type TestbedService } from "./service";

/** Every service, in the order `status` lists them and `start` starts them. */
export const SERVICES: readonly TestbedService[] = [etcd, zookeeper, mariadb, haproxy, vault, consul, kubernetes, search, elasticsearch];
export const SERVICE_NAMES: readonly string[] = SERVICES.map((s) => s.name);
/** What `start` without arguments starts: kubernetes, consul, search and elasticsearch only on request. */
export const DEFAULT_SERVICES: readonly string[] = SERVICES.filter((s) => s.byDefault).map((s) => s.name);

/** A name no service has: a user's mistake. */
export class UnknownServiceError extends TestbedError {
  constructor(readonly names: readonly string[]) {
    super(`unknown service${names.length > 1 ? "s" : ""} ${names.map((n) => `'${n}'`).join(", ")} (known: ${SERVICE_NAMES.join(", ")})`);
    this.name = "UnknownServiceError";
  }
}

export function service(name: string): TestbedService {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new UnknownServiceError([name]);
  return s;
}

function checkNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !SERVICE_NAMES.includes(n));
  if (unknown.length) throw new UnknownServiceError(unknown);
}

export interface Options {
  /** Where progress lines go; default stderr as `[testbed HH:MM:SS] line`. */
  log?: (line: string) => void;
}

export interface StartOptions extends Options {
  /** Start the named services concurrently (dependencies still first). Default: one after another. */
  parallel?: boolean;
  /** Called as soon as a service was started by this call (also when a later one fails). */
  onStarted?: (name: string) => void;
}

export function logLine(line: string): void {
  const t = new Date();
  const hms = [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  process.stderr.write(`[testbed ${hms}] ${line}\n`);
}

const contextOf = (o: Options): ServiceContext => ({ log: o.log ?? logLine });
const silent: ServiceContext = { log: () => undefined };

/** Runs `fn` holding $VAMP_RUN/.locks/<name> (a directory: atomic to create); waits while another live process holds it. */
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(VAMP_RUN, ".locks", name);
  const owner = path.join(dir, "owner");
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(owner, `${process.pid}\n`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = readPid(owner);
    let stale: boolean;
    try {
      stale = pid !== undefined ? !alive(pid) : Date.now() - fs.statSync(dir).mtimeMs > 5000;
    } catch {
      continue; // released meanwhile
    }
    if (stale) {
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - t0 > 600_000) throw new TestbedError(`${name}: the start lock ${dir} is held by pid ${pid} for 10 minutes`);
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts of this process under way, so concurrent callers share one. Resolves true when it started the service. */
const inflight = new Map<string, Promise<boolean>>();

async function startOne(name: string, ctx: ServiceContext, announce: boolean, o: StartOptions): Promise<void> {
  const svc = service(name);
  for (const dep of svc.dependsOn ?? []) await startOne(dep, ctx, false, o);
  let p = inflight.get(name);
  if (!p) {
    p = withLock(name, async () => {
      fs.mkdirSync(runDir(name), { recursive: true });
      const pid = runningPid(name);
      if (pid !== undefined) {
        if (announce) ctx.log(`${name}: already running (pid ${pid})`);
        return false;
      }
      if (!svc.installed()) throw new TestbedError(svc.notInstalled);
      try {
        await svc.start(ctx);
      } catch (e) {
        // Nothing half-started stays behind: a later start begins afresh (the log stays).
        await svc.stop(silent).catch(() => undefined);
        throw e;
      }
      return true;
    }).finally(() => inflight.delete(name));
    inflight.set(name, p);
    if (await p) o.onStarted?.(name);
  } else {
    await p;
  }
}

/**
 * Starts the named services (default: etcd zookeeper mariadb haproxy vault) that do not run yet,
 * their dependencies first, and waits until each answers. Resolves to the names it started
 * (dependencies included), in order. Throws {@link UnknownServiceError} before doing anything
 * when a name is unknown, {@link TestbedError} (with the log's tail) when a service fails.
 */
export async function startServices(names: readonly string[] = DEFAULT_SERVICES, o: StartOptions = {}): Promise<string[]> {
  checkNames(names);
  const ctx = contextOf(o);
  const started: string[] = [];
  const opts: StartOptions = { ...o, onStarted: (n) => (started.push(n), o.onStarted?.(n)) };
  if (o.parallel) {
    const results = await Promise.allSettled(names.map((n) => startOne(n, ctx, true, opts)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  } else {
    for (const n of names) await startOne(n, ctx, true, opts);
  }
  return started;
}

const depth = (name: string): number => Math.max(0, ...(service(name).dependsOn ?? []).map((d) => 1 + depth(d)));

/**
 * Stops the named services (default: all), dependents before what they depend on, each process
 * group with TERM then KILL. Logs `<svc>: stopped` / `<svc>: not running` per process.
 */
export async function stopServices(names: readonly string[] = SERVICE_NAMES, o: Options = {}): Promise<void> {
  checkNames(names);
  const ctx = contextOf(o);
  const ordered = [...new Set(names)].sort((a, b) => depth(b) - depth(a));
  for (const n of ordered) await service(n).stop(ctx);
}

export interface ServiceStatus {
  name: string;
  /** Started by `start` without arguments (the others are listed only when up). */
  byDefault: boolean;
  /** The process per its pid file, when it runs. */
  pid?: number;
  /** Running and answering its probe. */
  up: boolean;
}

/** Whether a service runs and answers now. */
export async function isUp(name: string): Promise<boolean> {
  const svc = service(name);
  return runningPid(name) !== undefined && (await svc.probe(silent).catch(() => false));
}

/** Every service's state, in registry order. */
export async function status(): Promise<ServiceStatus[]> {
  return Promise.all(
    SERVICES.map(async (s) => {
      const pid = runningPid(s.name);
      const up = pid !== undefined && (await s.probe(silent).catch(() => false));
      return { name: s.name, byDefault: s.byDefault, pid, up };
    }),
  );
}

/** The test bed's environment with its values now (PATH with the Pulumi CLI first, endpoints, ...). */
export function testbedEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(environmentEntries(base).map((e) => [e.name, e.value]));
}

/** {@link testbedEnvironment}, applied to this process's environment. */
export function applyTestbedEnvironment(): Record<string, string> {
  const env = testbedEnvironment();
  Object.assign(process.env, env);
  return env;
}
