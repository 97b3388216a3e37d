/**
 * Test set-up on the test bed's Kubernetes API (namespaces, pods, server-side apply, access
 * reviews), through the test bed's own small client (testbed/services/kube-api.ts). Test-side
 * only: the product talks to Kubernetes through @kubernetes/client-node.
 */
import { kube, NODES } from "../../testbed/services/kube-api";
import { testbedEnv } from "./testbed";

export { kube };

/** The kwok node whose pods get addresses in 127.0.0.0/24 (the test bed creates it at start). */
export async function ensureLoopbackNode(): Promise<string> {
  testbedEnv();
  const name = NODES[0].name;
  if (!(await kube("GET", `/api/v1/nodes/${name}`, undefined, { tolerate404: true })))
    throw new Error(`the test cluster has no node ${name}: restart it (testbed.sh restart kubernetes)`);
  return name;
}

export interface PodStatus {
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

/** Creates a pod on a node and waits until it is Ready; returns its IP. */
export async function runPod(namespace: string, name: string, labels: Record<string, string>, port: number, node: string): Promise<string> {
  await kube("POST", `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { nodeName: node, containers: [{ name: "app", image: `shop:${labels.version ?? "x"}`, ports: [{ containerPort: port }] }] },
  });
  const t0 = Date.now();
  for (;;) {
    const p = await kube<PodStatus>("GET", `/api/v1/namespaces/${namespace}/pods/${name}`);
    const ready = p?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (ready && p?.status?.podIP) return p.status.podIP;
    if (Date.now() - t0 > 20_000) throw new Error(`pod ${namespace}/${name} not Ready within 20 s: ${JSON.stringify(p?.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deletes a pod at once (kwok has no kubelet to wait for). */
export async function deletePod(namespace: string, name: string): Promise<void> {
  await kube("DELETE", `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`, undefined, { tolerate404: true });
}

export async function createNamespace(name: string): Promise<void> {
  await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

export async function deleteNamespace(name: string): Promise<void> {
  await kube("DELETE", `/api/v1/namespaces/${name}`, undefined, { tolerate404: true });
}

/** Where each kind of ours lives in the API. */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: "namespaces", namespaced: false },
  Node: { plural: "nodes", namespaced: false },
  ServiceAccount: { plural: "serviceaccounts", namespaced: true },
  Secret: { plural: "secrets", namespaced: true },
  ConfigMap: { plural: "configmaps", namespaced: true },
  Service: { plural: "services", namespaced: true },
  Role: { plural: "roles", namespaced: true },
  RoleBinding: { plural: "rolebindings", namespaced: true },
  ClusterRole: { plural: "clusterroles", namespaced: false },
  ClusterRoleBinding: { plural: "clusterrolebindings", namespaced: false },
  Deployment: { plural: "deployments", namespaced: true },
  StatefulSet: { plural: "statefulsets", namespaced: true },
  PodDisruptionBudget: { plural: "poddisruptionbudgets", namespaced: true },
};

/** The API path of an object. */
export function objectPath(m: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  const r = RESOURCES[m.kind];
  if (!r) throw new Error(`no API path known for kind ${m.kind}`);
  const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  return `${base}${r.namespaced ? `/namespaces/${m.metadata.namespace ?? "default"}` : ""}/${r.plural}/${m.metadata.name}`;
}

/** Server-side apply of one manifest (the API server validates and defaults it as it would any client's). */
export async function serverSideApply(manifest: Record<string, unknown>, fieldManager = "vamp-e2e"): Promise<Record<string, unknown>> {
  const path = `${objectPath(manifest as never)}?fieldManager=${fieldManager}&force=true`;
  return (await kube("PATCH", path, manifest, { contentType: "application/apply-patch+yaml" }))!;
}

/** A SubjectAccessReview: may this ServiceAccount do this? */
export async function canI(
  serviceAccount: { namespace: string; name: string },
  attrs: { verb: string; resource: string; namespace: string; name?: string; group?: string },
): Promise<boolean> {
  const res = await kube<{ status: { allowed: boolean } }>("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${serviceAccount.namespace}`, "system:authenticated"],
      resourceAttributes: { verb: attrs.verb, resource: attrs.resource, namespace: attrs.namespace, name: attrs.name, group: attrs.group ?? "" },
    },
  });
  return res!.status.allowed;
}

/** Evicts a pod through the Eviction API; resolves to the HTTP outcome. */
export async function evict(namespace: string, pod: string): Promise<"evicted" | "blocked"> {
  try {
    await kube("POST", `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`, {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: pod, namespace },
    });
    return "evicted";
  } catch (e) {
    if (/HTTP 429/.test((e as Error).message)) return "blocked";
    throw e;
  }
}
