/**
 * Kubernetes pods → workload instances for the selector language (pure). Only the fields we
 * read are typed, so this stays testable without a cluster or the client library.
 */
import type { WorkloadInstance } from "../model/selector";

/** The parts of a `v1.Pod` discovery reads. */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: unknown;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
  };
  spec?: { containers?: { image?: string; ports?: { containerPort?: number }[] }[] };
  status?: { podIP?: string; phase?: string; conditions?: { type?: string; status?: string }[] };
}

/** The workload that owns a pod: a ReplicaSet's Deployment (by the pod-template-hash suffix), else the controller, else the pod. */
function owner(pod: PodLike): { kind: string; name: string } {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!ref?.kind || !ref.name) return { kind: "Pod", name: pod.metadata?.name ?? "" };
  const hash = pod.metadata?.labels?.["pod-template-hash"];
  if (ref.kind === "ReplicaSet" && hash && ref.name.endsWith(`-${hash}`)) return { kind: "Deployment", name: ref.name.slice(0, -hash.length - 1) };
  return { kind: ref.kind, name: ref.name };
}

/** Ready and not terminating: only such pods may receive traffic. */
export function podServes(pod: PodLike): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase !== "Running" || !pod.status.podIP) return false;
  return (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * One {@link WorkloadInstance} per pod. Pods that do not serve (not ready, terminating) keep
 * their place but get no IP, so discovery reports them as skipped instead of routing to them.
 *
 * @example
 * podsToInstances(pods).filter((i) => i.ip) // the pods that may take traffic
 */
export function podsToInstances(pods: PodLike[]): WorkloadInstance[] {
  const out: WorkloadInstance[] = pods.map((p) => {
    const o = owner(p);
    const containers = p.spec?.containers ?? [];
    return {
      name: o.name,
      kind: o.kind,
      namespace: p.metadata?.namespace ?? "",
      image: containers[0]?.image ?? "",
      labels: p.metadata?.labels ?? {},
      ip: podServes(p) ? p.status!.podIP! : "",
      ports: [...new Set(containers.flatMap((c) => (c.ports ?? []).map((port) => port.containerPort).filter((n): n is number => typeof n === "number")))],
      index: 0,
      instance: p.metadata?.name ?? "",
    };
  });
  // index(n): the position among the workload's pods, by pod name, so it is stable.
  const byWorkload = new Map<string, WorkloadInstance[]>();
  for (const i of out) byWorkload.set(`${i.kind}/${i.name}`, [...(byWorkload.get(`${i.kind}/${i.name}`) ?? []), i]);
  for (const group of byWorkload.values()) group.sort((a, b) => a.instance.localeCompare(b.instance)).forEach((i, n) => (i.index = n));
  return out;
}
