/**
 * One test-bed server behind one interface, and what every server shares: a detached process
 * (its own session and process group) with a pid file and a log under $VAMP_RUN/<svc>/, a wait
 * for its probe that fails with the log's tail when the process exits, and a stop of the whole
 * process group (TERM, then KILL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import { runDir } from "./paths";

/** What a service's start, probe and stop get. */
export interface ServiceContext {
  /** Progress lines (`etcd ready in 812 ms`); the CLI prints them as `[testbed HH:MM:SS] ...` on stderr. */
  log(message: string): void;
}

export interface TestbedService {
  /** The name `start`, `stop` and `requireServices` know it by; also its directory under $VAMP_RUN. */
  readonly name: string;
  /** Services that must run first (started with it when down). */
  readonly dependsOn?: readonly string[];
  /** Started by `start` without arguments and listed by `status` when down. */
  readonly byDefault: boolean;
  /** Whether what it runs is installed (the installer is `testbed.sh install`). */
  installed(): boolean;
  /** The error when it is not installed, with the fix. */
  readonly notInstalled: string;
  /** Starts it and resolves once it answers; throws {@link TestbedError} otherwise. */
  start(ctx: ServiceContext): Promise<void>;
  /** Whether it answers now (quickly; never throws). */
  probe(ctx: ServiceContext): Promise<boolean>;
  /** Stops every process it started. */
  stop(ctx: ServiceContext): Promise<void>;
}

/** A failure of the test bed with, when there is one, the tail of the log that explains it. */
export class TestbedError extends Error {
  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
    this.name = "TestbedError";
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const pidFile = (name: string) => path.join(runDir(name), "pid");
export const logFile = (name: string) => path.join(runDir(name), "log");

/**
 * Whether a process exists (EPERM: it does, under another user) and has not exited: a zombie
 * (exited, not yet reaped by its parent, which for a detached server is often a slow init)
 * still answers kill -0.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (!HAVE_PROC) return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
  } catch {
    return false; // gone meanwhile
  }
}

const HAVE_PROC = fs.existsSync("/proc/self/stat");

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Children of this process that already exited: a zombie not yet reaped still answers kill -0. */
const exitedChildren = new Set<number>();

/** The pid of a service's (or sub-process's) running process, per its pid file. */
export function runningPid(name: string): number | undefined {
  const pid = readPid(pidFile(name));
  return pid !== undefined && !exitedChildren.has(pid) && alive(pid) ? pid : undefined;
}

export function isRunning(name: string): boolean {
  return runningPid(name) !== undefined;
}

/** The last lines of a file ('' when it cannot be read). */
export function tail(file: string, lines = 20): string {
  try {
    const text = fs.readFileSync(file, "utf8").replace(/\n$/, "");
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export interface DetachedOptions {
  pidFile: string;
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/**
 * Starts a command detached from this process (its own session, so its process group can be
 * stopped as one), stdin from /dev/null, output appended to the log file, pid in the pid file.
 */
export function spawnDetached(command: string, args: readonly string[], o: DetachedOptions): ChildProcess {
  fs.mkdirSync(path.dirname(o.pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const out = fs.openSync(o.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, [...args], { detached: true, stdio: ["ignore", out, out], cwd: o.cwd, env: o.env, uid: o.uid, gid: o.gid });
  } finally {
    fs.closeSync(out);
  }
  child.on("error", () => undefined);
  if (child.pid === undefined) throw new TestbedError(`cannot run ${command} (not found or not executable)`);
  const pid = child.pid;
  exitedChildren.delete(pid);
  child.on("exit", () => exitedChildren.add(pid));
  child.unref();
  fs.writeFileSync(o.pidFile, `${pid}\n`);
  return child;
}

/** Runs a command to its end with its output appended to a log file; resolves its exit code (127 when it cannot run). */
export function runLogged(command: string, args: readonly string[], log: string, o: { cwd?: string } = {}): Promise<number> {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const out = fs.openSync(log, "a");
  return new Promise<number>((resolve) => {
    const child = spawn(command, [...args], { stdio: ["ignore", out, out], cwd: o.cwd });
    child.on("error", () => resolve(127));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => fs.closeSync(out));
}

/** {@link spawnDetached} for a service (or sub-process): $VAMP_RUN/<name>/pid and .../log. */
export function spawnService(name: string, command: string, args: readonly string[], o: Omit<DetachedOptions, "pidFile" | "logFile"> = {}): ChildProcess {
  return spawnDetached(command, args, { ...o, pidFile: pidFile(name), logFile: logFile(name), cwd: o.cwd ?? runDir(name) });
}

/**
 * Polls the probe every 100 ms until it answers; fails when the process (per its pid file) is
 * gone, with the log's tail, or after `limitSeconds`. Logs `<name> ready in N ms`.
 */
export async function waitFor(ctx: ServiceContext, name: string, limitSeconds: number, probe: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) break;
    if (!isRunning(name)) throw new TestbedError(`${name} exited during start-up (log: ${logFile(name)})`, tail(logFile(name)));
    if (Date.now() - t0 >= limitSeconds * 1000)
      throw new TestbedError(`${name} did not answer within ${limitSeconds}s (log: ${logFile(name)})`, tail(logFile(name)));
    await sleep(100);
  }
  ctx.log(`${name} ready in ${Date.now() - t0} ms`);
}

/** Stops a process group (TERM, up to 5 s, then KILL) and removes its pid file. */
export async function stopPidFile(file: string, graceMs = 5000): Promise<"stopped" | "not running" | "gone"> {
  const pid = readPid(file);
  if (pid === undefined) {
    if (!fs.existsSync(file)) return "not running";
    fs.rmSync(file, { force: true });
    return "gone";
  }
  let result: "stopped" | "gone" = "gone";
  if (alive(pid) && !exitedChildren.has(pid)) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone meanwhile
      }
    }
    for (let waited = 0; waited < graceMs && alive(pid) && !exitedChildren.has(pid); waited += 100) await sleep(100);
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // the group is gone
    }
    result = "stopped";
  }
  fs.rmSync(file, { force: true });
  return result;
}

