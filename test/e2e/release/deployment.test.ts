/**
 * The Deployment component through the real engine and Kubernetes provider plugin, the test
 * bed's API server, etcd, the gateway agent and HAProxy: a blueprint with two clusters, a
 * dependency and a top-level gateway. Its pods run on the loopback kwok node (the blueprint's
 * `kubernetes` dialect asks for it), where real HTTP servers play them: the web version calls
 * its dependency at the address its `$api.host:$api.ports.http` resolved to.
 */
import * as path from "node:path";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { kube } from "../../support/kube";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { KUBERNETES_PROVIDER_WAIT_MS, openTestStore, requireKubernetesProvider, requireServices, storeConnection, testbedEnv } from "../../support/testbed";
import { freePort, sendRequests, startBackend, startCallingBackend, type Backend } from "../../support/traffic";
import { spawnSync, type ChildProcess } from "node:child_process";
import { REPO_ROOT } from "../../support/testbed";
import { LoadClient, shares } from "../../support/traffic";
import { startReconciler, until } from "../agent/harness";
import { startAgentProcess, type AgentProcess } from "../logs/harness";
import { readRelease } from "../../../packages/provider/src/rollout/records";

jest.setTimeout(600_000);

interface Pod {
  metadata: { name: string; labels: Record<string, string> };
  spec: { containers: { env?: { name: string; value?: string }[]; ports?: { containerPort: number }[] }[] };
  status: { podIP?: string; conditions?: { type: string; status: string }[] };
}

const organization = "e2e";
const environment = `dep${Date.now().toString(36)}`;
const namespace = `${organization}-${environment}`;
const keyOf = (gateway: string) => `/vamp/${organization}/${environment}/gateways/${encodeURIComponent(gateway)}`;
const LOOPBACK = {
  nodeSelector: { "kubernetes.io/hostname": "kwok-loopback" },
  tolerations: [{ key: "vamp.io/loopback", operator: "Exists", effect: "NoSchedule" }],
};

let store: KeyValueStore;
let agent: AgentProcess;
let t: TestStack;
let reconciler: ChildProcess | undefined;
let load: LoadClient | undefined;
let ports: { web: number; api: number; external: number; webGateway: number; apiGateway: number };
const backends = new Map<string, Backend>();

/** Changes of an operation other than "same". */
const changesOf = (summary: Record<string, number> | undefined) => Object.entries(summary ?? {}).filter(([k, n]) => k !== "same" && n > 0);

/** The blueprint with the api versions given (each `[version, instances]`). */
function blueprint(api: [string, number][] = [["1", 1]]) {
  return {
    name: "shop:1",
    gateways: { [String(ports.external)]: "web/http" },
    clusters: {
      web: {
        services: [
          {
            breed: {
              name: "web:1",
              deployable: "shop/web:1",
              ports: { http: `${ports.web}/http` },
              dependencies: { api: "api:1" },
              environmentVariables: { API_URL: "http://$api.host:$api.ports.http/" },
            },
          },
        ],
      },
      api: {
        services: api.map(([v, instances]) => ({
          breed: { name: `api:${v}`, deployable: `shop/api:${v}`, ports: { http: `${ports.api}/http` } },
          scale: { cpu: 0.1, memory: "64Mi", instances },
        })),
      },
    },
    dialects: { kubernetes: LOOPBACK },
  };
}

/** A real server for every Ready pod of the namespace that has none yet; none for pods that are gone. */
async function playPods(): Promise<Pod[]> {
  const pods = (await kube<{ items: Pod[] }>("GET", `/api/v1/namespaces/${namespace}/pods`))!.items;
  // A deleted pod's server goes with it: kwok hands its address to the next pod.
  for (const [name, b] of backends)
    if (!pods.some((p) => p.metadata.name === name)) {
      await b.close();
      backends.delete(name);
    }
  for (const p of pods) {
    const ready = p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (!ready || !p.status.podIP || backends.has(p.metadata.name)) continue;
    const c = p.spec.containers[0];
    const port = c.ports![0].containerPort;
    const version = p.metadata.labels["vamp.io/version"];
    const upstream = c.env?.find((e) => e.name === "API_URL")?.value;
    backends.set(
      p.metadata.name,
      upstream ? await startCallingBackend(version, p.status.podIP, port, upstream) : await startBackend(version, p.status.podIP, port),
    );
  }
  return pods;
}

