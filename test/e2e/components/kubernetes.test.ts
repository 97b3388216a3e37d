/**
 * The Kubernetes layer of the topology proof: each topology program runs under Pulumi's mocks
 * (the @pulumi/kubernetes plugin cannot run here), every Kubernetes object it declares is
 * server-side applied to the test bed's real API server (scheduler, controller manager, kwok
 * nodes), and the rules are checked there: every object accepted, the gateway agents of an
 * environment on different nodes and Ready, the PodDisruptionBudget blocking the second
 * eviction, and each agent's ServiceAccount allowed what it needs and nothing else.
 */
import { declareResources, kubernetesManifests } from "../../../packages/components/src/testing";
import { canI, ensureNode, evict, kube, serverSideApply } from "../../support/kube";
import { requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { PROGRAMS } from "./programs";

jest.setTimeout(180_000);

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form manifests
interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

beforeAll(async () => {
  await requireServices("kubernetes");
  // Four kwok nodes with the hostname label a kubelet would set; label any older test-bed node too.
  for (const n of ["kwok-a", "kwok-b", "kwok-c", "kwok-d"]) await ensureNode(n);
  const nodes = await kube<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>("GET", "/api/v1/nodes");
  for (const n of nodes!.items) {
    if (!n.metadata.labels?.["kubernetes.io/hostname"]) {
      await kube(
        "PATCH",
        `/api/v1/nodes/${n.metadata.name}`,
        { metadata: { labels: { "kubernetes.io/hostname": n.metadata.name } } },
        { contentType: "application/merge-patch+json" },
      );
    }
  }
});

describe.each(PROGRAMS)("$name: declared objects on a real Kubernetes API", ({ program, options }) => {
  let manifests: Manifest[];
  let namespaces: string[];

  beforeAll(async () => {
    manifests = kubernetesManifests(await declareResources(program, options)) as Manifest[];
    namespaces = manifests.filter((m) => m.kind === "Namespace").map((m) => m.metadata.name);
  });

  afterAll(async () => {
    for (const ns of namespaces ?? []) await kube("DELETE", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true });
    // The next program may declare the same namespaces: wait until these are gone.
    for (const ns of namespaces ?? [])
      await until(async () => !(await kube("GET", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true })), 90_000, `namespace ${ns} deleted`);
  });

  it("every declared object is accepted by the API server (server-side apply)", async () => {
    expect(manifests.length).toBeGreaterThan(5);
    const ordered = [...manifests.filter((m) => m.kind === "Namespace"), ...manifests.filter((m) => m.kind !== "Namespace")];
    const failures: string[] = [];
    for (const m of ordered) {
      try {
        await serverSideApply(m);
      } catch (e) {
        failures.push(`${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    console.log(`[components k8s] applied ${ordered.length} objects: ${[...new Set(ordered.map((m) => m.kind))].join(", ")}`);
  });

  it("the gateway agents of each environment run on different nodes and become Ready", async () => {
    const agents = manifests.filter((m) => m.kind === "Deployment" && m.metadata.name === "vamp-gateway-agent");
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
  });

  it("the PodDisruptionBudget lets one agent go and blocks evicting the second", async () => {
    const pdb = manifests.find((m) => m.kind === "PodDisruptionBudget")!;
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
  });

  it("each agent's ServiceAccount may do what it needs and nothing else", async () => {
    const envs = manifests.filter((m) => m.kind === "Role" && m.metadata.name === "vamp-gateway-agent").map((m) => m.metadata.namespace!);
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
    expect(await canI(wf, { verb: "patch", resource: "deployments", namespace: ns, group: "apps" })).toBe(false);
    expect(await canI(wf, { verb: "list", resource: "secrets", namespace: ns })).toBe(false);
    if (other) {
      // Another environment's secrets and pods are out of reach.
      expect(await canI(gw, { verb: "get", resource: "secrets", namespace: other, name: "vamp-gateway-agent-store" })).toBe(false);
      expect(await canI(wf, { verb: "list", resource: "pods", namespace: other })).toBe(false);
    }
  });
});
