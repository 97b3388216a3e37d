/**
 * The agent with thousands of gateways in one tenant (issue 13, item 3), as its own process on
 * etcd: first full sync, the agent's and HAProxy's memory, the weight-change latency on one
 * gateway while all are loaded, and a structural change's time to apply (a reload).
 * Used by bench/agent.ts (`--gateways N`, default 5000).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HaproxyMaster } from "../packages/provider/src/haproxy/master";
import { encodeRecord, gatewayKey } from "../packages/provider/src/record";
import type { GatewaySpec } from "../packages/provider/src/model/spec";
import { openTestStore, REPO_ROOT, storeConnection, type StoreKind } from "../test/support/testbed";
import { freePort, startBackend } from "../test/support/traffic";
import { measureFlips } from "./flips";

/** Gateway ports: below Linux's ephemeral range and clear of the test bed's servers. */
const PORT_BASE = 20000;

export interface ScaleResult {
  store: StoreKind;
  gateways: number;
  firstSyncMs: number;
  agentRssMb: number;
  haproxyRssMb: number;
  flips: number;
  weightP50Ms: number;
  weightP99Ms: number;
  structuralMs: number;
  failed: number;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function status(port: number): Promise<{ revisions: Record<string, string>; lastError?: string } | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { revisions: Record<string, string>; lastError?: string };
  } catch {
    return undefined;
  }
}

async function until(cond: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!(await cond())) {
    if (performance.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** The agent process's store flags and environment for a test-bed store (tokens in the environment, as in production). */
function agentStoreArgs(kind: StoreKind): { args: string[]; env: NodeJS.ProcessEnv } {
  const { connection, credentials } = storeConnection(kind);
  const endpoints = connection.kind === "etcd" ? connection.endpoints : connection.kind === "zookeeper" ? connection.servers : [connection.address];
  const poll = connection.kind === "vault" ? ["--poll-ms", "200"] : [];
  return { args: ["--store", kind, "--endpoints", endpoints.join(","), ...poll], env: { ...process.env, VAMP_STORE_TOKEN: credentials?.token } };
}

export async function measureScale(n: number, changes: number, kind: StoreKind = "etcd"): Promise<ScaleResult> {
  const store = openTestStore(kind);
  const tenant = { organization: "bench", environment: `s${Date.now().toString(36)}` };
  const [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
  // Four routes a gateway: two that serve, two that take no traffic.
  const spec = (i: number, wa = 50): GatewaySpec => ({
    port: PORT_BASE + i,
    routes: {
      [`[127.0.0.1:${a.port}]`]: { weight: wa },
      [`[127.0.0.1:${b.port}]`]: { weight: 100 - wa },
      [`[127.0.0.2:${a.port}]`]: { weight: 0 },
      [`[127.0.0.3:${a.port}]`]: { weight: 0 },
    },
  });
  const write = (i: number, s: GatewaySpec) =>
    store.put(gatewayKey(tenant, `g${i}`), encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name: `g${i}`, spec: s }));
  for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => write(i + k, spec(i + k))));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-bench-scale-"));
  const statusPort = await freePort();
  const t0 = performance.now();
  const storeArgs = agentStoreArgs(kind);
  const agent = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "packages/provider/bin/vamp-gateway-agent.js"),
      ...storeArgs.args,
      ...["--organization", tenant.organization, "--environment", tenant.environment],
      ...["--work-dir", workDir, "--listen", `127.0.0.1:${statusPort}`, "--bind", "127.0.0.1"],
    ],
    { stdio: "ignore", env: storeArgs.env },
  );
  const haproxy = new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") });
  try {
    await until(
      async () => {
        const st = await status(statusPort);
        // HAProxy refusing to start is an answer, not something to wait out: say why.
        if (st?.lastError && /start failed|exited/.test(st.lastError)) {
          const alert = fs
            .readFileSync(path.join(workDir, "haproxy.log"), "utf8")
            .split("\n")
            .filter((l) => l.includes("[ALERT]"))
            .pop();
          throw new Error(`HAProxy does not start with ${n} gateways: ${alert?.replace(/^.*\] /, "") ?? st.lastError}`);
        }
        return Object.keys(st?.revisions ?? {}).length === n;
      },
      600_000,
      `first sync of ${n} gateways`,
    );
    const firstSyncMs = performance.now() - t0;
    const proc = (await haproxy.state())!;
    const { samples, tally } = await measureFlips(`http://127.0.0.1:${PORT_BASE}/`, changes, (wa) => write(0, spec(0, wa)), `${n} gateways`);
    // A structural change: one more gateway (a reload of the whole configuration).
    const s0 = performance.now();
    const rev = await write(n, spec(n));
    await until(async () => (await status(statusPort))?.revisions[`g${n}`] === rev, 120_000, "structural change applied");
    const structuralMs = performance.now() - s0;
    return {
      store: kind,
      gateways: n,
      firstSyncMs,
      agentRssMb: rssMb(agent.pid!),
      haproxyRssMb: rssMb(proc.masterPid) + proc.workers.reduce((s, w) => s + rssMb(w), 0),
      flips: samples.length,
      weightP50Ms: pct(samples, 50),
      weightP99Ms: pct(samples, 99),
      structuralMs,
      failed: tally.failed,
    };
  } finally {
    // The agent first, and wait for it: its watchdog would start HAProxy again.
    agent.kill("SIGTERM");
    if (agent.exitCode === null) await new Promise((r) => agent.once("exit", r));
    await haproxy.stop();
    for (const e of await store.list(`/vamp/${tenant.organization}/${tenant.environment}`)) await store.delete(e.key);
    await store.close();
    await Promise.all([a.close(), b.close()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

// `npm run bench:scale [-- --gateways 5000 --changes 100]`: this part of bench:agent alone.
if (require.main === module) {
  void (async () => {
    const { parseArgs } = await import("node:util");
    const { startServices } = await import("../testbed/services");
    const { values } = parseArgs({
      options: { gateways: { type: "string", default: "5000" }, changes: { type: "string", default: "100" }, store: { type: "string", default: "etcd" } },
    });
    const kind = values.store as StoreKind;
    await startServices([kind]);
    const r = await measureScale(Number(values.gateways), Number(values.changes), kind);
    console.log(JSON.stringify(r));
    console.log(
      `scale_store=${r.store} scale_gateways=${r.gateways} first_sync_s=${(r.firstSyncMs / 1000).toFixed(1)} agent_rss_mb=${r.agentRssMb.toFixed(0)} scale_weight_p99_ms=${r.weightP99Ms.toFixed(1)} reload_s=${(r.structuralMs / 1000).toFixed(2)} failed=${r.failed}`,
    );
    process.exit(0);
  })().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