/** What the pods, the records and the agent say, for a failure message. */
async function diagnose(url: string, pods: Pod[]): Promise<string> {
  const tally = await sendRequests(url, 4);
  const records = await Promise.all(
    ["shop/web/http", "shop/api/http", `shop/${ports.external}`].map(async (g) => `${g}: ${(await store.get(keyOf(g)))?.value ?? "none"}`),
  );
  const podLines = pods.map((p) => `${p.metadata.name} ${p.status.podIP ?? "-"} ${JSON.stringify(p.spec.containers[0].ports)}`);
  return `requests: ${JSON.stringify(tally.errors)}\npods:\n${podLines.join("\n")}\nrecords:\n${records.join("\n")}\nagent: ${JSON.stringify(await agent.status()).slice(0, 1500)}`;
}

// The plugin may still be building beside the suites before this one (npm test).
beforeAll(() => requireKubernetesProvider(), KUBERNETES_PROVIDER_WAIT_MS);

beforeAll(async () => {
  await requireServices("etcd", "kubernetes");
  store = openTestStore("etcd");
  ports = { web: await freePort(), api: await freePort(), external: await freePort(), webGateway: await freePort(), apiGateway: await freePort() };
  // A process, as in a cluster: its presence and per-route live counts serve the release driver.
  agent = await startAgentProcess({ organization, environment }, ["--agent-id", "dep"]);
  t = await newTestStack(path.join(__dirname, "..", "programs", "deployment"), {
    kubeconfig: { value: testbedEnv().VAMP_KUBECONFIG },
    organization: { value: organization },
    environment: { value: environment },
    store: { value: JSON.stringify(storeConnection("etcd").connection) },
    blueprint: { value: JSON.stringify(blueprint()) },
    internalPorts: { value: JSON.stringify({ "shop/web/http": ports.webGateway, "shop/api/http": ports.apiGateway }) },
  });
});

afterAll(async () => {
  reconciler?.kill("SIGTERM");
  await load?.stop();
  await t?.stack.destroy().catch(() => undefined);
  await t?.cleanup();
  await agent?.stop();
  await Promise.all([...backends.values()].map((b) => b.close()));
  await store?.close();
  await kube("DELETE", `/api/v1/namespaces/${namespace}`, undefined, { tolerate404: true });
});

it("up runs each version as a labelled Deployment, a Service per cluster, internal and external gateways; each version done; refresh unchanged", async () => {
  const r = await t.stack.up();
  expect(r.summary.result).toBe("succeeded");
  expect(changesOf((await t.stack.refresh()).summary.resourceChanges)).toEqual([]);
  const deployments = (await kube<{ items: { metadata: { name: string; labels: Record<string, string> } }[] }>(
    "GET",
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
  ))!.items;
  expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["shop-api-api-1", "shop-web-web-1"]);
  expect(deployments.find((d) => d.metadata.name === "shop-web-web-1")!.metadata.labels).toMatchObject({
    "app.kubernetes.io/name": "web",
    "vamp.io/version": "web_1",
    "vamp.io/deployment": "shop",
    "vamp.io/cluster": "web",
  });
  const services = (await kube<{ items: { metadata: { name: string }; spec: { ports: { port: number }[] } }[] }>(
    "GET",
    `/api/v1/namespaces/${namespace}/services`,
  ))!.items;
  expect(services.map((s) => `${s.metadata.name}:${s.spec.ports.map((p) => p.port).join(",")}`).sort()).toEqual([
    `shop-api:${ports.apiGateway}`,
    `shop-web:${ports.webGateway}`,
  ]);
  for (const g of ["shop/web/http", "shop/api/http", `shop/${ports.external}`]) expect(await store.get(keyOf(g))).toBeDefined();
  expect(r.outputs.services.value).toEqual([
    { deployment: "shop", cluster: "web", breed: "web:1", workload: "shop-web-web-1", intention: "deploy", phase: "done" },
    { deployment: "shop", cluster: "api", breed: "api:1", workload: "shop-api-api-1", intention: "deploy", phase: "done" },
  ]);
});

