/**
 * An agent under test: a real HAProxy driven by a real GatewayAgent, reading a real store,
 * with real HTTP backends behind it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GatewayAgent, type AgentEvent } from "../../../packages/provider/src/agent";
import { defaultEngine } from "../../../packages/provider/src/agent/default-engine";
import type { GatewaySpec, RouteSpec as TypedRouteSpec } from "../../../packages/provider/src/model/spec";
import type { Tenant } from "../../../packages/provider/src/model/tenant";
import { encodeRecord, gatewayKey } from "../../../packages/provider/src/record";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { REPO_ROOT, testbedEnv } from "../../support/testbed";

export interface RouteSpec {
  weight?: number;
  condition?: string;
  conditionStrength?: number;
}

/** A gateway record's spec (the typed shape) routing to local backends: `{ "127.0.0.1:port": weight }`. */
export function splitSpec(port: number, routes: Record<string, number | RouteSpec>): GatewaySpec {
  return {
    port: `${port}/http`,
    routes: Object.fromEntries(
      Object.entries(routes).map(([addr, r]) => {
        const spec = typeof r === "number" ? { weight: r } : r;
        const out: TypedRouteSpec = {};
        if (spec.weight !== undefined) out.weight = spec.weight;
        if (spec.condition !== undefined) out.condition = spec.condition;
        if (spec.conditionStrength !== undefined) out.conditionStrength = spec.conditionStrength;
        return [`[${addr}]`, out];
      }),
    ),
  };
}

export async function writeGateway(store: KeyValueStore, tenant: Tenant, name: string, spec: GatewaySpec): Promise<string> {
  return store.put(gatewayKey(tenant, name), encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name, spec }));
}

export interface AgentUnderTest {
  agent: GatewayAgent;
  workDir: string;
  events: AgentEvent[];
  stop(opts?: { keepHaproxy?: boolean }): Promise<void>;
}

/** Starts an agent on `store` (which it owns: stop() closes it). */
export async function startAgent(
  store: KeyValueStore,
  tenant: Tenant,
  opts: { workDir?: string; watch?: boolean; resyncMs?: number; runtimeWeights?: boolean } = {},
): Promise<AgentUnderTest> {
  const workDir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "vamp-agent-"));
  const events: AgentEvent[] = [];
  const agent = new GatewayAgent({
    tenant,
    store,
    engine: defaultEngine({ bind: "127.0.0.1" }),
    workDir,
    watch: opts.watch,
    resyncMs: opts.resyncMs,
    runtimeWeights: opts.runtimeWeights,
    log: (e) => events.push(e),
  });
  await agent.start();
  return {
    agent,
    workDir,
    events,
    async stop(o = {}) {
      await agent.stop();
      await store.close();
      if (!o.keepHaproxy) {
        await agent.haproxy.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** Resolves when `cond` holds, polling every 5 ms; throws after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await cond()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The agent as its own process (`vamp-gateway-agent`), on the test bed's etcd. */
export function spawnAgentProcess(tenant: Tenant, workDir: string, statusPort: number, extra: string[] = ["--bind", "127.0.0.1"]): ChildProcess {
  const args = ["--store", "etcd", "--endpoints", testbedEnv().VAMP_ETCD_ENDPOINT, "--organization", tenant.organization, "--environment", tenant.environment];
  return spawn(
    process.execPath,
    [path.join(REPO_ROOT, "packages/provider/bin/vamp-gateway-agent.js"), ...args, "--work-dir", workDir, "--listen", `127.0.0.1:${statusPort}`, ...extra],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

/** The `/status` of an agent process, or undefined while it does not answer. */
export async function agentProcessStatus(statusPort: number): Promise<{ inSync: boolean; ready: boolean; revisions: Record<string, string> } | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as { inSync: boolean; ready: boolean; revisions: Record<string, string> };
  } catch {
    return undefined;
  }
}

/**
 * The `vamp-reconciler` CLI as its own process on the test bed's etcd and API server, logging
 * into `log` (for failure messages); `health` is its status port.
 */
export function startReconciler(o: {
  organization: string;
  environment: string;
  namespace?: string;
  health: number;
  log?: (text: string) => void;
}): ChildProcess {
  const env = testbedEnv();
  const args = [
    path.join(REPO_ROOT, "packages/provider/dist/cli/vamp-reconciler.js"),
    ...["--store", "etcd", "--endpoints", env.VAMP_ETCD_ENDPOINT, "--organization", o.organization, "--environment", o.environment],
    ...["--kubeconfig", env.VAMP_KUBECONFIG, ...(o.namespace ? ["--namespace", o.namespace] : []), "--listen", `127.0.0.1:${o.health}`],
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => o.log?.(d.toString()));
  child.stderr!.on("data", (d: Buffer) => o.log?.(d.toString()));
  return child;
}
