import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { validateStoreConnection, type StoreConnection } from "@vamp-pulumi/provider";
import { failOn, problem, type Problem } from "../common/errors";
import { DEFAULT_IMAGES, type Images } from "../common/images";
import type { Environment } from "../tenancy/environment";
import { gatewayAgentDeployment, gatewayAgentPdb, gatewayAgentService, workflowAgentDeployment, type EnvironmentWorkloads } from "./manifests";

/** Arguments of {@link ServiceCluster}. */
export interface ServiceClusterArgs {
  /** This cluster's Kubernetes provider (another cluster than the management one, typically). */
  provider: k8s.Provider;
  /** The environments that run here; each was created with this cluster's provider. */
  environments: Environment[];
  /** The key-value store the agents read (the Vault, etcd or ZooKeeper of the management side). */
  store: StoreConnection;
  /** Gateway agents per environment (default 2; fewer is refused). */
  agentReplicas?: number;
  /** Gateway ports the load balancer exposes per environment. */
  gatewayPorts: number[];
  images?: Images;
}

export function validateServiceClusterArgs(
  args: Omit<ServiceClusterArgs, "provider" | "environments"> & { environments: { provider: unknown; name: string }[] },
  provider: unknown,
): Problem[] {
  const out: Problem[] = [...validateStoreConnection(args.store, "store")];
  const replicas = args.agentReplicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 2)
    out.push(
      problem("agentReplicas", args.agentReplicas, "must be at least 2: each environment needs two gateway agents on different nodes to survive losing one"),
    );
  if (!args.gatewayPorts?.length) out.push(problem("gatewayPorts", args.gatewayPorts, "must list at least one gateway port for the load balancer"));
  (args.gatewayPorts ?? []).forEach((p, i) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535 || p === 19100)
      out.push(problem(`gatewayPorts[${i}]`, p, "must be a port 1-65535 other than the agents' health port 19100"));
    if (args.gatewayPorts.indexOf(p) !== i) out.push(problem(`gatewayPorts[${i}]`, p, "is listed twice"));
  });
  args.environments.forEach((e, i) => {
    if (e.provider !== provider)
      out.push(
        problem(`environments[${i}]`, e.name, "was created with another cluster's provider; create the environment with this service cluster's provider"),
      );
  });
  return out;
}

/**
 * A service cluster: per environment, at least two gateway agents with required anti-affinity
 * on the node, a PodDisruptionBudget that lets one go at a time, one load-balanced Service,
 * and one workflow agent.
 *
 * @example
 * new ServiceCluster("eu-1", { provider: eu1, environments: [prod], store, gatewayPorts: [80, 443] });
 */
export class ServiceCluster extends pulumi.ComponentResource {
  /** The load balancer Service per environment namespace. */
  public readonly services: Record<string, k8s.core.v1.Service> = {};

  constructor(name: string, args: ServiceClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:topology:ServiceCluster", name, {}, opts);
    failOn(validateServiceClusterArgs(args, args.provider), "vamp:topology:ServiceCluster", name, this);
    const images = { ...DEFAULT_IMAGES, ...args.images };
    for (const env of args.environments) {
      const w: EnvironmentWorkloads = {
        organization: env.organization,
        environment: env.name,
        namespace: env.namespace,
        store: args.store,
        images,
        replicas: args.agentReplicas ?? 2,
        gatewayPorts: args.gatewayPorts,
        ...(env.search ? { search: { url: env.search.url, ...(env.search.flavor ? { flavor: env.search.flavor } : {}) } } : {}),
        ...(env.events ? { events: { url: env.events.url, ...(env.events.flavor ? { flavor: env.events.flavor } : {}) } } : {}),
      };
      const k = { parent: this, provider: args.provider, dependsOn: [env] };
      const id = `${name}-${env.namespace}`;
      new k8s.apps.v1.Deployment(`${id}-gateway-agent`, gatewayAgentDeployment(w), k);
      new k8s.policy.v1.PodDisruptionBudget(`${id}-gateway-agent`, gatewayAgentPdb(w), k);
      this.services[env.namespace] = new k8s.core.v1.Service(`${id}-gateway-agent`, gatewayAgentService(w), k);
      new k8s.apps.v1.Deployment(`${id}-workflow-agent`, workflowAgentDeployment(w), k);
    }
    this.registerOutputs({});
  }
}