it("requests through the external gateway reach web and, through the internal gateway at the resolved $api.host, its dependency", async () => {
  const pods = await playPods();
  const web = pods.find((p) => p.metadata.labels["vamp.io/cluster"] === "web")!;
  expect(web.spec.containers[0].env).toEqual([{ name: "API_URL", value: `http://127.0.0.1:${ports.apiGateway}/` }]);
  const url = `http://127.0.0.1:${ports.external}/`;
  await until(async () => (await sendRequests(url, 20)).failed === 0, 15_000, "external gateway serving").catch(async (e: Error) => {
    throw new Error(`${e.message}\n${await diagnose(url, pods)}`);
  });
  const tally = await sendRequests(url, 500);
  expect(tally.failed).toBe(0);
  expect(tally.byBackend).toEqual({ "web_1>api_1": 500 });
});

/** The api gateway's record: declared routes and what discovery found. */
async function apiRecord(): Promise<{ spec: { routes: Record<string, { weight?: number }> }; discovered?: { routes: Record<string, unknown[]> } }> {
  return JSON.parse((await store.get(keyOf("shop/api/http")))!.value);
}

/** `up` with the config given (and `refresh` right after finds nothing changed), then the agent applied the api gateway's latest record. */
async function upAndApplied(config: Record<string, string>): Promise<void> {
  await t.stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
  const r = await t.stack.up();
  expect(r.summary.result).toBe("succeeded");
  expect(changesOf((await t.stack.refresh()).summary.resourceChanges)).toEqual([]);
  await playPods();
  const rev = (await store.get(keyOf("shop/api/http")))!.revision;
  await until(async () => (await agent.status()).revisions["shop/api/http"] === rev, 10_000, "agent applied shop/api/http");
}

it("merge: api:2 deployed beside api:1 gets a route at 0% (0 of 1,000 requests), api:1 keeps its traffic", async () => {
  // The in-cluster reconciler follows pods from here on (scale changes add instances).
  reconciler = startReconciler({ organization, environment, namespace, health: await freePort() });
  load = new LoadClient(`http://127.0.0.1:${ports.external}/`).start();
  await upAndApplied({
    blueprint: JSON.stringify(
      blueprint([
        ["1", 1],
        ["2", 1],
      ]),
    ),
  });
  const rec = await apiRecord();
  expect(rec.spec.routes).toEqual({ "(api_1)": {}, "(api_2)": { weight: 0 } });
  expect(Object.keys(rec.discovered!.routes).sort()).toEqual(["(api_1)", "(api_2)"]);
  const tally = await sendRequests(`http://127.0.0.1:${ports.external}/`, 1000);
  expect(tally).toMatchObject({ failed: 0, byBackend: { "web_1>api_1": 1000 } });
});

it("a Route steps api:2 to 20%: measured 20 ± 2 over 5,000 requests", async () => {
  await upAndApplied({ canary: JSON.stringify({ gateway: "shop/api/http", route: "(api_2)", weight: 20 }) });
  const tally = await sendRequests(`http://127.0.0.1:${ports.external}/`, 5000);
  const s = shares(tally);
  console.log(
    `[deployment e2e] Route (api_2) at 20: measured ${(s["web_1>api_1"] ?? 0).toFixed(2)} / ${(s["web_1>api_2"] ?? 0).toFixed(2)} over ${tally.total}, ${tally.failed} failed`,
  );
  expect(tally.failed).toBe(0);
  expect(Math.abs((s["web_1>api_2"] ?? 0) - 20)).toBeLessThanOrEqual(2);
});

