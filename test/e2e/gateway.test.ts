/**
 * The Gateway resource end to end, once per store: the real engine writes to a real store
 * (etcd, ZooKeeper, Vault), the real agent applies it to a real HAProxy, traffic from a
 * concurrent client moves as declared.
 */
import * as path from "node:path";
import type { KeyValueStore } from "../../packages/provider/src/store";
import { newTestStack, stateFileText, type TestStack } from "../support/pulumi";
import { openTestStore, requireServices, STORE_SERVICE, storeConnection, type StoreKind, e2eStores } from "../support/testbed";
import { freePort, LoadClient, sendRequests, shares, startBackend, type Backend } from "../support/traffic";
import { startAgent, until, type AgentUnderTest } from "./agent/harness";

jest.setTimeout(300_000);

const STORES: StoreKind[] = e2eStores();

describe.each(STORES)("Gateway resource: real engine, %s, agent and HAProxy", (kind) => {
  let t: TestStack;
  let store: KeyValueStore;
  let agent: AgentUnderTest;
  let stable: Backend, canary: Backend;
  let url: string;
  const environment = `gw${Date.now().toString(36)}`;
  const tenant = { organization: "e2e", environment };
  const key = `/vamp/e2e/${environment}/gateways/shop%2Fweb`;

  beforeAll(async () => {
    await requireServices(STORE_SERVICE[kind]);
    store = openTestStore(kind);
    const { connection, credentials } = storeConnection(kind);
    [stable, canary] = await Promise.all([startBackend("stable"), startBackend("canary")]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    agent = await startAgent(openTestStore(kind), tenant);
    t = await newTestStack(path.join(__dirname, "programs", "gateway"), {
      store: { value: JSON.stringify(connection) },
      ...(credentials ? { credentials: { value: JSON.stringify(credentials), secret: true } } : {}),
      environment: { value: environment },
      port: { value: String(port) },
      stable: { value: `127.0.0.1:${stable.port}` },
      canary: { value: `127.0.0.1:${canary.port}` },
      canaryWeight: { value: "10" },
    });
  });

  afterAll(async () => {
    await t?.cleanup();
    await agent?.stop();
    await store?.delete(key);
    await store?.close();
    await Promise.all([stable, canary].map((b) => b?.close()));
  });

  it("preview writes nothing to the store", async () => {
    const res = await t.stack.preview();
    expect(res.changeSummary.create).toBe(2);
    expect(await store.get(key)).toBeUndefined();
  });

  it("up creates the gateway and traffic follows the declared 90/10 split (±2 points over 5,000 requests)", async () => {
    await t.stack.up();
    await until(async () => (await sendRequests(url, 20)).failed === 0, 5000, "gateway serving");
    const tally = await sendRequests(url, 5000);
    const s = shares(tally);
    console.log(`[gateway e2e ${kind}] declared 90/10, measured ${s.stable.toFixed(2)}/${s.canary.toFixed(2)} over ${tally.total}`);
    expect(tally.failed).toBe(0);
    expect(Math.abs(s.stable - 90)).toBeLessThanOrEqual(2);
    expect(Math.abs(s.canary - 10)).toBeLessThanOrEqual(2);
  });

  // Only Vault takes a token in the test bed; the other stores run without credentials.
  if (kind === "vault") {
    it("the state file holds the store token only encrypted", () => {
      const token = storeConnection(kind).credentials!.token!;
      const state = stateFileText(t);
      expect(state).not.toContain(token);
      expect(state).toMatch(/"credentials":\s*\{\s*"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
    });

    it("a refused token fails up without showing the token in the error or the state, and nothing serving changes", async () => {
      const bad = `s.wrong-${Date.now().toString(36)}-token`;
      await t.stack.setConfig("credentials", { value: JSON.stringify({ token: bad }), secret: true });
      await t.stack.setConfig("canaryWeight", { value: "20" });
      let message = "";
      await t.stack.up().catch((e: Error) => (message = e.message));
      expect(message).toMatch(/HTTP 403/);
      expect(message).not.toContain(bad);
      expect(stateFileText(t)).not.toContain(bad);
      await t.stack.setConfig("credentials", { value: JSON.stringify(storeConnection(kind).credentials), secret: true });
      await t.stack.setConfig("canaryWeight", { value: "10" });
      expect((await sendRequests(url, 100)).failed).toBe(0);
    });
  }

  it("refresh right after up reports no changes", async () => {
    const res = await t.stack.refresh();
    expect(res.summary.resourceChanges?.update ?? 0).toBe(0);
  });

  it("a weight change through up moves traffic with 0 failed requests and no HAProxy reload", async () => {
    const reloads = agent.agent.getStatus().counters.reloads;
    const pids = await agent.agent.haproxy.state();
    const load = new LoadClient(url, 4, 120_000).start();
    await t.stack.setConfig("canaryWeight", { value: "50" });
    const up = await t.stack.up();
    const rev = String(up.outputs.revision.value);
    await until(() => agent.agent.getStatus().revisions["shop/web"] === rev, 5000, "agent applied the new revision");
    const during = await load.stop();
    const s = shares(await sendRequests(url, 5000));
    console.log(
      `[gateway e2e ${kind}] declared 50/50, measured ${s.stable.toFixed(2)}/${s.canary.toFixed(2)}; ${during.total} requests during the update, ${during.failed} failed`,
    );
    expect(during.failed).toBe(0);
    expect(Math.abs(s.canary - 50)).toBeLessThanOrEqual(2);
    expect(agent.agent.getStatus().counters.reloads).toBe(reloads);
    expect((await agent.agent.haproxy.state())?.workers).toEqual(pids?.workers);
  });

  it("an out-of-band weight change shows as drift, and the next up restores the declared weight", async () => {
    const entry = (await store.get(key))!;
    const record = JSON.parse(entry.value);
    const routes = record.spec.routes as Record<string, { weight: number }>;
    routes[`[127.0.0.1:${canary.port}]`].weight = 0;
    routes[`[127.0.0.1:${stable.port}]`].weight = 100;
    await store.put(key, JSON.stringify(record));
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const up = await t.stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    const restored = JSON.parse((await store.get(key))!.value);
    expect(restored.spec.routes[`[127.0.0.1:${canary.port}]`].weight).toBe(50);
  });

  it("invalid args fail preview with the field path, and nothing serving changes", async () => {
    const before = (await store.get(key))!.revision;
    await t.stack.setConfig("canaryWeight", { value: "70" });
    await t.stack.setConfig("condition", { value: "user-agent = = Firefox" });
    await expect(t.stack.preview()).rejects.toThrow(/routes\[.*\]\.condition.*user-agent = = Firefox/s);
    await t.stack.setConfig("condition", { value: "" });
    await t.stack.removeConfig("condition");
    // A weight out of range: the reason names the range and the value, and the engine prints
    // the real value of the property (a nested path used to print as {<nil>}).
    await t.stack.setConfig("canaryWeight", { value: "150" });
    const failure = await t.stack.preview().then(
      () => "",
      (e: Error) => e.message,
    );
    expect(failure).toMatch(/routes\["\[127\.0\.0\.1:\d+\]"\]\.weight: must be between 0% and 100%, got 150/);
    expect(failure).toMatch(/routes\["\[127\.0\.0\.1:\d+\]"\]\.weight: must be between 0% and 100%, got -50/);
    expect(failure).not.toContain("<nil>");
    await t.stack.setConfig("canaryWeight", { value: "50" });
    expect((await store.get(key))!.revision).toBe(before);
    expect((await sendRequests(url, 100)).failed).toBe(0);
  });

  it("destroy leaves the store clean and HAProxy no longer serves the gateway", async () => {
    await t.stack.destroy();
    expect(await store.get(key)).toBeUndefined();
    await until(async () => (await sendRequests(url, 5)).failed === 5, 5000, "gateway gone from HAProxy");
  });
});
