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
import { openTestStore, requireServices, storeConnection, testbedEnv } from "../../support/testbed";
import { freePort, sendRequests, startBackend, startCallingBackend, type Backend } from "../../support/traffic";
import { startAgent, until, type AgentUnderTest } from "../agent/harness";

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
let agent: AgentUnderTest;
let t: TestStack;
let ports: { web: number; api: number; external: number; webGateway: number; apiGateway: number };
const backends = new Map<string, Backend>();

function blueprint() {
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
      api: { services: [{ breed: { name: "api:1", deployable: "shop/api:1", ports: { http: `${ports.api}/http` } } }] },
    },
    dialects: { kubernetes: LOOPBACK },
  };
}

/** A real server for every Ready pod of the namespace that has none yet. */
async function playPods(): Promise<Pod[]> {
  const pods = (await kube<{ items: Pod[] }>("GET", `/api/v1/namespaces/${namespace}/pods`))!.items;
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
  return `requests: ${JSON.stringify(tally.errors)}\npods:\n${podLines.join("\n")}\nrecords:\n${records.join("\n")}\nagent: ${JSON.stringify(agent.agent.getStatus()).slice(0, 1500)}`;
}

beforeAll(async () => {
  await requireServices("etcd", "kubernetes");
  store = openTestStore("etcd");
  ports = { web: await freePort(), api: await freePort(), external: await freePort(), webGateway: await freePort(), apiGateway: await freePort() };
  agent = await startAgent(openTestStore("etcd"), { organization, environment });
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
  await t?.stack.destroy().catch(() => undefined);
  await t?.cleanup();
  await agent?.stop();
  await Promise.all([...backends.values()].map((b) => b.close()));
  await store?.close();
  await kube("DELETE", `/api/v1/namespaces/${namespace}`, undefined, { tolerate404: true });
});

it("up runs each version as a labelled Deployment, a Service per cluster, internal and external gateways; each version done", async () => {
  const r = await t.stack.up();
  expect(r.summary.result).toBe("succeeded");
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
    { cluster: "web", breed: "web:1", workload: "shop-web-web-1", intention: "deploy", phase: "done" },
    { cluster: "api", breed: "api:1", workload: "shop-api-api-1", intention: "deploy", phase: "done" },
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

it("refresh right after up changes nothing", async () => {
  const r = await t.stack.refresh();
  expect(Object.entries(r.summary.resourceChanges ?? {}).filter(([k, n]) => k !== "same" && n > 0)).toEqual([]);
});

it("destroy leaves nothing in the namespace or the store", async () => {
  await t.stack.destroy();
  const deployments = (await kube<{ items: unknown[] }>("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`))?.items ?? [];
  expect(deployments).toEqual([]);
  for (const g of ["shop/web/http", "shop/api/http", `shop/${ports.external}`]) expect(await store.get(keyOf(g))).toBeUndefined();
  await until(async () => !(await kube("GET", `/api/v1/namespaces/${namespace}`, undefined, { tolerate404: true })), 120_000, "namespace gone");
});
