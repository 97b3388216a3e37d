/**
 * The canary suites' pieces: a version whose behaviour the test switches (healthy, failing,
 * slow) while it serves, and an open-loop client that keeps every answer with the time it came.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Tenant } from "../../../packages/provider/src/model/tenant";
import { REPO_ROOT, testbedEnv } from "../../support/testbed";
import { until, writeGateway } from "../agent/harness";
import { startServing } from "../logs/harness";
import { gatewayKey } from "../../../packages/provider/src/record/keys";
import { freePort, openLoopAgent, serve, type Backend } from "../../support/traffic";
import { once, type Sample } from "../logs/harness";

export interface Version extends Backend {
  /** What it answers from now on. */
  mode: { status: number; delayMs: number };
}

/** A backend answering `mode.status` after `mode.delayMs` (plus up to 2 ms of jitter), with `x-backend: id`. */
export async function startVersion(id: string, mode = { status: 200, delayMs: 5 }): Promise<Version> {
  const state = { mode };
  const server = http.createServer((req, res) => {
    req.resume();
    const { status, delayMs } = state.mode;
    setTimeout(
      () => {
        res.writeHead(status, { "x-backend": id, "content-type": "text/plain" });
        res.end(`${id} ${status}\n`);
      },
      delayMs + Math.random() * 2,
    );
  });
  const b = await serve(id, server);
  // An accessor, so the server sees what the test sets.
  return Object.defineProperty(b, "mode", { get: () => state.mode, set: (m: Version["mode"]) => (state.mode = m), enumerable: true }) as Version;
}

/** Traffic at `rps` until stopped (open loop); every answer kept. */
export function startTraffic(url: string, rps: number): { samples: Sample[]; stop(): Promise<Sample[]> } {
  const agent = openLoopAgent(64);
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  let running = true;
  const t0 = performance.now();
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const wait = t0 + (i * 1000) / rps - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const p = once(url, agent).then((s) => {
        samples.push(s);
        pending.delete(p);
      });
      pending.add(p);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      await Promise.all(pending);
      agent.destroy();
      return samples;
    },
  };
}

export interface WorkflowAgentProcess {
  child: ChildProcess;
  /** Its JSON log lines so far. */
  lines: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `vamp-workflow-agent` as its own process on the test bed's etcd; resolves once it answers. */
export async function startWorkflowAgent(tenant: Tenant, agentId: string, extra: string[] = []): Promise<WorkflowAgentProcess> {
  const env = testbedEnv();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "packages/provider/bin/vamp-workflow-agent.js"),
      ...["--store", "etcd", "--endpoints", env.VAMP_ETCD_ENDPOINT, "--organization", tenant.organization, "--environment", tenant.environment],
      ...["--agent-id", agentId, "--listen", `127.0.0.1:${port}`, ...extra],
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines: Record<string, unknown>[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      lines.push({ text: l });
    }
  });
  await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 20_000, "the workflow agent answers");
  return {
    child,
    lines,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/**
 * Two versions behind one gateway `shop` served by a real agent process and HAProxy: `reset()`
 * puts stable back at 100% (waiting until HAProxy applies it), `applied()` is the canary's weight
 * at HAProxy (undefined until served), `weights()` the two weights in the store.
 */
export async function startCanaryBed(tenant: Tenant, agentArgs: string[] = []) {
  const [v1, v2] = [await startVersion("v1"), await startVersion("v2")];
  const routes = { stable: `[127.0.0.1:${v1.port}]`, canary: `[127.0.0.1:${v2.port}]` };
  const gw = await startServing(tenant, { [`127.0.0.1:${v1.port}`]: 100, [`127.0.0.1:${v2.port}`]: 0 }, agentArgs);
  const applied = async () => {
    const r = await fetch(`${gw.agent.endpoint}/applied?gateway=shop`);
    return r.ok ? ((await r.json()) as { route: string; weight: number }[]).find((x) => x.route === routes.canary)?.weight : undefined;
  };
  const setCanary = async (weight: number) => {
    const revision = await writeGateway(gw.store, tenant, "shop", {
      port: `${new URL(gw.url).port}/http`,
      routes: { [routes.stable]: { weight: 100 - weight }, [routes.canary]: { weight } },
    });
    await until(async () => (await gw.agent.status()).revisions.shop === revision && (await applied()) === weight, 10_000, `the canary at ${weight}%`);
  };
  return {
    v1,
    v2,
    gw,
    routes,
    applied,
    setCanary,
    reset: () => setCanary(0),
    async weights() {
      const rec = JSON.parse((await gw.store.get(gatewayKey(tenant, "shop")))!.value);
      return [rec.spec.routes[routes.stable].weight, rec.spec.routes[routes.canary].weight];
    },
    async stop() {
      await gw.stop();
      await v1.close();
      await v2.close();
    },
  };
}
