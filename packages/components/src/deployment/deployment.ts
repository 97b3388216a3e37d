/**
 * A Vamp deployment: a blueprint running in an environment. Each service version becomes a
 * Kubernetes Deployment labelled with app, version, deployment and cluster; each cluster port an
 * internal gateway `deployment/cluster/port` whose routes are the versions its selector finds (a
 * version added later starts at weight 0: a merge); each blueprint gateway an external gateway
 * `deployment/port`; each cluster a Service in front of the environment's gateway agents, so
 * dependencies reach each other through the internal gateways; each cluster's SLA a record the
 * environment's workflow agent keeps (scaling the cluster's workloads). The blueprint is validated,
 * resolved against the catalog and planned when the program runs, so `pulumi preview` fails on a
 * mistake, naming it, before anything changes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import {
  ArtifactEvents,
  dnsName,
  Gateway,
  joinPath,
  planDeployment,
  readArtifacts,
  resolveBlueprint,
  slaKey,
  StoreEntry,
  validateBlueprint,
  versionStatus,
  workloadManifest,
  type ArtifactCatalog,
  type Blueprint,
  type DeploymentPlan,
  type EventsArgs,
  type PlanOptions,
  type Problem,
  type ServiceStatus,
  type StoreConnection,
  type StoreCredentialsArgs,
} from "@vamp-pulumi/provider";
import { dnsLabel, failOn } from "../common/errors";
import { gatewayAgentSelector } from "../service-cluster/manifests";

/** Where the deployment runs: an {@link Environment} has all of these. */
export interface DeploymentEnvironment {
  organization: string;
  name: string;
  namespace: string;
  provider: k8s.Provider;
}

export interface DeploymentArgs {
  /** The deployment's name (a DNS label; it prefixes gateway and workload names). Default: the resource name. */
  name?: string;
  /** A blueprint as a program writes it (`{ name, clusters: { web: { services: [...] } }, gateways }`), or one read by {@link Deployment.fromYaml}. */
  blueprint: Record<string, unknown> | Blueprint;
  /** The breeds, scales, SLAs and escalations the blueprint names. */
  catalog?: Partial<ArtifactCatalog>;
  environment: DeploymentEnvironment;
  /** The key-value store the environment's gateway agents read. */
  store: pulumi.Input<StoreConnection>;
  credentials?: pulumi.Input<StoreCredentialsArgs>;
  /**
   * Where services reach their dependencies' internal gateways. Default: the cluster's Service in
   * front of the environment's gateway agents (`<deployment>-<cluster>.<namespace>.svc`).
   */
  gatewayHost?: string;
  /** Ports of the internal gateways (default: stable ones from 40000-45000). */
  internalPorts?: PlanOptions["internalPorts"];
  /** How the gateways find the versions' pods at `up` (the reconciler follows them afterwards). */
  discovery?: pulumi.Input<{ kubeconfig?: pulumi.Input<string> }>;
  /** The management region's search cluster: the deployment's and its gateways' changes leave Vamp events there (default: none). */
  events?: pulumi.Input<EventsArgs>;
}

/** The blueprint of the arguments, validated, resolved and planned; problems at `blueprint.…`. */
export function planOf(name: string, args: DeploymentArgs): { plan?: DeploymentPlan; problems: Problem[] } {
  const deployment = args.name ?? name;
  const nameProblems = dnsLabel("name", deployment);
  const fail = (problems: Problem[]) => ({ problems: [...nameProblems, ...problems.map((p) => ({ ...p, source: "", path: joinPath("blueprint", p.path) }))] });
  const bp = args.blueprint as Blueprint;
  const validated = Array.isArray(bp.clusters) ? { blueprint: bp, problems: [] } : validateBlueprint(args.blueprint, { source: "" });
  if (!validated.blueprint) return fail(validated.problems);
  const catalog: ArtifactCatalog = { breeds: [], scales: [], slas: [], escalations: [], ...args.catalog };
  const resolved = resolveBlueprint(validated.blueprint, catalog, "");
  if (!resolved.blueprint) return fail(resolved.problems);
  const { environment, gatewayHost, internalPorts } = args;
  const planned = planDeployment(resolved.blueprint, { deployment, namespace: environment.namespace, gatewayHost, internalPorts });
  return { ...fail(planned.problems), plan: planned.plan };
}

/**
 * @example
 * const shop = new Deployment("shop", {
 *   environment: prod,                       // an Environment
 *   store: { kind: "etcd", endpoints: ["http://etcd.vamp:2379"] },
 *   blueprint: { name: "shop:1", gateways: { 9050: "web/http" }, clusters: { web: { services: [{ breed: "web:1", scale: { cpu: 0.2, memory: "128Mi", instances: 2 } }] } } },
 *   catalog: { breeds: [{ name: "web:1", deployable: { type: "container/docker", definition: "shop/web:1" }, ports: [{ name: "http", number: 8080, protocol: "http" }], environmentVariables: [], constants: [], arguments: [], dependencies: {} }] },
 * });
 * export const services = shop.services;   // [{ deployment: "shop", cluster: "web", breed: "web:1", intention: "deploy", phase: "done", ... }]
 */
