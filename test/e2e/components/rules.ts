/**
 * The topology rules, checked on the test bed's real API server, whatever put the objects there
 * (the real engine, or a server-side apply of what the mocks declared): the gateway agents of an
 * environment on different nodes and Ready, the PodDisruptionBudget blocking the second
 * eviction, and each agent's ServiceAccount allowed what it needs and nothing else.
 */
import { canI, evict, kube } from "../../support/kube";
import { until } from "../agent/harness";

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form manifests
interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

/** The agents' Deployments (each with replicas) are all Ready, each replica on its own node. */
export async function expectAgentsSpreadAndReady(agents: readonly Manifest[]): Promise<void> {
  expect(agents.length).toBeGreaterThan(0);
  for (const d of agents) {
    const selector = Object.entries(d.spec.selector.matchLabels as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const path = `/api/v1/namespaces/${d.metadata.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`;
    let pods: PodList["items"] = [];
    const ready = (p: PodList["items"][number]) => p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    await until(
      async () => {
        pods = (await kube<PodList>("GET", path))!.items;
        return pods.length === d.spec.replicas && pods.every(ready);
      },
      90_000,
      `${d.metadata.namespace}: ${d.spec.replicas} Ready agents`,
    ).catch(async (e: Error) => {
      // Say why: which pods, on which nodes, in which state, and what the nodes report.
      const nodes = (await kube<{ items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] }>(
        "GET",
        "/api/v1/nodes",
      ))!.items;
      const podLines = pods.map((p) => `${p.metadata.name} on ${p.spec.nodeName ?? "-"}: ${JSON.stringify(p.status.conditions ?? [])}`);
      const nodeLines = nodes.map((n) => `${n.metadata.name}: Ready=${n.status.conditions?.find((c) => c.type === "Ready")?.status}`);
      throw new Error(`${e.message}\npods:\n${podLines.join("\n")}\nnodes:\n${nodeLines.join("\n")}`);
    });
    const nodes = new Set(pods.map((p) => p.spec.nodeName));
    expect(nodes.size).toBe(d.spec.replicas);
  }
}

/** The agents' PodDisruptionBudget lets one agent go and blocks evicting the second. */
export async function expectBudgetBlocksSecondEviction(pdb: Manifest): Promise<void> {
  const ns = pdb.metadata.namespace!;
  await until(
    async () =>
      (await kube<{ status?: { disruptionsAllowed?: number } }>("GET", `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${pdb.metadata.name}`))?.status
        ?.disruptionsAllowed === 1,
    30_000,
    "PDB allows one disruption",
  );
  const selector = Object.entries(pdb.spec.selector.matchLabels as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const pods = (await kube<PodList>("GET", `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`))!.items;
  expect(pods).toHaveLength(2);
  // A drain: every node cordoned, so the evicted agent's replacement cannot start elsewhere
  // (with free nodes it would be Ready in milliseconds and the budget would allow the next one).
  const nodes = (await kube<{ items: { metadata: { name: string } }[] }>("GET", "/api/v1/nodes"))!.items.map((n) => n.metadata.name);
  const cordon = (unschedulable: boolean) =>
    Promise.all(nodes.map((n) => kube("PATCH", `/api/v1/nodes/${n}`, { spec: { unschedulable } }, { contentType: "application/merge-patch+json" })));
  await cordon(true);
  try {
    expect(await evict(ns, pods[0].metadata.name)).toBe("evicted");
    expect(await evict(ns, pods[1].metadata.name)).toBe("blocked");
  } finally {
    await cordon(false);
  }
}

/** Each agent's ServiceAccount in these environments may do what it needs and nothing else. */
export async function expectLeastPrivilege(envs: readonly string[]): Promise<void> {
  expect(envs.length).toBeGreaterThan(0);
  const ns = envs[0];
  const other = envs[1];
  const gw = { namespace: ns, name: "vamp-gateway-agent" };
  const wf = { namespace: ns, name: "vamp-workflow-agent" };
  expect(await canI(gw, { verb: "get", resource: "secrets", namespace: ns, name: "vamp-gateway-agent-store" })).toBe(true);
  expect(await canI(gw, { verb: "get", resource: "secrets", namespace: ns, name: "vamp-workflow-agent-store" })).toBe(false);
  expect(await canI(gw, { verb: "list", resource: "secrets", namespace: ns })).toBe(false);
  expect(await canI(gw, { verb: "list", resource: "pods", namespace: ns })).toBe(false);
  expect(await canI(wf, { verb: "watch", resource: "pods", namespace: ns })).toBe(true);
  expect(await canI(wf, { verb: "delete", resource: "pods", namespace: ns })).toBe(false);
  // It scales its own namespace's Deployments for the SLAs; it creates and deletes none.
  expect(await canI(wf, { verb: "patch", resource: "deployments", namespace: ns, group: "apps" })).toBe(true);
  expect(await canI(wf, { verb: "create", resource: "deployments", namespace: ns, group: "apps" })).toBe(false);
  expect(await canI(wf, { verb: "delete", resource: "deployments", namespace: ns, group: "apps" })).toBe(false);
  expect(await canI(wf, { verb: "list", resource: "secrets", namespace: ns })).toBe(false);
  if (other) {
    // Another environment's secrets and pods are out of reach.
    expect(await canI(gw, { verb: "get", resource: "secrets", namespace: other, name: "vamp-gateway-agent-store" })).toBe(false);
    expect(await canI(wf, { verb: "list", resource: "pods", namespace: other })).toBe(false);
    expect(await canI(wf, { verb: "patch", resource: "deployments", namespace: other, group: "apps" })).toBe(false);
  }
}
