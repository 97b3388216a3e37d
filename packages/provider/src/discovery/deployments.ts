import { VampError } from "../model/problem";
import { LABELS } from "../release/plan";
import { versionStatus, type ServiceStatus } from "../release/status";
import { listWorkloads, loadKubeConfig } from "./kubernetes";

/**
 * Each service version of the deployments in a namespace, as the Kubernetes API says (intention,
 * phase, reason), by deployment, cluster and breed.
 *
 * @example
 * await deploymentStatuses("acme-dev") // [{ deployment: "sava", cluster: "frontend", breed: "sava-frontend:1.0.0", phase: "done", ... }]
 */
export async function deploymentStatuses(namespace: string, deployment?: string, kubeconfig?: string): Promise<ServiceStatus[]> {
  const selector = deployment ? `${LABELS.deployment}=${deployment}` : LABELS.deployment;
  let workloads;
  try {
    workloads = await listWorkloads(loadKubeConfig(kubeconfig), namespace, selector);
  } catch (e) {
    throw new VampError("unavailable", `cannot list the deployments of namespace ${namespace}: ${(e as Error).message.split("\n")[0]}`);
  }
  return workloads.map(versionStatus).sort((a, b) => `${a.deployment}/${a.cluster}/${a.breed}`.localeCompare(`${b.deployment}/${b.cluster}/${b.breed}`));
}