export class Deployment extends pulumi.ComponentResource {
  /** The deployment's name. */
  public readonly deploymentName: string;
  /** The plan it deployed: workloads, gateways, endpoints. */
  public readonly plan: DeploymentPlan;
  /** Each version's status: intention and phase (initiated, updating, done, failed with the reason). */
  public readonly services: pulumi.Output<ServiceStatus[]>;
  /** The gateways by name (internal `deployment/cluster/port`, external `deployment/port`). */
  public readonly gateways: Record<string, Gateway>;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:release:Deployment", name, {}, opts);
    const { plan, problems } = planOf(name, args);
    failOn(problems, "vamp:release:Deployment", name, this);
    this.plan = plan!;
    this.deploymentName = args.name ?? name;
    const env = args.environment;
    const k = { parent: this, provider: env.provider };
    const workloads = this.plan.services.map(
      (s) => new k8s.apps.v1.Deployment(`${name}-${s.cluster}-${s.version}`, workloadManifest(s, env.namespace) as k8s.apps.v1.DeploymentArgs, k),
    );
    for (const [cluster, ep] of Object.entries(this.plan.endpoints)) {
      const ports = Object.entries(ep.ports).map(([portName, port]) => ({ name: portName.toLowerCase().slice(0, 15), port, targetPort: port }));
      const metadata = { name: dnsName(this.deploymentName, cluster), namespace: env.namespace };
      new k8s.core.v1.Service(
        `${name}-${cluster}`,
        { metadata, spec: { selector: gatewayAgentSelector({ organization: env.organization, environment: env.name }), ports } },
        k,
      );
    }
    this.gateways = {};
    const common = {
      store: args.store,
      credentials: args.credentials,
      organization: env.organization,
      environment: env.name,
      deployment: this.deploymentName,
      events: args.events,
    };
    if (args.events)
      new ArtifactEvents(
        `${name}-events`,
        {
          kind: "deployments",
          artifactName: this.deploymentName,
          organization: env.organization,
          environment: env.name,
          content: args.blueprint,
          events: args.events,
        },
        { parent: this },
      );
    const discovery = args.discovery ? pulumi.output(args.discovery).apply((d) => ({ ...d, namespace: env.namespace })) : undefined;
    // Internal gateways discover the versions' pods once they run; external ones lead to them.
    const gateway = (g: DeploymentPlan["gateways"][number], extra: object, dependsOn: pulumi.Resource[]) =>
      (this.gateways[g.name] = new Gateway(
        `${name}-${g.name.split("/").slice(1).join("-")}`,
        { ...common, ...g.spec, gatewayName: g.name, ...extra },
        { parent: this, dependsOn },
      ));
    for (const g of this.plan.gateways.filter((x) => x.cluster)) gateway(g, { discovery }, workloads);
    for (const g of this.plan.gateways.filter((x) => !x.cluster)) gateway(g, {}, Object.values(this.gateways));
    this.writeSlas(name, args);
    this.services = pulumi
      .all(workloads.map((w) => pulumi.all([w.metadata, w.spec, w.status])))
      .apply((objs) => objs.map(([metadata, spec, status]) => versionStatus({ metadata, spec, status })));
    this.registerOutputs({ services: this.services });
  }

  /** The clusters' SLAs, for the environment's workflow agent to keep (docs/canary.md). */
  private writeSlas(name: string, args: DeploymentArgs): void {
    const tenant = { organization: args.environment.organization, environment: args.environment.name };
    for (const sla of this.plan.slas) {
      const key = slaKey(tenant, this.deploymentName, sla.cluster);
      new StoreEntry(`${name}-sla-${sla.cluster}`, { store: args.store, credentials: args.credentials, key, value: JSON.stringify(sla) }, { parent: this });
    }
  }

  /**
   * A deployment of a blueprint from a file of Vamp documents, as it is; the file's breeds,
   * scales, SLAs and escalations are the catalog (with `args.catalog` added).
   *
   * @example
   * const sava = Deployment.fromYaml("sava", "examples/blueprints/sava.yaml", { environment: dev, store });
   */
  static fromYaml(
    name: string,
    file: string,
    args: Omit<DeploymentArgs, "blueprint"> & { blueprint?: string },
    opts?: pulumi.ComponentResourceOptions,
  ): Deployment {
    const r = readArtifacts([{ text: fs.readFileSync(file, "utf8"), file }]);
    const bp = args.blueprint ? r.catalog.blueprints.find((b) => b.name === args.blueprint) : r.catalog.blueprints[0];
    const problems = [...r.problems];
    if (!bp)
      problems.push({ source: file, path: "", message: args.blueprint ? `has no blueprint named ${JSON.stringify(args.blueprint)}` : "has no blueprint" });
    failOn(problems, "vamp:release:Deployment", name);
    const catalog: ArtifactCatalog = {
      breeds: [...r.catalog.breeds, ...(args.catalog?.breeds ?? [])],
      scales: [...r.catalog.scales, ...(args.catalog?.scales ?? [])],
      slas: [...r.catalog.slas, ...(args.catalog?.slas ?? [])],
      escalations: [...r.catalog.escalations, ...(args.catalog?.escalations ?? [])],
    };
    return new Deployment(name, { ...args, blueprint: bp!, catalog }, opts);
  }
}
