/**
 * The demo (run by scripts/demo.sh once node_modules, the test bed's core and the build are in
 * place): starts etcd, two versions of a demo service and the gateway agent with HAProxy, runs a
 * real `pulumi up` of the root stack (Pulumi.yaml, program in stack/), waits for the agent to
 * apply it, and measures the split.
 *   npm run demo                      up with the configured split (default 90/10)
 *   npm run demo -- --canary 50       set the canary's weight, then up
 *   npm run demo -- destroy           tear the stack down and stop the demo processes
 * State lives in .pulumi-state/ (a file backend); the passphrase defaults to a local one.
 * With VAMP_DEMO_CHECK_ARGS=1 it only checks its arguments (demo.sh does, before installing).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { alive, readPid, sleep, spawnDetached, tail } from "../../testbed/services/service";
import { applyTestbedEnvironment, REPO_ROOT, startServices, TestbedError, VAMP_RUN } from "../../testbed/services";

const USAGE = "usage: npm run demo [-- destroy | --canary N]";
const AGENT = "http://127.0.0.1:19100";
const GATEWAY = "http://127.0.0.1:19050/";

class UsageError extends Error {}
/** A command that failed: the demo exits with its code (as `set -e` did). */
class CommandFailed extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface Args {
  action: "up" | "destroy";
  canary?: string;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { action: "up" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "destroy") args.action = "destroy";
    else if (a === "--canary") {
      const n = argv[++i];
      if (n === undefined || !/^\d+$/.test(n) || Number(n) > 100)
        throw new UsageError(`--canary needs a percentage (0-100)${n === undefined ? "" : `, got '${n}'`}; ${USAGE}`);
      args.canary = n;
    } else throw new UsageError(USAGE);
  }
  return args;
}

function log(message: string): void {
  const t = new Date();
  const hms = [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  process.stderr.write(`[vamp ${hms}] ${message}\n`);
}

/** Runs a command in the repository with inherited output; throws {@link CommandFailed} on a non-zero exit. */
function run(command: string, args: readonly string[], o: { quietErrors?: boolean } = {}): void {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ["inherit", "inherit", o.quietErrors ? "ignore" : "inherit"] });
  if (r.error) throw new Error(`cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new CommandFailed(r.status ?? 1);
}

/** Whether a command succeeds (its error output dropped), as `cmd 2>/dev/null && ...`. */
function succeeds(command: string, args: readonly string[]): boolean {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ["inherit", "inherit", "ignore"] });
  return !r.error && r.status === 0;
}

/** A command's standard output (trimmed). */
function output(command: string, args: readonly string[]): string {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["inherit", "pipe", "inherit"] });
  if (r.error) throw new Error(`cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new CommandFailed(r.status ?? 1);
  return r.stdout.trim();
}

const demoRun = path.join(VAMP_RUN, "demo");
const pidOf = (name: string) => path.join(demoRun, `${name}.pid`);
const tsNode = ["-r", path.join(REPO_ROOT, "node_modules", "ts-node", "register", "transpile-only")];

/** A detached process with a pid file and a log under the demo's run directory, unless it already runs. */
function startBackground(name: string, command: string, args: readonly string[]): void {
  const pid = readPid(pidOf(name));
  if (pid !== undefined && alive(pid)) return;
  spawnDetached(command, args, { pidFile: pidOf(name), logFile: path.join(demoRun, `${name}.log`), cwd: REPO_ROOT });
}

/** Stops a demo process (TERM; waits up to 5 s for it to go) and removes its pid file. */
async function stopBackground(name: string): Promise<void> {
  const pid = readPid(pidOf(name));
  if (pid !== undefined && alive(pid)) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone meanwhile
    }
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  }
  fs.rmSync(pidOf(name), { force: true });
}

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