it("a slice that would leave 80% fails preview, naming the gateway and the weights; nothing changes", async () => {
  await upAndApplied({ canary: JSON.stringify({ gateway: "shop/api/http", route: "(api_2)", weight: 80 }) });
  const before = (await store.get(keyOf("shop/api/http")))!.revision;
  await t.stack.setConfig("blueprint", { value: JSON.stringify(blueprint([["2", 1]])) });
  await expect(t.stack.preview()).rejects.toThrow(
    /gateway shop\/api\/http: removing \(api_1\) would leave \(api_2\): 80% \(80%\); the remaining weights must total 100%/,
  );
  await expect(t.stack.up()).rejects.toThrow(/would leave \(api_2\): 80%/);
  expect((await store.get(keyOf("shop/api/http")))!.revision).toBe(before);
  const deployments = (await kube<{ items: { metadata: { name: string } }[] }>("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`))!.items;
  expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["shop-api-api-1", "shop-api-api-2", "shop-web-web-1"]);
});

it("slice of api:1 after a Route moved 100% to api:2: its Deployment is gone, no request failed through merge, steps and slice", async () => {
  await upAndApplied({
    blueprint: JSON.stringify(
      blueprint([
        ["1", 1],
        ["2", 1],
      ]),
    ),
    canary: JSON.stringify({ gateway: "shop/api/http", route: "(api_2)", weight: 100 }),
  });
  await upAndApplied({ blueprint: JSON.stringify(blueprint([["2", 1]])) });
  const deployments = (await kube<{ items: { metadata: { name: string } }[] }>("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`))!.items;
  expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["shop-api-api-2", "shop-web-web-1"]);
  const tally = await sendRequests(`http://127.0.0.1:${ports.external}/`, 1000);
  expect(tally).toMatchObject({ failed: 0, byBackend: { "web_1>api_2": 1000 } });
  const sequence = await load!.stop();
  load = undefined;
  console.log(`[deployment e2e] merge → 20% → 80% → refused slice → 100% → slice: ${sequence.total} requests, ${sequence.failed} failed`);
  expect(sequence.failed).toBe(0);
  expect(sequence.total).toBeGreaterThan(100);
});

it("a scale change: the replicas in the API server and the gateway's instances follow", async () => {
  await upAndApplied({ blueprint: JSON.stringify(blueprint([["2", 3]])) });
  const d = await kube<{ spec: { replicas: number }; status: { readyReplicas?: number } }>(
    "GET",
    `/apis/apps/v1/namespaces/${namespace}/deployments/shop-api-api-2`,
  );
  expect(d!.spec.replicas).toBe(3);
  await until(async () => ((await apiRecord()).discovered?.routes["(api_2)"] ?? []).length === 3, 15_000, "three api:2 instances discovered");
  const rev = (await store.get(keyOf("shop/api/http")))!.revision;
  await until(async () => (await agent.status()).revisions["shop/api/http"] === rev, 10_000, "agent applied");
  expect((await sendRequests(`http://127.0.0.1:${ports.external}/`, 300)).failed).toBe(0);
  const outputs = await t.stack.outputs();
  expect(outputs.services.value).toContainEqual({
    deployment: "shop",
    cluster: "api",
    breed: "api:2",
    workload: "shop-api-api-2",
    intention: "deploy",
    phase: "done",
  });
});

it("vamp status reads each version's intention and phase from the cluster, and the gateways from the store", () => {
  const vamp = path.join(REPO_ROOT, "node_modules", ".bin", "vamp");
  const args = ["status", "--namespace", namespace, "--kubeconfig", testbedEnv().VAMP_KUBECONFIG];
  const json = spawnSync(vamp, [...args, "--output", "json"], { encoding: "utf8" });
  expect(json.status).toBe(0);
  expect(JSON.parse(json.stdout)).toEqual({
    deployments: [
      { deployment: "shop", cluster: "api", breed: "api:2", workload: "shop-api-api-2", intention: "deploy", phase: "done" },
      { deployment: "shop", cluster: "web", breed: "web:1", workload: "shop-web-web-1", intention: "deploy", phase: "done" },
    ],
  });
  const table = spawnSync(vamp, args, { encoding: "utf8" }).stdout.split("\n");
  expect(table[0]).toMatch(/^DEPLOYMENT\s+CLUSTER\s+BREED\s+WORKLOAD\s+INTENTION\s+PHASE\s+REASON$/);
  expect(table[1]).toMatch(/^shop\s+api\s+api:2\s+shop-api-api-2\s+deploy\s+done$/);
  const store = ["--organization", organization, "--environment", environment, "--store", "etcd", "--endpoints", testbedEnv().VAMP_ETCD_ENDPOINT];
  const both = JSON.parse(spawnSync(vamp, [...args, ...store, "--output", "json"], { encoding: "utf8" }).stdout) as {
    store: { gateways: { name: string; routes: { route: string }[] }[] };
    deployments: unknown[];
  };
  expect(both.deployments).toHaveLength(2);
  expect(both.store.gateways.find((g) => g.name === "shop/api/http")?.routes.map((r) => r.route)).toContain("(api_2)");
});

it("a CanaryRelease steps api:3, merged beside api:2, through its analysis to 100% under traffic: 0 failed, the decisions kept", async () => {
  // The Route on (api_2) let go: its weight stays, and is drift to the gateway until the next up.
  await t.stack.removeConfig("canary");
  expect((await t.stack.up()).summary.result).toBe("succeeded");
  // api:3 merged at 0; the release owns both weights from its start.
  await upAndApplied({
    blueprint: JSON.stringify(
      blueprint([
        ["2", 3],
        ["3", 1],
      ]),
    ),
  });
  await until(async () => ((await apiRecord()).discovered?.routes["(api_3)"] ?? []).length === 1, 15_000, "the api:3 instance discovered");
  expect((await apiRecord()).spec.routes["(api_3)"]).toEqual({ weight: 0 });
  const users = new LoadClient(`http://127.0.0.1:${ports.external}/`, 2).start();
  const lines: string[] = [];
  await t.stack.setConfig("release", { value: JSON.stringify({ stable: "(api_2)", canary: "(api_3)" }) });
  const r = await t.stack.up({ onOutput: (o) => lines.push(o) });
  const tally = await users.stop();
  console.log(
    `[deployment e2e] release (api_2) → (api_3): ${tally.total} requests, ${tally.failed} failed\n${lines
      .join("")
      .split("\n")
      .filter((l) => l.includes("api-release:"))
      .join("\n")}`,
  );
  expect(r.summary.result).toBe("succeeded");
  expect(r.outputs.releasePhase.value).toBe("promoted");
  expect(tally.failed).toBe(0);
  expect(tally.byBackend["web_1>api_3"]).toBeGreaterThan(0);
  const routes = (await apiRecord()).spec.routes;
  expect([routes["(api_2)"].weight, routes["(api_3)"].weight]).toEqual([0, 100]);
  const stored = (await readRelease(store, { organization, environment }, "api-release"))!;
  expect(stored.decisions.map((d) => [d.step, d.action])).toEqual([[0, "advance"]]);
  expect(stored.decisions[0].report!.samples.canary).toBeGreaterThanOrEqual(10);
  const after = await sendRequests(`http://127.0.0.1:${ports.external}/`, 300);
  expect(after).toMatchObject({ failed: 0, byBackend: { "web_1>api_3": 300 } });
});

it("destroy leaves nothing in the namespace or the store", async () => {
  await t.stack.destroy();
  const deployments = (await kube<{ items: unknown[] }>("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`))?.items ?? [];
  expect(deployments).toEqual([]);
  for (const g of ["shop/web/http", "shop/api/http", `shop/${ports.external}`]) expect(await store.get(keyOf(g))).toBeUndefined();
  await until(async () => !(await kube("GET", `/api/v1/namespaces/${namespace}`, undefined, { tolerate404: true })), 120_000, "namespace gone");
});
