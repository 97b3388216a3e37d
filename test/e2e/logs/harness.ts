/**
 * The log suites' pieces: backends that answer a status after a delay named in the path, the
 * agent as its own process with its log pipeline, the two search flavours of the test bed, a
 * TCP proxy that can take a search node away, and a client that measures every request.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { HaproxyMaster } from "../../../packages/provider/src/haproxy/master";
import type { Tenant } from "../../../packages/provider/src/model/tenant";
import { gatewayKey } from "../../../packages/provider/src/record/keys";
import { REPO_ROOT, testbedEnv } from "../../support/testbed";
import { openTestStore } from "../../support/testbed";
import { freePort, openLoopAgent, serve, type Backend } from "../../support/traffic";
import { until, writeGateway } from "../agent/harness";
import { once, type Sample } from "../../support/measure-worker";

export { once, type Sample };

export type Flavor = "opensearch" | "elasticsearch";

/** The test bed's node of a flavour: its service name and URL. */
export function searchNode(flavor: Flavor): { service: string; url: string } {
  const env = testbedEnv();
  return flavor === "opensearch" ? { service: "search", url: env.VAMP_SEARCH_URL } : { service: "elasticsearch", url: env.VAMP_ELASTICSEARCH_URL };
}

/** One JSON call to a search node (test-side checks; the code under test uses the official clients). */
export async function searchCall<T = Record<string, unknown>>(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

/** Documents in `index` matching `query` (after a refresh). */
export async function countDocs(url: string, index: string, query: unknown = { match_all: {} }): Promise<number> {
  await searchCall(url, "POST", `/${index}/_refresh?ignore_unavailable=true&allow_no_indices=true`);
  const r = await searchCall<{ count?: number }>(url, "POST", `/${index}/_count?ignore_unavailable=true&allow_no_indices=true`, { query });
  return r.json.count ?? 0;
}

/** Deletes the indices of a prefix (Elasticsearch 8 refuses wildcard deletes: names them one by one). */
export async function deleteIndices(url: string, pattern: string): Promise<void> {
  const r = await searchCall<{ index: string }[]>(url, "GET", `/_cat/indices/${pattern}?format=json&h=index`);
  for (const { index } of Array.isArray(r.json) ? r.json : []) await searchCall(url, "DELETE", `/${index}`);
}

/** A backend answering `/s/<status>/<delay ms>` with that status after that delay, and `x-backend: <id>`. */
export function startMixBackend(id: string): Promise<Backend> {
  const server = http.createServer((req, res) => {
    req.resume();
    const m = /^\/s\/(\d{3})\/(\d+)/.exec(req.url ?? "");
    const [status, delay] = m ? [Number(m[1]), Number(m[2])] : [200, 0];
    setTimeout(() => {
      res.writeHead(status, { "x-backend": id, "content-type": "text/plain" });
      res.end(`${id} ${status}\n`);
    }, delay);
  });
  return serve(id, server);
}

/** An agent process serving one gateway `shop` with `routes` (address → weight); resolves once it serves it. */
export async function startServing(tenant: Tenant, routes: Record<string, number>, agentArgs: string[]) {
  const agent = await startAgentProcess(tenant, agentArgs);
  const store = openTestStore("etcd");
  const port = await freePort();
  const revision = await writeGateway(store, tenant, "shop", {
    port: `${port}/http`,
    routes: Object.fromEntries(Object.entries(routes).map(([a, w]) => [`[${a}]`, { weight: w }])),
  });
  // This revision, not any: a fixed tenant may hold an earlier run's record.
  await until(async () => (await agent.status()).revisions.shop === revision, 10_000, "the agent applies the gateway");
  return {
    agent,
    store,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await agent.stop();
      await store.delete(gatewayKey(tenant, "shop"));
      await store.close();
    },
  };
}

/** Resolves when the agent's log pipeline status satisfies `cond` (polled every 100 ms). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the agent's /status JSON
export function untilLogs(agent: AgentProcess, cond: (logs: any) => boolean, timeoutMs: number, what: string): Promise<number> {
  return until(async () => cond((await agent.status()).logs), timeoutMs, what);
}

/**
 * Sends `paths` (one request each) over `concurrency` keep-alive connections; every answer
 * measured, by a client on its own thread (test/support/measure-worker.js).
 */
export function measure(base: string, paths: string[], concurrency = 8): Promise<Sample[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, "../../support/measure-worker.js"), { workerData: { base, paths, concurrency } });
    worker.once("message", (samples: Sample[]) => resolve(samples));
    worker.once("error", reject);
  });
}

/** Sends at `rps` requests per second for `ms` (open loop: a slow answer does not slow the sender). */
export async function steady(url: string, rps: number, ms: number): Promise<Sample[]> {
  const agent = openLoopAgent(64);
  const pending: Promise<Sample>[] = [];
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < ms; i++) {
    const due = t0 + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(once(url, agent));
  }
  const out = await Promise.all(pending);
  agent.destroy();
  return out;
}

/** The nearest-rank quantile of values. */
export function nearestRank(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)];
}

export interface AgentProcess {
  child: ChildProcess;
  endpoint: string;
  workDir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the agent's /status JSON, read field by field
  status(): Promise<any>;
  stop(): Promise<void>;
}

/** `vamp-gateway-agent` as its own process on the test bed's etcd, with `extra` flags; resolves when it is ready. */
export async function startAgentProcess(tenant: Tenant, extra: string[]): Promise<AgentProcess> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-logs-agent-"));
  const port = await freePort();
  const logsPort = await freePort();
  const env = testbedEnv();
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "packages/provider/bin/vamp-gateway-agent.js"),
      ...["--store", "etcd", "--endpoints", env.VAMP_ETCD_ENDPOINT, "--organization", tenant.organization, "--environment", tenant.environment],
      ...["--work-dir", workDir, "--listen", `127.0.0.1:${port}`, "--logs-listen", `127.0.0.1:${logsPort}`, "--bind", "127.0.0.1", ...extra],
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const status = async () => (await fetch(`${endpoint}/status`)).json();
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`vamp-gateway-agent exited with ${child.exitCode}`);
    if ((await fetch(`${endpoint}/healthz`).catch(() => undefined))?.ok) break;
    if (i > 200) throw new Error("vamp-gateway-agent did not answer within 20 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    endpoint,
    workDir,
    status,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      // HAProxy outlives its agent on purpose: stop it here.
      await new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") }).stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** A TCP proxy to `target` that can refuse and cut every connection (a search node away) and come back. */
export async function startTcpProxy(target: string): Promise<{ url: string; down(): void; up(): Promise<void>; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listenPort = await freePort();
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(port), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, "127.0.0.1", () => resolve());
    });
  await open();
  const down = () => {
    server?.close();
    server = undefined;
    for (const s of sockets) s.destroy();
  };
  return { url: `http://127.0.0.1:${listenPort}`, down, up: open, close: async () => down() };
}
