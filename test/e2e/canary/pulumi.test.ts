/**
 * `CanaryRelease` inside a real `pulumi up` (the engine, the dynamic provider's process, etcd, a
 * gateway agent process and HAProxy): a healthy release completes the update; a failing one fails
 * it with the reason and leaves the stack without the release (the next preview proposes it
 * again); Ctrl-C (SIGINT to the process group, as a terminal sends it; the engine then cancels its
 * providers) puts stable back at 100% within 5 s; a `pulumi up` killed outright with its plugins
 * (the laptop dies) leaves it to the workflow agent, within 5 s too.
 */
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { readRelease } from "../../../packages/provider/src/rollout/records";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { requireServices, storeConnection } from "../../support/testbed";
import { until } from "../agent/harness";
import { startServing, type Sample } from "../logs/harness";
import { startTraffic, startVersion, startWorkflowAgent, type Version } from "./harness";

jest.setTimeout(300_000);

const PROGRAM = path.join(__dirname, "..", "programs", "canary");

/** Every process below `pid` (the engine's plugins run in process groups of their own). */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => rows.filter(([, pp]) => pp === p).forEach(([c]) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/** The answers from the first success on: the stack creates the gateway, so requests before it are refused. */
const served = (samples: Sample[]) => {
  const first = Math.min(...samples.filter((s) => s.status === 200).map((s) => s.at));
  return samples.filter((s) => s.at >= first);
};

describe("CanaryRelease inside pulumi up", () => {
  let v1: Version;
  let v2: Version;
  let gw: Awaited<ReturnType<typeof startServing>>;
  const stacks: TestStack[] = [];
  let n = 0;

  beforeAll(async () => {
    await requireServices("etcd", "haproxy");
    [v1, v2] = [await startVersion("v1"), await startVersion("v2")];
  });
  afterAll(async () => {
    for (const t of stacks) await t.cleanup().catch(() => undefined);
    await v1?.close();
    await v2?.close();
  });
  afterEach(async () => {
    await gw?.stop();
    v2.mode = { status: 200, delayMs: 5 };
  });

  /** A fresh tenant served by its own agent, and a stack of the canary program for it. */
  async function setUp(interval = "2s") {
    const tenant = { organization: "e2e", environment: `cp${Date.now().toString(36)}${n++}` };
    // The agent serves the gateway the stack declares; it starts on a placeholder record.
    gw = await startServing(tenant, { [`127.0.0.1:${v1.port}`]: 100, [`127.0.0.1:${v2.port}`]: 0 }, []);
    const port = new URL(gw.url).port;
    await gw.store.delete(`/vamp/e2e/${tenant.environment}/gateways/shop`);
    const t = await newTestStack(PROGRAM, {
      store: { value: JSON.stringify(storeConnection("etcd").connection) },
      environment: { value: tenant.environment },
      port: { value: port },
      v1: { value: `127.0.0.1:${v1.port}` },
      v2: { value: `127.0.0.1:${v2.port}` },
      interval: { value: interval },
    });
    stacks.push(t);
    const canary = `[127.0.0.1:${v2.port}]`;
    // Undefined until the stack's gateway is served.
    const applied = async () => {
      const r = await fetch(`${gw.agent.endpoint}/applied?gateway=shop`);
      if (!r.ok) return undefined;
      return ((await r.json()) as { route: string; weight: number }[]).find((x) => x.route === canary)?.weight;
    };
    return { tenant, t, applied };
  }

  it("a healthy canary: the update completes at 100%, each step printed, 0 failed requests", async () => {
    const { t } = await setUp();
    const traffic = startTraffic(`http://127.0.0.1:${(await t.stack.getAllConfig())["vamp-e2e-canary:port"].value}`, 40);
    const out: string[] = [];
    const res = await t.stack.up({ onOutput: (s) => out.push(s) });
    const samples = await traffic.stop();
    const text = out.join("");
    console.log(
      text
        .split("\n")
        .filter((l) => l.includes("shop-v2:"))
        .join("\n"),
    );
    expect(res.outputs.phase.value).toBe("promoted");
    expect(res.outputs.weights.value).toEqual({ stable: 0, canary: 100 });
    expect(text).toMatch(/shop-v2: step 1\/2 .* passed → step 2\/2/);
    expect(text).toMatch(/shop-v2: promoted/);
    expect(served(samples).filter((s) => s.status !== 200)).toEqual([]);
  });

  it("a failing canary fails the update with the reason; the stack keeps stable and the next preview proposes the release again", async () => {
    const { t, tenant, applied } = await setUp();
    v2.mode = { status: 500, delayMs: 5 };
    const traffic = startTraffic(gw.url, 40);
    const err = await t.stack.up().then(
      () => "succeeded",
      (e: Error) => e.message,
    );
    await traffic.stop();
    expect(err).toMatch(/release shop-v2 rolled back: canary errors .* serves 100% again \(confirmed on every agent\)/);
    expect(await applied()).toBe(0);
    const state = await t.stack.exportStack();
    expect(JSON.stringify(state.deployment)).not.toMatch(/CanaryRelease::shop-v2/);
    const preview = await t.stack.preview();
    expect(preview.changeSummary.create).toBe(1);
    expect((await readRelease(gw.store, tenant, "shop-v2"))?.state?.phase).toBe("rolledback");
  });

  /** `pulumi up` as a terminal runs it: its own process group, so Ctrl-C reaches the plugins too. */
  function upInTerminal(t: TestStack) {
    const ws = t.stack.workspace;
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", t.stack.name], {
      cwd: PROGRAM,
      env: { ...process.env, ...ws.envVars },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += String(d)));
    child.stderr.on("data", (d) => (output += String(d)));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    return { child, exited, output: () => output };
  }

  it("Ctrl-C mid-release: stable back at 100% in HAProxy within 5 s, the update fails", async () => {
    const { t, applied } = await setUp("60s");
    const traffic = startTraffic(gw.url, 40);
    const up = upInTerminal(t);
    await until(async () => (await applied()) === 20, 60_000, "the first step at the proxy").catch((e: Error) => {
      throw new Error(`${e.message}; pulumi up printed:\n${up.output()}`);
    });
    const at = Date.now();
    process.kill(-up.child.pid!, "SIGINT");
    await until(async () => (await applied()) === 0, 10_000, "stable at 100% at the proxy");
    const ms = Date.now() - at;
    const code = await up.exited;
    const samples = await traffic.stop();
    console.log(`figures: Ctrl-C → canary at weight 0 in HAProxy in ${ms} ms`);
    expect(ms).toBeLessThan(5000);
    expect(code).not.toBe(0);
    expect(up.output()).toMatch(/rolled back: interrupted \(pulumi up was cancelled\)/);
    expect(served(samples).filter((s) => s.status !== 200)).toEqual([]);
  });

  it("pulumi up killed outright (the laptop dies): the workflow agent rolls back within 5 s of the kill", async () => {
    const { t, tenant, applied } = await setUp("60s");
    const wf = await startWorkflowAgent(tenant, "wf-pulumi-e2e");
    try {
      const up = upInTerminal(t);
      await until(async () => (await applied()) === 20, 60_000, "the first step at the proxy").catch((e: Error) => {
        throw new Error(`${e.message}; pulumi up printed:\n${up.output()}`);
      });
      // Everything of this `pulumi up` dies at once: the CLI, its language host and its plugins.
      const all = [up.child.pid!, ...descendants(up.child.pid!)];
      const at = Date.now();
      for (const pid of all) process.kill(pid, "SIGKILL");
      await until(async () => (await applied()) === 0, 10_000, "stable at 100% at the proxy");
      const ms = Date.now() - at;
      console.log(`figures: pulumi up killed → canary at weight 0 in HAProxy in ${ms} ms (the workflow agent, lease 2.5 s)`);
      expect(ms).toBeLessThan(5000);
      await until(async () => !!(await readRelease(gw.store, tenant, "shop-v2"))?.state?.confirmedAt, 10_000, "the rollback confirmed");
    } finally {
      await wf.stop();
    }
  });
});
