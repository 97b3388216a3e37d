/**
 * The agent's loop on the memory store, with a recording proxy in place of HAProxy: what it
 * applies, what it rejects, what its status says. (Against a real HAProxy and real stores:
 * test/e2e/agent/.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RenderedConfig } from "../model/resolved";
import type { GatewaySpec } from "../model/spec";
import { encodeRecord } from "../record/codec";
import { gatewayKey } from "../record/keys";
import { planApply, type AppliedState } from "../render/plan";
import { MemoryStore } from "../store/memory";
import type { KvEntry } from "../store/types";
import { GatewayAgent, type AgentEvent } from "./agent";
import type { ApplyOutcome, ProxyControl } from "./apply";
import { defaultEngine } from "./default-engine";

const tenant = { organization: "acme", environment: "prod" };
const HUGE = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
const split = (port: number, w: number): GatewaySpec => ({ port, routes: { "[10.0.0.1:80]": { weight: w }, "[10.0.0.2:80]": { weight: 100 - w } } });

/** A proxy that records what it was asked to run, planning like the real one. */
class RecordingProxy implements ProxyControl {
  applied: AppliedState | undefined;
  configs: RenderedConfig[] = [];
  plans: string[] = [];
  up = false;
  fail = false;
  async apply(next: RenderedConfig): Promise<ApplyOutcome> {
    const plan = planApply(this.applied, this.up, next);
    if (this.fail) return { ok: false, plan, reason: "refused" };
    this.up = true;
    this.applied = { fingerprint: next.fingerprint, weights: next.weights };
    this.configs.push(next);
    if (plan.action !== "none") this.plans.push(plan.action);
    return { ok: true, plan, ms: 0 };
  }
  async running() {
    return this.up;
  }
  async startFromDisk() {
    return false;
  }
  weightsOf(gateway: string): number[] {
    const last = this.configs[this.configs.length - 1];
    return last.weights.filter((w) => w.backend.startsWith(`g_${gateway}_`) && w.backend.endsWith("__split")).map((w) => w.weight);
  }
}

