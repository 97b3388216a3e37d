/**
 * Selector reconciliation against the real Kubernetes API of the test bed (API server,
 * scheduler, controller manager, kwok nodes): a `Gateway` with a selector discovers pods at
 * `up`, the `vamp-reconciler` process follows them afterwards, the agent and HAProxy route real
 * traffic to them. The kwok node gives its pods loopback addresses, and a real HTTP server on
 * each pod's address plays the pod.
 */
import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { KeyValueStore } from "../../packages/provider/src/store";
import { createNamespace, deleteNamespace, deletePod, ensureLoopbackNode, kube, runPod } from "../support/kube";
import { newTestStack, type TestStack } from "../support/pulumi";
import { openTestStore, requireServices, storeConnection, testbedEnv } from "../support/testbed";
import { freePort, sendRequests, shares, startBackend, type Backend } from "../support/traffic";
import { startAgent, startReconciler, until, type AgentUnderTest } from "./agent/harness";

jest.setTimeout(300_000);

interface StoredRecord {
  spec: { routes: Record<string, { weight?: number }> };
  discovered?: { routes: Record<string, { host: string; port: number; name?: string }[]>; writer: string };
}

describe("selector gateway: real Kubernetes API, engine, reconciler, agent and HAProxy", () => {
  const environment = `sel${Date.now().toString(36)}`;
  const namespace = environment;
  const key = `/vamp/e2e/${environment}/gateways/shop%2Fversions`;
  let store: KeyValueStore;
  let t: TestStack;
  let agent: AgentUnderTest;
  let reconciler: ChildProcess | undefined;
  let reconcilerLog = "";
  let node: string;
  let podPort: number;
  let url: string;
  const pods = new Map<string, Backend>();

  const stored = async () => JSON.parse((await store.get(key))!.value) as StoredRecord;
  /** What the API server and the record say, for failure messages. */
  const diagnose = async () => {
    const list = await kube<{
      items: {
        metadata: { name: string; deletionTimestamp?: string };
        status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
      }[];
    }>("GET", `/api/v1/namespaces/${namespace}/pods`);
    const pods = list!.items.map(
      (p) =>
        `${p.metadata.name} ${p.status.phase} ${p.status.podIP ?? "-"} ready=${p.status.conditions?.find((c) => c.type === "Ready")?.status ?? "-"}${p.metadata.deletionTimestamp ? " deleting" : ""}`,
    );
    return `pods:\n  ${pods.join("\n  ")}\nrecord: ${JSON.stringify((await stored()).discovered)}\nreconciler log:\n${reconcilerLog}`;
  };
  const expectDiscovered = async (want: Record<string, string[]>) => {
    const got = await discovered();
    if (JSON.stringify(got) !== JSON.stringify(want))
      throw new Error(`discovered ${JSON.stringify(got)}, expected ${JSON.stringify(want)}\n${await diagnose()}`);
  };
  const discovered = async () =>
    Object.fromEntries(Object.entries((await stored()).discovered?.routes ?? {}).map(([k, v]) => [k, v.map((i) => i.name).sort()]));

  /** A pod of `version`, played by a real server on the address kwok gave it. */
  async function addPod(name: string, version: string): Promise<void> {
    const ip = await runPod(namespace, name, { app: "shop", version }, podPort, node);
    pods.set(name, await startBackend(version, ip, podPort));
  }
  async function removePod(name: string): Promise<void> {
    await deletePod(namespace, name);
    await pods.get(name)?.close();
    pods.delete(name);
  }

  beforeAll(async () => {
    await requireServices("etcd", "kubernetes");
    store = openTestStore("etcd");
    node = await ensureLoopbackNode();
    await createNamespace(namespace);
    podPort = await freePort();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    agent = await startAgent(openTestStore("etcd"), { organization: "e2e", environment });
    t = await newTestStack(path.join(__dirname, "programs", "selector"), {
      store: { value: JSON.stringify(storeConnection("etcd").connection) },
      environment: { value: environment },
      namespace: { value: namespace },
      kubeconfig: { value: testbedEnv().VAMP_KUBECONFIG },
      port: { value: String(port) },
      podPort: { value: String(podPort) },
      routes: { value: JSON.stringify({ "(1.0)": { weight: 100 } }) },
    });
  });

  afterAll(async () => {
    reconciler?.kill("SIGTERM");
    await t?.cleanup();
    await agent?.stop();
    await store?.delete(key);
    await store?.close();
    await Promise.all([...pods.values()].map((b) => b.close()));
    await deleteNamespace(namespace);
  });

  it("up discovers one route per version; a version nobody declared gets weight 0", async () => {
    await addPod("shop-1-0-a", "1.0");
    await addPod("shop-1-0-b", "1.0");
    await addPod("shop-1-1-a", "1.1");
    await t.stack.up();
    await expectDiscovered({ "(1.0)": ["shop-1-0-a", "shop-1-0-b"], "(1.1)": ["shop-1-1-a"] });
    expect((await stored()).discovered!.writer).toBe("pulumi");
    await until(async () => (await sendRequests(url, 20)).failed === 0, 5000, "gateway serving");
    const tally = await sendRequests(url, 1000);
    expect(tally.failed).toBe(0);
    expect(shares(tally)["1.0"]).toBe(100);
  });

  it("the reconciler follows pods: a new version starts at 0, a removed one loses its route, replicas change servers", async () => {
    const health = await freePort();
    reconciler = startReconciler({ organization: "e2e", environment, health, log: (text) => (reconcilerLog += text) });
    const waitFor = (want: Record<string, string[]>, what: string) =>
      until(async () => JSON.stringify(await discovered()) === JSON.stringify(want), 10_000, what).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose()}`);
      });
    await addPod("shop-1-2-a", "1.2");
    await waitFor({ "(1.0)": ["shop-1-0-a", "shop-1-0-b"], "(1.1)": ["shop-1-1-a"], "(1.2)": ["shop-1-2-a"] }, "new version discovered");
    await removePod("shop-1-1-a");
    await waitFor({ "(1.0)": ["shop-1-0-a", "shop-1-0-b"], "(1.2)": ["shop-1-2-a"] }, "removed version gone");
    await addPod("shop-1-0-c", "1.0");
    await waitFor({ "(1.0)": ["shop-1-0-a", "shop-1-0-b", "shop-1-0-c"], "(1.2)": ["shop-1-2-a"] }, "replica added");
    expect((await stored()).discovered!.writer).toMatch(/^reconciler\//);
    // The workflow agent's probes: ready once its pod watch is synced; status counts its writes.
    expect((await fetch(`http://127.0.0.1:${health}/readyz`)).status).toBe(200);
    const status = (await (await fetch(`http://127.0.0.1:${health}/status`)).json()) as { writes: number; synced: boolean };
    expect(status).toMatchObject({ synced: true });
    expect(status.writes).toBeGreaterThanOrEqual(3);
    expect((await stored()).spec.routes).toEqual({ "(1.0)": { weight: 100 } });
    const rev = (await store.get(key))!.revision;
    await until(() => agent.agent.getStatus().revisions["shop/versions"] === rev, 5000, "agent applied");
    const tally = await sendRequests(url, 1000);
    expect(tally.failed).toBe(0);
    expect(shares(tally)["1.0"]).toBe(100);
  });

  it("up steps the canary while the reconciler runs, and neither undoes the other", async () => {
    await t.stack.setConfig("routes", { value: JSON.stringify({ "(1.0)": { weight: 90 }, "(1.2)": { weight: 10 } }) });
    await t.stack.up();
    const after = await stored();
    expect(after.spec.routes).toEqual({ "(1.0)": { weight: 90 }, "(1.2)": { weight: 10 } });
    // up left the reconciler's view alone (same pods), and the reconciler does not touch weights.
    await expectDiscovered({ "(1.0)": ["shop-1-0-a", "shop-1-0-b", "shop-1-0-c"], "(1.2)": ["shop-1-2-a"] });
    await addPod("shop-1-2-b", "1.2");
    await until(async () => ((await discovered())["(1.2)"] ?? []).length === 2, 10_000, "second canary replica");
    expect((await stored()).spec.routes).toEqual({ "(1.0)": { weight: 90 }, "(1.2)": { weight: 10 } });
    const rev = (await store.get(key))!.revision;
    await until(() => agent.agent.getStatus().revisions["shop/versions"] === rev, 5000, "agent applied");
    const s = shares(await sendRequests(url, 5000));
    console.log(`[selector e2e] declared 90/10 over discovered pods, measured ${(s["1.0"] ?? 0).toFixed(2)}/${(s["1.2"] ?? 0).toFixed(2)}`);
    expect(Math.abs((s["1.2"] ?? 0) - 10)).toBeLessThanOrEqual(2);
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
  });

  it("a Route steps a discovered version the gateway does not declare; the unweighted stable route takes the rest", async () => {
    await t.stack.setAllConfig({ routes: { value: JSON.stringify({ "(1.0)": {} }) }, canary: { value: JSON.stringify({ route: "(1.2)", weight: 20 }) } });
    await t.stack.up();
    expect((await stored()).spec.routes).toEqual({ "(1.0)": {}, "(1.2)": { weight: 20 } });
    const rev = (await store.get(key))!.revision;
    await until(() => agent.agent.getStatus().revisions["shop/versions"] === rev, 5000, "agent applied");
    const s = shares(await sendRequests(url, 5000));
    console.log(`[selector e2e] Route on discovered (1.2) at 20, measured ${(s["1.0"] ?? 0).toFixed(2)}/${(s["1.2"] ?? 0).toFixed(2)}`);
    expect(Math.abs((s["1.2"] ?? 0) - 20)).toBeLessThanOrEqual(2);
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
  });

  it("destroy leaves the store clean", async () => {
    reconciler?.kill("SIGTERM");
    await t.stack.destroy();
    expect(await store.get(key)).toBeUndefined();
  });
});