async function destroy(): Promise<void> {
  await startServices(["etcd"]);
  // The agent goes first: it would reload HAProxy for the deleted gateway while we stop it.
  await stopBackground("agent");
  await stopBackground("stable");
  await stopBackground("canary");
  if (succeeds("pulumi", ["stack", "select", "local"])) run("pulumi", ["destroy", "--yes", "--skip-preview"]);
  // HAProxy outlives the agent on purpose; stop its master and workers through the master
  // socket, and make sure they are gone. The socket may not answer at once (a reload under way).
  const { HaproxyMaster } = await import("@vamp-pulumi/provider");
  const socket = path.join(demoRun, "agent", "master.sock");
  const master = new HaproxyMaster({ configPath: path.join(demoRun, "agent", "haproxy.cfg"), masterSocket: socket });
  let state = await master.state();
  for (let i = 0; !state && fs.existsSync(socket) && i < 4; i++) {
    await sleep(200);
    state = await master.state();
  }
  if (state) {
    await master.stop();
    const pids = [state.masterPid, ...state.workers, ...state.oldWorkers];
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
    for (const pid of pids.filter(alive)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  }
  log("demo stopped");
}

async function up(etcd: string, canary: string | undefined): Promise<void> {
  await startServices(["etcd"]);
  log("demo services: 1.0.0 on 127.0.0.1:18081, 1.1.0 on 127.0.0.1:18082");
  startBackground("stable", process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "service.ts"), "1.0.0", "18081"]);
  startBackground("canary", process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "service.ts"), "1.1.0", "18082"]);
  log("gateway agent for local/demo (health and metrics on 127.0.0.1:19100)");
  startBackground("agent", process.execPath, [
    path.join(REPO_ROOT, "packages", "provider", "dist", "cli", "vamp-gateway-agent.js"),
    "--store",
    "etcd",
    "--endpoints",
    etcd,
    "--organization",
    "local",
    "--environment",
    "demo",
    "--work-dir",
    path.join(demoRun, "agent"),
    "--listen",
    "127.0.0.1:19100",
    "--bind",
    "127.0.0.1",
  ]);

  if (!succeeds("pulumi", ["stack", "select", "local"])) run("pulumi", ["stack", "init", "local"]);
  run("pulumi", ["config", "set", "etcdEndpoint", etcd]);
  if (canary !== undefined) run("pulumi", ["config", "set", "canaryWeight", canary]);
  run("pulumi", ["up", "--yes"]);

  const revision = output("pulumi", ["stack", "output", "gatewayRevision"]);
  log(`waiting for the agent to apply revision ${revision}`);
  for (let i = 0; i < 100; i++) {
    const status = (await getJson(`${AGENT}/status`)) as { revisions?: Record<string, string> } | undefined;
    if (status?.revisions?.["demo/web"] === revision) break;
    await sleep(100);
  }
  const ready = await fetch(`${AGENT}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) {
    process.stderr.write(`${tail(path.join(demoRun, "agent.log"))}\n`);
    console.error("the agent is not ready");
    throw new CommandFailed(1);
  }
  console.log();
  log(`declared split: ${output("pulumi", ["stack", "output", "split", "--json"]).replace(/[ \n]/g, "")}`);
  run(process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "measure.ts"), GATEWAY, "2000"]);
  // The same requests as the gateway saw them: the agent's live per-route metrics from HAProxy's access log.
  await sleep(1100); // the last second completes
  console.log();
  log("the gateway's own view (vamp metrics: the agents' live per-route metrics from HAProxy's access log)");
  const cli = path.join(REPO_ROOT, "packages", "provider", "dist", "cli", "vamp.js");
  run(process.execPath, [
    cli,
    "metrics",
    "demo/web",
    "--organization",
    "local",
    "--environment",
    "demo",
    "--store",
    "etcd",
    "--endpoints",
    etcd,
    "--window",
    "30s",
  ]);
  console.log();
  console.log(`Try it: curl -s ${GATEWAY}   |  move traffic: npm run demo -- --canary 50   |  agent: curl -s ${AGENT}/metrics`);
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (process.env.VAMP_DEMO_CHECK_ARGS === "1") return;
  const env = applyTestbedEnvironment();
  fs.mkdirSync(demoRun, { recursive: true });
  process.env.PULUMI_BACKEND_URL ||= `file://${path.join(REPO_ROOT, ".pulumi-state")}`;
  process.env.PULUMI_CONFIG_PASSPHRASE ??= "vamp-local-demo";
  fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-state"), { recursive: true });
  if (args.action === "destroy") await destroy();
  else await up(env.VAMP_ETCD_ENDPOINT, args.canary);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => {
      process.exitCode = 0;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      } else if (e instanceof CommandFailed) {
        process.exitCode = e.code;
      } else {
        if (e instanceof TestbedError && e.details) process.stderr.write(`${e.details}\n`);
        log(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    },
  );
}
