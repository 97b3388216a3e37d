/**
 * The release driver against real HAProxy, a real agent process and etcd: a healthy canary
 * stepped to 100% on evidence, a failing one rolled back and confirmed at the proxy, an operator's
 * abort, and a canary without traffic never promoted. The same driver runs inside `pulumi up`
 * and in the workflow agent (their suites prove those paths).
 */
import * as http from "node:http";
import { claimRelease, readRelease, updateRelease } from "../../../packages/provider/src/rollout/records";
import { driveRelease } from "../../../packages/provider/src/rollout/driver";
import { requireServices } from "../../support/testbed";
import { startCanaryBed, startTraffic, type Version } from "./harness";
import { until } from "../agent/harness";

jest.setTimeout(120_000);

describe("the release driver: real agent, HAProxy and etcd", () => {
  let bed: Awaited<ReturnType<typeof startCanaryBed>>;
  let v1: Version;
  let v2: Version;
  let gw: Awaited<ReturnType<typeof startCanaryBed>>["gw"];
  const tenant = { organization: "e2e", environment: `cd${Date.now().toString(36)}` };
  let routes = { stable: "", canary: "" };
  const spec = (over: Record<string, unknown> = {}) => ({
    gateway: "shop",
    ...routes,
    steps: { weights: [20, 50] },
    interval: "2s",
    minSamples: 10,
    noTrafficDeadline: "6s",
    ...over,
  });
  const lines: string[] = [];
  // A test that fails must not leave its release running into the next.
  let stop = new AbortController();
  const opts = () => ({ store: gw.store, tenant, holder: "e2e-driver", say: (l: string) => lines.push(l), tickMs: 250, signal: stop.signal });
  const weights = () => bed.weights();

  beforeAll(async () => {
    await requireServices("etcd", "haproxy");
    bed = await startCanaryBed(tenant);
    ({ v1, v2, gw, routes } = bed);
  });
  afterAll(() => bed?.stop());
  afterEach(() => stop.abort("the test ended"));
  beforeEach(async () => {
    stop = new AbortController();
    lines.length = 0;
    v2.mode = { status: 200, delayMs: 5 };
    await bed.reset();
  });

  it("steps a healthy canary 20 → 50 → 100 on evidence, 0 failed requests", async () => {
    const traffic = startTraffic(gw.url, 40);
    const rec = await claimRelease(gw.store, tenant, "ok", spec(), "e2e-driver", 2500);
    const driving = driveRelease(rec, opts());
    // While the first step runs, its record carries the driver's latest look with the evidence.
    await until(async () => ((await readRelease(gw.store, tenant, "ok"))?.look?.report?.samples.canary ?? 0) > 0, 10_000, "a look with canary requests");
    const during = (await readRelease(gw.store, tenant, "ok"))!.look!;
    const out = await driving;
    const samples = await traffic.stop();
    expect(during.step).toBe(0);
    expect(during.report!.samples.stable).toBeGreaterThan(0);
    console.log(lines.join("\n"));
    expect(out.state.phase).toBe("promoted");
    expect(await weights()).toEqual([0, 100]);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(lines.filter((l) => l.includes("passed →")).length).toBe(1);
    const stored = await readRelease(gw.store, tenant, "ok");
    expect(stored?.state?.phase).toBe("promoted");
    expect(stored?.lease).toBeUndefined();
    expect(stored?.look).toBeUndefined();
    // Each decision keeps the evidence it was taken on: at least minSamples canary requests in its step.
    // The judge advanced out of each step; out of the last, that is the promotion.
    expect(stored!.decisions.map((d) => [d.step, d.action])).toEqual([
      [0, "advance"],
      [1, "advance"],
    ]);
    for (const d of stored!.decisions) expect(d.report!.samples.canary).toBeGreaterThanOrEqual(10);
  });

  it("rolls a failing canary back: weight 0 confirmed at every agent within 5 s of its first 5xx, fewer than 25 failed", async () => {
    const traffic = startTraffic(gw.url, 40);
    const rec = await claimRelease(gw.store, tenant, "bad", spec({ interval: "60s" }), "e2e-driver", 2500);
    const run = driveRelease(rec, opts());
    await until(async () => (await weights())[1] === 20, 5000, "the first step");
    await new Promise((r) => setTimeout(r, 1500));
    v2.mode = { status: 500, delayMs: 5 };
    const out = await run;
    const confirmedAt = Date.now();
    const samples = await traffic.stop();
    console.log(lines.join("\n"));
    const failed = samples.filter((s) => s.status !== 200);
    const first = Math.min(...failed.map((s) => s.at));
    const rollbackMs = confirmedAt - first;
    console.log(`figures: rollback ${rollbackMs} ms from the first 5xx to weight 0 confirmed; ${failed.length} failed requests`);
    expect(out.state.phase).toBe("rolledback");
    expect(out.state.reason).toMatch(/^canary errors/);
    expect(out.confirmed?.agents.length).toBe(1);
    expect(await weights()).toEqual([100, 0]);
    expect(rollbackMs).toBeLessThan(5000);
    expect(failed.length).toBeLessThan(25);
    const applied = (await (await fetch(`${gw.agent.endpoint}/applied?gateway=shop`)).json()) as { route: string; weight: number }[];
    expect(applied.find((a) => a.route === routes.canary)?.weight).toBe(0);
  });

  it("does not hold the stable version's own 5xx against the canary", async () => {
    v1.mode = { status: 500, delayMs: 5 };
    try {
      const traffic = startTraffic(gw.url, 40);
      const out = await driveRelease(await claimRelease(gw.store, tenant, "stable-bad", spec(), "e2e-driver", 2500), opts());
      await traffic.stop();
      expect(out.state.phase).toBe("promoted");
    } finally {
      v1.mode = { status: 200, delayMs: 5 };
    }
  });

  it("an operator's abort rolls back at once; a canary without traffic is never promoted", async () => {
    const traffic = startTraffic(gw.url, 40);
    const run = driveRelease(await claimRelease(gw.store, tenant, "abort", spec({ interval: "60s" }), "e2e-driver", 2500), opts());
    await until(async () => (await weights())[1] === 20, 5000, "the first step");
    await updateRelease(gw.store, tenant, "abort", (r) => ({ ...r!, command: { action: "abort", by: "ops@e2e", at: Date.now() } }));
    const out = await run;
    await traffic.stop();
    expect([out.state.phase, out.state.reason]).toEqual(["rolledback", "aborted by ops@e2e"]);
    expect((await readRelease(gw.store, tenant, "abort"))?.command).toBeUndefined();

    // No traffic at all: the step holds, then the deadline fails it.
    lines.length = 0;
    const idle = await driveRelease(await claimRelease(gw.store, tenant, "idle", spec(), "e2e-driver", 2500), opts());
    expect(idle.state.phase).toBe("rolledback");
    expect(idle.state.reason).toMatch(/^no evidence: the canary got 0 requests/);
    expect(lines.some((l) => l.includes("too little traffic: 0 of 10"))).toBe(true);
  });

  it("a gate holds the step until approved while the checks run; webhooks hear every moment, and a refused step rolls back", async () => {
    const heard: { moment: string; step: number }[] = [];
    let refuse = "";
    const hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const p = JSON.parse(body) as { moment: string; step: number };
        heard.push({ moment: p.moment, step: p.step });
        res.writeHead(p.moment === refuse ? 503 : 200).end(p.moment === refuse ? "change freeze" : "ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    const hooks = { webhooks: [{ url, on: ["start", "step", "promotion", "rollback"], retries: 0 }] };
    const traffic = startTraffic(gw.url, 40);
    try {
      const run = driveRelease(await claimRelease(gw.store, tenant, "gated", spec({ gates: { before: [2] }, ...hooks }), "e2e-driver", 2500), opts());
      await until(async () => (await readRelease(gw.store, tenant, "gated"))?.state?.gate !== undefined, 20_000, "the gate");
      await new Promise((r) => setTimeout(r, 1500));
      expect(await weights()).toEqual([80, 20]);
      await updateRelease(gw.store, tenant, "gated", (r) => ({ ...r!, command: { action: "approve", by: "ops@e2e", at: Date.now() } }));
      const out = await run;
      expect(out.state.phase).toBe("promoted");
      expect(lines.some((l) => l.includes("waiting for approval before step 2"))).toBe(true);
      expect(lines.some((l) => l.includes("approved by ops@e2e"))).toBe(true);
      expect(heard).toEqual([
        { moment: "start", step: 1 },
        { moment: "step", step: 2 },
        { moment: "promotion", step: 2 },
      ]);

      heard.length = 0;
      refuse = "step";
      await bed.reset();
      const refused = await driveRelease(await claimRelease(gw.store, tenant, "refused", spec(hooks), "e2e-driver", 2500), opts());
      expect(refused.state.phase).toBe("rolledback");
      expect(refused.state.reason).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+\/hook refused the step: 503 change freeze$/);
      expect(heard.map((h) => h.moment)).toEqual(["start", "step", "rollback"]);
    } finally {
      await traffic.stop();
      hook.close();
    }
  });

  it("rolls back a canary 50% slower at the median; keeps one slower by less than the threshold", async () => {
    v1.mode = { status: 200, delayMs: 20 };
    try {
      for (const [name, delayMs, phase] of [
        ["slow", 30, "rolledback"],
        ["near", 22, "promoted"],
      ] as const) {
        await bed.reset();
        v2.mode = { status: 200, delayMs };
        const traffic = startTraffic(gw.url, 40);
        const out = await driveRelease(await claimRelease(gw.store, tenant, name, spec({ interval: "4s" }), "e2e-driver", 2500), opts());
        await traffic.stop();
        console.log(`figures: canary ${delayMs} ms against stable 20 ms: ${out.state.phase} (${out.state.reason})`);
        expect(out.state.phase).toBe(phase);
        if (phase === "rolledback") expect(out.state.reason).toMatch(/^canary slower: median/);
      }
    } finally {
      v1.mode = { status: 200, delayMs: 5 };
    }
  });
});