describe("GatewayAgent on the memory store", () => {
  let store: MemoryStore;
  let proxy: RecordingProxy;
  let agent: GatewayAgent;
  let events: AgentEvent[];
  let dir: string;
  const put = (name: string, spec: GatewaySpec) => store.put(gatewayKey(tenant, name), encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name, spec }));

  /** How often the agent rendered the whole set, and how often it re-rendered only changed weights. */
  let renders: { set: number; reweigh: number };

  beforeEach(async () => {
    store = new MemoryStore();
    proxy = new RecordingProxy();
    events = [];
    renders = { set: 0, reweigh: 0 };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-agent-unit-"));
    await put("one", split(9001, 90));
    await put("two", split(9002, 90));
    const engine = defaultEngine();
    const counting: typeof engine = {
      ...engine,
      render: (g, p) => (renders.set++, engine.render(g, p)),
      reweigh: (prev, changes) => (renders.reweigh++, engine.reweigh!(prev, changes)),
    };
    agent = new GatewayAgent({ tenant, store, engine: counting, workDir: dir, proxy, log: (e) => events.push(e), resyncMs: 60_000 });
    await agent.start();
  });
  afterEach(async () => {
    await agent.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts the proxy with every gateway, then changes weights without a reload", async () => {
    expect(proxy.plans).toEqual(["start"]);
    expect(proxy.weightsOf("one")).toEqual([90, 10]);
    await put("one", split(9001, 40));
    await agent.trigger();
    expect(proxy.plans).toEqual(["start", "runtime"]);
    expect(proxy.weightsOf("one")).toEqual([40, 60]);
    expect(agent.getStatus()).toMatchObject({ ready: true, inSync: true, rejected: {}, behind: {} });
  });

  it("keeps a poisoned gateway at its last good version and names it, while the other's change applies", async () => {
    const poison = await put("two", { port: 9002, routes: { "[10.0.0.1:80]": { weight: 100, condition: HUGE } } });
    const change = await put("one", split(9001, 30));
    await agent.trigger();
    expect(proxy.weightsOf("one")).toEqual([30, 70]);
    expect(proxy.weightsOf("two")).toEqual([90, 10]);
    const s = agent.getStatus();
    expect(s.revisions.one).toBe(change);
    expect(s.rejected.two).toMatchObject({ revision: poison, serving: s.revisions.two });
    expect(s.behind).toEqual({ two: { store: poison, serving: s.revisions.two } });
    expect(s.inSync).toBe(false);
    expect(events.filter((e) => e.event === "rejected")).toHaveLength(1);
    // Another sync of the same bad revision is not a new rejection.
    await agent.trigger();
    expect(events.filter((e) => e.event === "rejected")).toHaveLength(1);
  });

  it("reports a failed apply and keeps the status of what really runs", async () => {
    const before = agent.getStatus().revisions.one;
    proxy.fail = true;
    const rev = await put("one", split(9001, 10));
    await agent.trigger();
    const s = agent.getStatus();
    expect(s.revisions.one).toBe(before);
    expect(s.behind.one).toEqual({ store: rev, serving: before });
    expect(s.lastError).toBe("refused");
    proxy.fail = false;
    await agent.trigger();
    expect(agent.getStatus()).toMatchObject({ inSync: true, revisions: { one: rev } });
  });

  it("changes nothing while the store is away, and says so", async () => {
    const applied = proxy.configs.length;
    const list = store.list.bind(store);
    store.list = async (): Promise<KvEntry[]> => {
      throw new Error("connection refused");
    };
    await agent.trigger();
    expect(proxy.configs.length).toBe(applied);
    expect(agent.getStatus()).toMatchObject({ storeHealthy: false, ready: true, lastError: "store: connection refused" });
    store.list = list;
    await agent.trigger();
    expect(agent.getStatus().storeHealthy).toBe(true);
  });

  /** Resolves once the proxy has been given `n` configurations in all (the watch drives the agent). */
  const applied = async (n: number) => {
    for (let i = 0; i < 200 && proxy.configs.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(proxy.configs).toHaveLength(n);
  };

  it("applies a weights-only change from the watch without rendering the whole set", async () => {
    expect(renders).toEqual({ set: 1, reweigh: 0 });
    const rev = await put("one", split(9001, 25));
    await applied(2);
    expect(renders).toEqual({ set: 1, reweigh: 1 });
    expect(proxy.plans).toEqual(["start", "runtime"]);
    expect(proxy.weightsOf("one")).toEqual([25, 75]);
    expect(proxy.weightsOf("two")).toEqual([90, 10]);
    expect(agent.getStatus()).toMatchObject({ inSync: true, revisions: { one: rev } });
  });

  it("renders the whole set for a structural change, a new gateway, a deletion", async () => {
    await put("one", { port: 9001, routes: { "[10.0.0.1:80]": { weight: 50 }, "[10.0.0.3:80]": { weight: 50 } } });
    await applied(2);
    await put("three", split(9003, 50));
    await applied(3);
    await store.delete(gatewayKey(tenant, "two"));
    await applied(4);
    expect(renders.set).toBe(4);
    expect(proxy.plans).toEqual(["start", "reload", "reload", "reload"]);
    expect(Object.keys(agent.getStatus().revisions).sort()).toEqual(["one", "three"]);
  });

  it("retries a weights-only change whose apply failed, as a whole set", async () => {
    proxy.fail = true;
    const rev = await put("one", split(9001, 5));
    for (let i = 0; i < 200 && !agent.getStatus().lastError; i++) await new Promise((r) => setTimeout(r, 5));
    expect(agent.getStatus().behind.one?.store).toBe(rev);
    proxy.fail = false;
    await agent.trigger();
    expect(proxy.weightsOf("one")).toEqual([5, 95]);
    expect(agent.getStatus()).toMatchObject({ inSync: true, revisions: { one: rev } });
    expect(renders).toEqual({ set: 2, reweigh: 1 });
  });
});
