/**
 * Kubernetes side of selector discovery (I/O): lists and watches one namespace's pods through
 * `@kubernetes/client-node`. Loaded lazily: the library is ESM-only and large, and only
 * gateways with a selector and a discovery argument need it.
 */
import type * as K8s from "@kubernetes/client-node";
import type { PodLike } from "../record/pods";
import type { WorkloadLike } from "../release/status";

/** Where to discover: a cluster and a namespace. */
export interface KubernetesDiscovery {
  /**
   * A kubeconfig: a file path, or the YAML itself (e.g. a cluster resource's output). Omitted:
   * the in-cluster service account, else `$KUBECONFIG` / `~/.kube/config`.
   */
  kubeconfig?: string;
  /** The namespace to list pods in; default the environment's name (an environment is a namespace). */
  namespace?: string;
}

function k8s(): typeof K8s {
  return require("@kubernetes/client-node") as typeof K8s;
}

/** A KubeConfig from a path, YAML text, or the defaults. */
export function loadKubeConfig(kubeconfig: string | undefined): K8s.KubeConfig {
  const kc = new (k8s().KubeConfig)();
  if (!kubeconfig) kc.loadFromDefault();
  else if (/\n/.test(kubeconfig)) kc.loadFromString(kubeconfig);
  else kc.loadFromFile(kubeconfig);
  return kc;
}

/** The pods of a namespace, now. */
export async function listPods(kc: K8s.KubeConfig, namespace: string): Promise<PodLike[]> {
  const api = kc.makeApiClient(k8s().CoreV1Api);
  const list = await api.listNamespacedPod({ namespace });
  return list.items as PodLike[];
}

/** The `apps/v1` Deployments of a namespace with the labels given (`vamp.io/deployment=shop`). */
export async function listWorkloads(kc: K8s.KubeConfig, namespace: string, labelSelector?: string): Promise<WorkloadLike[]> {
  const api = kc.makeApiClient(k8s().AppsV1Api);
  const list = await api.listNamespacedDeployment({ namespace, labelSelector });
  return list.items as WorkloadLike[];
}

/** A running pod watch. */
export interface PodWatch {
  /** The pods as last seen (the informer's cache). */
  pods(): PodLike[];
  /** False from a watch error until the next successful list: the cache may be stale or empty then. */
  synced(): boolean;
  close(): Promise<void>;
}

/**
 * Watches a namespace's pods (list + watch, re-listing after errors) and calls `onChange` after
 * each change. `onError` hears connection trouble; the watch restarts after `retryMs`.
 */
export async function watchPods(kc: K8s.KubeConfig, namespace: string, onChange: () => void, onError: (e: Error) => void, retryMs = 1000): Promise<PodWatch> {
  const lib = k8s();
  const api = kc.makeApiClient(lib.CoreV1Api);
  const informer = lib.makeInformer<K8s.V1Pod>(kc, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, () => api.listNamespacedPod({ namespace }));
  let closed = false;
  let synced = false;
  for (const ev of [lib.ADD, lib.UPDATE, lib.DELETE] as const) informer.on(ev, () => onChange());
  const restart = () =>
    informer.start().then(
      () => {
        synced = true;
        onChange();
      },
      (e: Error) => {
        onError(e);
        if (!closed) setTimeout(restart, retryMs);
      },
    );
  informer.on(lib.ERROR, (err: unknown) => {
    if (closed) return;
    synced = false;
    onError(err instanceof Error ? err : new Error(String(err)));
    setTimeout(() => {
      if (!closed) void restart();
    }, retryMs);
  });
  await informer.start();
  synced = true;
  return {
    pods: () => informer.list(namespace) as PodLike[],
    synced: () => synced,
    close: async () => {
      closed = true;
      await informer.stop();
    },
  };
}
