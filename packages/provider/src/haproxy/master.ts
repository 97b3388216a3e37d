import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { socketCommand } from "./socket";

const execFileP = promisify(execFile);

/** What `show proc` on the master socket says. */
export interface ProcState {
  masterPid: number;
  reloads: number;
  failedReloads: number;
  workers: number[];
  oldWorkers: number[];
}

/** Parses the master CLI's `show proc` (HAProxy 2.6 layout). */
export function parseShowProc(text: string): ProcState {
  const state: ProcState = { masterPid: 0, reloads: 0, failedReloads: 0, workers: [], oldWorkers: [] };
  let section: "workers" | "old" | "other" = "other";
  for (const line of text.split("\n")) {
    if (line.startsWith("# workers")) section = "workers";
    else if (line.startsWith("# old workers")) section = "old";
    else if (line.startsWith("#")) section = "other";
    const m = /^(\d+)\s+(master|worker)\s+(\d+)(?:\s+\[failed: (\d+)\])?/.exec(line);
    if (!m) continue;
    if (m[2] === "master") {
      state.masterPid = Number(m[1]);
      state.reloads = Number(m[3]);
      state.failedReloads = Number(m[4] ?? 0);
    } else if (section === "old") state.oldWorkers.push(Number(m[1]));
    else state.workers.push(Number(m[1]));
  }
  return state;
}

export interface HaproxyMasterOptions {
  /** The haproxy binary; default `haproxy` from PATH. */
  binary?: string;
  /** The configuration file the master (re)reads on every reload. */
  configPath: string;
  /** The master CLI socket. */
  masterSocket: string;
  /** Where HAProxy's own output goes. */
  logPath?: string;
}

/**
 * HAProxy in master-worker mode, driven through its master socket: started detached (it keeps
 * serving when the agent restarts), reloaded seamlessly (the new worker takes the listening
 * sockets over; old workers finish their connections), never hard-stopped by a reload.
 */
export class HaproxyMaster {
  readonly binary: string;
  /** The pid of the last master that answered. */
  private lastMasterPid: number | undefined;

  constructor(readonly options: HaproxyMasterOptions) {
    this.binary = options.binary ?? "haproxy";
  }

  /** Checks a configuration file with `haproxy -c`; resolves to the error text, or undefined when valid. */
  async check(configPath: string): Promise<string | undefined> {
    try {
      await execFileP(this.binary, ["-c", "-q", "-f", configPath], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
      return undefined;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      return (err.stderr || err.stdout || err.message).trim();
    }
  }

  /** The master's state, or undefined when no master answers on the socket. */
  async state(): Promise<ProcState | undefined> {
    try {
      const s = parseShowProc(await socketCommand(this.options.masterSocket, "show proc", 2000));
      if (s.masterPid) this.lastMasterPid = s.masterPid;
      return s.masterPid ? s : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Whether HAProxy runs: its master answers, or the master last seen still exists. A master
   * busy re-reading a large configuration (seconds, for thousands of gateways) does not answer
   * its socket meanwhile; that must never read as "down", or a second HAProxy would be started.
   */
  async alive(): Promise<boolean> {
    if (await this.state()) return true;
    return this.lastMasterPid !== undefined && processExists(this.lastMasterPid);
  }

  /** Starts a detached master with the current configuration file and waits for its first worker. */
  async start(timeoutMs = 10_000): Promise<ProcState> {
    if (await this.alive())
      throw new Error(`haproxy (master pid ${this.lastMasterPid}) runs but does not answer on ${this.options.masterSocket}; not starting another`);
    // A master that died left its socket behind; a new one must not find the path taken.
    fs.rmSync(this.options.masterSocket, { force: true });
    const out = this.options.logPath ? fs.openSync(this.options.logPath, "a") : "ignore";
    const child = spawn(this.binary, ["-W", "-S", `${this.options.masterSocket},mode,600`, "-f", this.options.configPath], {
      detached: true,
      // The master re-reads its start-up directory at every reload: start it where its files
      // live, not in whatever directory the agent was started from (it may be deleted).
      cwd: path.dirname(path.resolve(this.options.configPath)),
      stdio: ["ignore", out, out],
    });
    child.unref();
    if (typeof out === "number") fs.closeSync(out);
    const t0 = Date.now();
    for (;;) {
      const s = await this.state();
      if (s && s.workers.length) return s;
      if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode} at start (see ${this.options.logPath ?? "its output"})`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`haproxy did not start within ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  /**
   * Seamless reload: the master re-reads the configuration file and forks a new worker.
   * Resolves when the new worker runs; throws (old workers keep serving) when the reload fails.
   */
  async reload(timeoutMs = 10_000): Promise<ProcState> {
    const before = await this.state();
    if (!before) throw new Error(`no haproxy master answers on ${this.options.masterSocket}`);
    const t0 = Date.now();
    try {
      await socketCommand(this.options.masterSocket, "reload", Math.min(timeoutMs, 2000));
    } catch {
      // The master re-executes itself on reload and may drop or delay the reply: whether the
      // reload happened is decided by the workers below, not by the answer.
    }
    for (;;) {
      const s = await this.state();
      if (s && s.failedReloads > before.failedReloads) throw new Error("haproxy refused the new configuration at reload; the previous workers keep serving");
      if (s && s.reloads > before.reloads && s.workers.length && !s.workers.some((w) => before.workers.includes(w))) return s;
      if (Date.now() - t0 > timeoutMs) throw new Error(`haproxy reload did not complete within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** Stops the master and its workers now (SIGTERM): for tear-down, not for updates. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const s = await this.state();
    if (!s) return;
    try {
      process.kill(s.masterPid, "SIGTERM");
    } catch {
      return;
    }
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      try {
        process.kill(s.masterPid, 0);
      } catch {
        return;
      }
      await sleep(20);
    }
    process.kill(s.masterPid, "SIGKILL");
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
