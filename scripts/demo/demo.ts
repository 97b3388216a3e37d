/**
 * The demo (run by scripts/demo.sh once node_modules, the test bed's core and the build are in
 * place): starts etcd, two versions of a demo service, the gateway agent with HAProxy and the
 * workflow agent, sends users' traffic through the gateway, runs a real `pulumi up` of the root
 * stack (Pulumi.yaml, program in stack/), whose canary release moves the traffic from 1.0.0 to
 * 1.1.0 on evidence, measures the split, and serves the page (`vamp ui`, 127.0.0.1:19080) that shows it.
 *   npm run demo                      release 1.1.0: stepped to 100% on its live metrics
 *   npm run demo -- --bad             release a faulty 1.1.0: rolled back, `pulumi up` fails with the reason
 *   npm run demo -- destroy           tear the stack down and stop the demo processes
 * State lives in .pulumi-state/ (a file backend); the passphrase defaults to a local one.
 * With VAMP_DEMO_CHECK_ARGS=1 it only checks its arguments (demo.sh does, before installing).
 */
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { alive, readPid, sleep, spawnDetached } from "../../testbed/services/service";
import { applyTestbedEnvironment, REPO_ROOT, startServices, TestbedError, VAMP_RUN } from "../../testbed/services";
import { loadLine, startLoad } from "./load";

const USAGE = "usage: npm run demo [-- destroy | --bad]";
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
  /** A faulty 1.1.0 (30% of its answers 500s): the release must roll it back. */
  bad: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { action: "up", bad: false };
  for (const a of argv) {
    if (a === "destroy") args.action = "destroy";
    else if (a === "--bad") args.bad = true;
    else throw new UsageError(a === "--canary" ? `--canary is gone: the release moves the weights now; ${USAGE}` : USAGE);
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

/** Whether a command succeeds, with inherited output, without blocking this process (the demo's users keep sending). */
function succeedsAsync(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: "inherit" });
    child.once("error", () => resolve(false));
    child.once("exit", (code) => resolve(code === 0));
  });
}

/** Whether a command succeeds (its error output dropped), as `cmd 2>/dev/null && ...`. */
function succeeds(command: string, args: readonly string[]): boolean {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ["inherit", "inherit", "ignore"] });
  return !r.error && r.status === 0;
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

/** Whether anything answers at `url`. */
async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
}

async function destroy(): Promise<void> {
  await startServices(["etcd"]);
  // The agent goes first: it would reload HAProxy for the deleted gateway while we stop it.
  await stopBackground("ui");
  await stopBackground("workflow");
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

const WORKFLOW_AGENT = path.join(REPO_ROOT, "packages", "provider", "dist", "cli", "vamp-workflow-agent.js");
const CLI = path.join(REPO_ROOT, "packages", "provider", "dist", "cli", "vamp.js");
const tenantArgs = (etcd: string) => ["--organization", "local", "--environment", "demo", "--store", "etcd", "--endpoints", etcd];

/** The local servers: etcd, the two versions (1.1.0 faulty with --bad), the gateway agent and the workflow agent. */
async function startDemoServices(etcd: string, bad: boolean): Promise<void> {
  await startServices(["etcd"]);
  log(`demo services: 1.0.0 on 127.0.0.1:18081, 1.1.0 on 127.0.0.1:18082${bad ? " (faulty: 30% of its answers are 500s)" : ""}`);
  startBackground("stable", process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "service.ts"), "1.0.0", "18081"]);
  await stopBackground("canary"); // good or faulty: as asked this time
  startBackground("canary", process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "service.ts"), "1.1.0", "18082", bad ? "0.3" : "0"]);
  log("gateway agent for local/demo (health and metrics on 127.0.0.1:19100), workflow agent (127.0.0.1:19102)");
  const agentArgs = ["--work-dir", path.join(demoRun, "agent"), "--listen", "127.0.0.1:19100", "--bind", "127.0.0.1"];
  startBackground("agent", process.execPath, [
    path.join(REPO_ROOT, "packages", "provider", "dist", "cli", "vamp-gateway-agent.js"),
    ...tenantArgs(etcd),
    ...agentArgs,
  ]);
  startBackground("workflow", process.execPath, [WORKFLOW_AGENT, ...tenantArgs(etcd), "--agent-id", "demo-workflow", "--listen", "127.0.0.1:19102"]);
  await stopBackground("ui"); // this checkout's page
  process.env.VAMP_UI_TOKEN = uiToken();
  startBackground("ui", process.execPath, [CLI, "ui", ...tenantArgs(etcd), "--listen", UI_LISTEN]);
}

