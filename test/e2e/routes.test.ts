/**
 * Route resources end to end: two canaries of one gateway stepped by two Routes in the same
 * `pulumi up` (they run concurrently in the engine), with the real engine, store, agent and
 * HAProxy. Neither Route may lose the other's write, and the Gateway's own updates must not
 * undo them.
 */
import * as path from "node:path";
import type { KeyValueStore } from "../../packages/provider/src/store";
import { newTestStack, type TestStack } from "../support/pulumi";
import { e2eStores, openTestStore, requireServices, STORE_SERVICE, storeConnection } from "../support/testbed";
import { freePort, LoadClient, sendRequests, shares, startBackend, type Backend } from "../support/traffic";
import { startAgent, until, type AgentUnderTest } from "./agent/harness";

jest.setTimeout(300_000);

describe.each(e2eStores())("Route resources: real engine, %s, agent and HAProxy", (kind) => {
  let t: TestStack;
  let store: KeyValueStore;
  let agent: AgentUnderTest;
  let backends: Record<"stable" | "a" | "b", Backend>;
  let url: string;
  const environment = `rt${Date.now().toString(36)}`;
  const key = `/vamp/e2e/${environment}/gateways/shop%2Froutes`;
  const split = (tally: Parameters<typeof shares>[0]) => {
    const s = shares(tally);
    return { stable: s.stable ?? 0, a: s.a ?? 0, b: s.b ?? 0 };
  };
  const addr = (b: Backend) => `[127.0.0.1:${b.port}]`;
  const stored = async () =>
    JSON.parse((await store.get(key))!.value) as {
      spec: { routes: Record<string, { weight?: number; condition?: string; conditionStrength?: number }> };
      managers?: Record<string, unknown>;
    };

  beforeAll(async () => {
    await requireServices(STORE_SERVICE[kind]);
    store = openTestStore(kind);
    const [stable, a, b] = await Promise.all([startBackend("stable"), startBackend("a"), startBackend("b")]);
    backends = { stable, a, b };
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    agent = await startAgent(openTestStore(kind), { organization: "e2e", environment });
    const { connection, credentials } = storeConnection(kind);
    t = await newTestStack(path.join(__dirname, "programs", "routes"), {
      store: { value: JSON.stringify(connection) },
      ...(credentials ? { credentials: { value: JSON.stringify(credentials), secret: true } } : {}),
      environment: { value: environment },
      port: { value: String(port) },
      stable: { value: `127.0.0.1:${stable.port}` },
      a: { value: `127.0.0.1:${a.port}` },
      b: { value: `127.0.0.1:${b.port}` },
      aWeight: { value: "10" },
      bWeight: { value: "20" },
    });
  });

  afterAll(async () => {
    await t?.cleanup();
    await agent?.stop();
    await store?.delete(key);
    await store?.close();
    await Promise.all(Object.values(backends ?? {}).map((b) => b.close()));
  });

  it("up: the Routes set their weights on the gateway and traffic follows (70/10/20 ±2 over 5,000)", async () => {
    await t.stack.up();
    const rec = await stored();
    expect(rec.spec.routes[addr(backends.a)].weight).toBe(10);
    expect(rec.spec.routes[addr(backends.b)].weight).toBe(20);
    expect(Object.keys(rec.managers ?? {}).sort()).toEqual([addr(backends.a), addr(backends.b)].sort());
    await until(async () => (await sendRequests(url, 20)).failed === 0, 5000, "gateway serving");
    const s = split(await sendRequests(url, 5000));
    console.log(`[routes e2e ${kind}] declared 70/10/20, measured ${s.stable.toFixed(2)}/${s.a.toFixed(2)}/${s.b.toFixed(2)}`);
    expect(Math.abs(s.stable - 70)).toBeLessThanOrEqual(2);
    expect(Math.abs(s.a - 10)).toBeLessThanOrEqual(2);
    expect(Math.abs(s.b - 20)).toBeLessThanOrEqual(2);
  });

  it("both Routes updated in the same up keep each other's write, three rounds, 0 failed requests, no reload", async () => {
    const reloads = agent.agent.getStatus().counters.reloads;
    const load = new LoadClient(url, 4, 120_000).start();
    for (const [wa, wb] of [
      [20, 30],
      [5, 45],
      [25, 25],
    ]) {
      await t.stack.setAllConfig({ aWeight: { value: String(wa) }, bWeight: { value: String(wb) } });
      const up = await t.stack.up();
      expect(up.summary.resourceChanges?.update).toBe(2);
      const rec = await stored();
      expect([rec.spec.routes[addr(backends.a)].weight, rec.spec.routes[addr(backends.b)].weight]).toEqual([wa, wb]);
    }
    const rev = (await store.get(key))!.revision;
    await until(() => agent.agent.getStatus().revisions["shop/routes"] === rev, 5000, "agent applied the last revision");
    const during = await load.stop();
    const s = split(await sendRequests(url, 5000));
    console.log(
      `[routes e2e ${kind}] declared 50/25/25, measured ${s.stable.toFixed(2)}/${s.a.toFixed(2)}/${s.b.toFixed(2)}; ${during.total} requests during 3 ups, ${during.failed} failed`,
    );
    expect(during.failed).toBe(0);
    expect(Math.abs(s.a - 25)).toBeLessThanOrEqual(2);
    expect(agent.agent.getStatus().counters.reloads).toBe(reloads);
  });

  it("a Gateway update keeps the weights the Routes own, and refresh then reports no changes", async () => {
    await t.stack.setConfig("sticky", { value: "route" });
    const up = await t.stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    const rec = await stored();
    expect(rec.spec.routes[addr(backends.a)].weight).toBe(25);
    expect(rec.spec.routes[addr(backends.b)].weight).toBe(25);
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
  });

  it("a hand-edited Route weight shows as drift of that Route only, and up restores it", async () => {
    const entry = (await store.get(key))!;
    const rec = JSON.parse(entry.value);
    rec.spec.routes[addr(backends.b)].weight = 40;
    await store.put(key, JSON.stringify(rec));
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    await t.stack.up();
    expect((await stored()).spec.routes[addr(backends.b)].weight).toBe(25);
  });

  it("invalid Route args fail preview naming the field, and nothing changes", async () => {
    const before = (await store.get(key))!.revision;
    await t.stack.setConfig("aWeight", { value: "120" });
    await expect(t.stack.preview()).rejects.toThrow(/weight.*120/s);
    await t.stack.setConfig("aWeight", { value: "25" });
    await t.stack.setConfig("bCondition", { value: "has cookie" });
    await expect(t.stack.preview()).rejects.toThrow(/condition/);
    await t.stack.removeConfig("bCondition");
    expect((await store.get(key))!.revision).toBe(before);
  });

  it("weights a Route would push over 100% are refused at up, and the gateway keeps serving", async () => {
    const before = (await store.get(key))!.revision;
    await t.stack.setConfig("aWeight", { value: "90" });
    await expect(t.stack.up()).rejects.toThrow(/add up to 115%/);
    expect((await store.get(key))!.revision).toBe(before);
    expect((await sendRequests(url, 100)).failed).toBe(0);
    await t.stack.setConfig("aWeight", { value: "25" });
  });

  it("destroy leaves the store clean", async () => {
    await t.stack.destroy();
    expect(await store.get(key)).toBeUndefined();
  });
});
