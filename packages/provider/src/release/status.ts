/**
 * Vamp's status of a service version (intention deploy/undeploy; phase initiated, updating,
 * done, failed with the reason) from its Kubernetes Deployment as the API server reports it.
 * Pure: the Deployment component and `vamp status` read the objects and call this.
 */
import { LABELS } from "./plan";

export interface ServiceStatus {
  deployment: string;
  cluster: string;
  breed: string;
  workload: string;
  intention: "deploy" | "undeploy";
  phase: "initiated" | "updating" | "done" | "failed";
  reason?: string;
}

/** The parts of an `apps/v1` Deployment the status reads. */
export interface WorkloadLike {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: unknown };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

/** The annotation that keeps a version's breed name (labels cannot hold `:`). */
export const BREED_ANNOTATION = "vamp.io/breed";

/**
 * @example
 * versionStatus(await apps.readNamespacedDeployment({ name, namespace })) // { phase: "done", ... }
 */
export function versionStatus(w: WorkloadLike): ServiceStatus {
  const labels = w.metadata?.labels ?? {};
  const base = {
    deployment: labels[LABELS.deployment] ?? "",
    cluster: labels[LABELS.cluster] ?? "",
    breed: w.metadata?.annotations?.[BREED_ANNOTATION] ?? labels[LABELS.version] ?? "",
    workload: w.metadata?.name ?? "",
    intention: (w.metadata?.deletionTimestamp ? "undeploy" : "deploy") as ServiceStatus["intention"],
  };
  const s = w.status;
  if (!s || s.observedGeneration === undefined) return { ...base, phase: "initiated" };
  const failed = s.conditions?.find((c) => (c.type === "Progressing" && c.status === "False") || (c.type === "ReplicaFailure" && c.status === "True"));
  if (failed) return { ...base, phase: "failed", reason: failed.message ?? failed.reason ?? "the rollout failed" };
  const want = w.spec?.replicas ?? 1;
  const done = (s.readyReplicas ?? 0) >= want && (s.updatedReplicas ?? 0) >= want && (s.replicas ?? 0) === want;
  return { ...base, phase: done ? "done" : "updating" };
}
