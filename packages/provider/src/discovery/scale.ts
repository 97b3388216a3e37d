/**
 * The SLA's hands in Kubernetes (I/O): a cluster's workloads (its `apps/v1` Deployments, by
 * label) with their scale, and one JSON patch per change (replicas, or the first container's cpu
 * or memory, requests and limits alike, as the Deployment component writes them).
 */
import type * as K8s from "@kubernetes/client-node";
import { workloadScale, quantity, type ScalableWorkload } from "../sla/quantity";
import type { ClusterScale, ScaleChange } from "../sla/escalate";

function k8s(): typeof K8s {
  return require("@kubernetes/client-node") as typeof K8s;
}

/** The workloads matching `labelSelector`, each with its scale. */
export async function workloadScales(kc: K8s.KubeConfig, namespace: string, labelSelector: string): Promise<{ name: string; scale: ClusterScale }[]> {
  const api = kc.makeApiClient(k8s().AppsV1Api);
  const list = await api.listNamespacedDeployment({ namespace, labelSelector });
  return (list.items as ScalableWorkload[]).map((w) => ({ name: w.metadata?.name ?? "", scale: workloadScale(w) }));
}

/**
 * Applies one change to a workload.
 *
 * @example
 * await applyScale(kc, "acme-prod", "shop-web-v1", { cluster: "web", field: "instances", from: 2, to: 3 });
 */
export async function applyScale(kc: K8s.KubeConfig, namespace: string, name: string, change: ScaleChange): Promise<void> {
  const c = k8s();
  const api = kc.makeApiClient(c.AppsV1Api);
  const res = "/spec/template/spec/containers/0/resources";
  const body =
    change.field === "instances"
      ? [{ op: "replace", path: "/spec/replicas", value: change.to }]
      : (["requests", "limits"] as const).map((k) => ({
          op: "add",
          path: `${res}/${k}/${change.field}`,
          value: quantity(change.field as "cpu" | "memory", change.to),
        }));
  await api.patchNamespacedDeployment({ name, namespace, body }, c.setHeaderOptions("Content-Type", c.PatchStrategy.JsonPatch));
}