const UI_LISTEN = "127.0.0.1:19080";

/** The token the demo's page takes changes with: made once, kept for the user alone. */
function uiToken(): string {
  const file = path.join(demoRun, "ui-token");
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(18).toString("base64url"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * A stack without state (a new checkout) next to the records of an earlier demo (another
 * checkout's stack, whose state this one cannot destroy): the local/demo tenant is the demo's
 * own, so its gateways and releases go, and the release starts from 1.0.0 again.
 */
async function clearDemoTenant(etcd: string): Promise<void> {
  const { openStore, gatewaysDir, releasesDir } = await import("@vamp-pulumi/provider");
  const store = openStore({ kind: "etcd", endpoints: [etcd] });
  const tenant = { organization: "local", environment: "demo" };
  try {
    const left = [...(await store.list(gatewaysDir(tenant))), ...(await store.list(releasesDir(tenant)))];
    if (!left.length) return;
    log(`the store holds ${left.length} records of an earlier demo (another checkout's stack): clearing local/demo first`);
    for (const e of left) await store.delete(e.key);
    for (let i = 0; i < 100 && (await answers(GATEWAY)); i++) await sleep(100);
  } finally {
    await store.close();
  }
}

async function up(etcd: string, bad: boolean): Promise<void> {
  await startDemoServices(etcd, bad);
  if (!succeeds("pulumi", ["stack", "select", "local"])) run("pulumi", ["stack", "init", "local"]);
  run("pulumi", ["config", "set", "etcdEndpoint", etcd]);
  if (succeeds("pulumi", ["stack", "output", "releasePhase"])) {
    log("a fresh release each run: taking down the previous run's stack first");
    run("pulumi", ["destroy", "--yes", "--skip-preview"]);
    // Until the agent took the gateway down, the users' requests would still reach it.
    for (let i = 0; i < 100 && (await answers(GATEWAY)); i++) await sleep(100);
  } else await clearDemoTenant(etcd);
  log("users: 40 requests/s through the gateway (127.0.0.1:19050) while `pulumi up` releases 1.1.0");
  const load = startLoad(GATEWAY, 40);
  const started = Date.now();
  const ok = await succeedsAsync("pulumi", ["up", "--yes"]);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const during = await load.stop();
  console.log();
  log(`pulumi up ${ok ? "succeeded" : "failed"} after ${seconds} s; ${loadLine(during)}`);
  run(process.execPath, [CLI, "release", "status", "web-1.1.0", ...tenantArgs(etcd)]);
  console.log();
  log("after the release");
  run(process.execPath, [...tsNode, path.join(REPO_ROOT, "scripts", "demo", "measure.ts"), GATEWAY, "2000"]);
  await sleep(1100); // the last second completes
  console.log();
  log("the gateway's own view of the last 60 s (vamp metrics: the agents' live per-route metrics from HAProxy's access log)");
  run(process.execPath, [CLI, "metrics", "demo/web", ...tenantArgs(etcd), "--window", "60s"]);
  console.log();
  if (ok && bad) throw new Error("the faulty 1.1.0 was promoted: the release should have rolled it back");
  if (!ok && !bad) throw new CommandFailed(1);
  if (bad) log("as it should: the faulty 1.1.0 was rolled back, 1.0.0 serves everything, and `pulumi up` failed with the reason");
  console.log(`Try it: curl -s ${GATEWAY}   |  a faulty release: npm run demo -- --bad   |  agent: curl -s ${AGENT}/metrics`);
  for (let i = 0; i < 50 && !(await answers(`http://${UI_LISTEN}/healthz`)); i++) await sleep(100);
  if (await answers(`http://${UI_LISTEN}/healthz`))
    console.log(`The page (gateways, the live split, the release): http://${UI_LISTEN}/?organization=local&environment=demo&view=releases#token=${uiToken()}`);
  else console.log(`The page did not start (is ${UI_LISTEN} taken?): see ${path.join(demoRun, "ui.log")}`);
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
  else await up(env.VAMP_ETCD_ENDPOINT, args.bad);
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
