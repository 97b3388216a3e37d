/**
 * The workflow agent as its own process, with a real gateway agent, HAProxy and etcd: it drives a
 * release handed to the cluster, resumes it at its recorded step after being killed, and takes a
 * release whose driver went away (its lease lapsed) back to stable within 5 s.
 */
import { driveRelease } from "../../../packages/provider/src/rollout/driver";
import { claimRelease, readRelease } from "../../../packages/provider/src/rollout/records";
import { requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { startCanaryBed, startTraffic, startWorkflowAgent, type WorkflowAgentProcess } from "./harness";

jest.setTimeout(120_000);

describe("the workflow agent: real process, gateway agent, HAProxy and etcd", () => {
  let bed: Awaited<ReturnType<typeof startCanaryBed>>;
  let gw: Awaited<ReturnType<typeof startCanaryBed>>["gw"];
  let wf: WorkflowAgentProcess | undefined;
  const tenant = { organization: "e2e", environment: `wf${Date.now().toString(36)}` };
  let routes = { stable: "", canary: "" };
  const spec = (over: Record<string, unknown> = {}) => ({ gateway: "shop", ...routes, steps: { weights: [20, 50] }, interval: "3s", minSamples: 10, ...over });
  const applied = () => bed.applied();
  const stored = async () => (await bed.weights())[1];

  beforeAll(async () => {
    await requireServices("etcd", "haproxy");
    bed = await startCanaryBed(tenant);
    ({ gw, routes } = bed);
  });
  afterAll(async () => {
    await wf?.stop("SIGKILL");
    await bed?.stop();
  });
  beforeEach(() => bed.reset());

  it("drives a release handed to the cluster; killed mid-release, it resumes at the recorded step", async () => {
    const traffic = startTraffic(gw.url, 40);
    wf = await startWorkflowAgent(tenant, "wf-e2e");
    await claimRelease(gw.store, tenant, "cluster", spec(), "e2e", 0, "cluster");
    await until(async () => (await stored()) === 50, 30_000, "the second step");
    wf.child.kill("SIGKILL");
    await new Promise((r) => wf!.child.once("exit", r));
    const atKill = await readRelease(gw.store, tenant, "cluster");
    expect(atKill?.state?.step).toBe(1);
    wf = await startWorkflowAgent(tenant, "wf-e2e");
    await until(async () => (await readRelease(gw.store, tenant, "cluster"))?.state?.phase === "promoted", 30_000, "promoted after the restart");
    const samples = await traffic.stop();
    const rec = await readRelease(gw.store, tenant, "cluster");
    // One advance from step 1 (before the kill), one from step 2 (after): never from the start again.
    expect(rec!.decisions.filter((d) => d.action !== "hold").map((d) => [d.step, d.action])).toEqual([
      [0, "advance"],
      [1, "advance"],
    ]);
    const said = wf.lines.filter((l) => l.event === "release").map((l) => String(l.line));
    expect(said[0]).toMatch(/^cluster: resumed at step 2\/2/);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(await stored()).toBe(100);
  });

  it("takes a release whose driver stopped renewing its lease back to stable within 5 s", async () => {
    if (!wf || wf.child.exitCode !== null || wf.child.signalCode !== null) wf = await startWorkflowAgent(tenant, "wf-e2e");
    const traffic = startTraffic(gw.url, 40);
    const halt = new AbortController();
    const run = driveRelease(await claimRelease(gw.store, tenant, "laptop", spec({ interval: "60s" }), "pulumi/laptop", 2500), {
      store: gw.store,
      tenant,
      holder: "pulumi/laptop",
      halt: halt.signal,
      tickMs: 250,
    }).catch((e: Error) => e.message);
    await until(async () => (await applied()) === 20, 10_000, "the first step at the proxy");
    // The laptop closes: its driver stops and never renews the lease again.
    halt.abort("laptop closed");
    const gone = Date.now();
    expect(await run).toMatch(/halted at step 1/);
    await until(async () => (await applied()) === 0, 10_000, "the canary at 0 at the proxy");
    const ms = Date.now() - gone;
    await until(async () => !!(await readRelease(gw.store, tenant, "laptop"))?.state?.confirmedAt, 10_000, "the rollback confirmed");
    await traffic.stop();
    console.log(`figures: driver gone → canary at weight 0 in HAProxy in ${ms} ms (lease 2.5 s)`);
    expect(ms).toBeLessThan(5000);
    const rec = await readRelease(gw.store, tenant, "laptop");
    expect(rec?.state?.reason).toMatch(/^interrupted \(the lease of pulumi\/laptop lapsed/);
  });
});