/** Stops a service's processes in order, logging `<name>: stopped` / `<name>: not running` as testbed.sh did. */
export async function stopProcesses(ctx: ServiceContext, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const r = await stopPidFile(pidFile(name));
    if (r === "stopped") ctx.log(`${name}: stopped`);
    else if (r === "not running") ctx.log(`${name}: not running`);
  }
}

/** Whether an executable is on PATH (or, with a slash, exists). */
export function onPath(command: string): boolean {
  const candidates = command.includes("/")
    ? [command]
    : (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, command));
  return candidates.some(isExecutable);
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// probes

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP(S) GET with a short timeout; resolves undefined when nothing answers. Node's own
 * http/https rather than fetch: the Kubernetes probes need a CA and a client certificate.
 */
export function httpGet(
  url: string,
  o: {
    timeoutMs?: number;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    insecure?: boolean;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer | undefined> {
  const u = new URL(url);
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(
      u,
      {
        method: o.method ?? "GET",
        timeout: o.timeoutMs ?? 1000,
        agent: false,
        headers: o.headers,
        ...(u.protocol === "https:" ? { ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: !o.insecure } : {}),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", () => resolve(undefined));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end(o.body);
  });
}

/** Connects, optionally sends, and collects what the server says until it closes (or `untilBytes`, or the timeout). */
export function tcpExchange(
  host: string,
  port: number,
  send: string | undefined,
  o: { timeoutMs?: number; untilBytes?: number } = {},
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | undefined) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(v);
    };
    const socket = net.connect({ host, port });
    socket.setTimeout(o.timeoutMs ?? 1000, () => finish(size ? Buffer.concat(chunks) : undefined));
    socket.on("connect", () => {
      if (send !== undefined) socket.write(send);
    });
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (o.untilBytes !== undefined && size >= o.untilBytes) finish(Buffer.concat(chunks));
    });
    socket.on("end", () => finish(Buffer.concat(chunks)));
    socket.on("error", () => finish(undefined));
  });
}
