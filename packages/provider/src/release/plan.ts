/**
 * A resolved blueprint → what runs: one workload per service version (labelled with app,
 * version, deployment and cluster), one internal gateway per cluster port
 * (`deployment/cluster/port`, whose routes are the versions its selector discovers: a new
 * version starts at weight 0), the blueprint's external gateways, and every value reference
 * (`$cluster.host`, `$cluster.ports.<name>`, ...) resolved to the address of a dependency's
 * internal gateway. Pure: the Deployment component turns the plan into resources.
 */
import type { BreedPort, Dialects, HealthCheck } from "../model/artifact";
import { keyPath, quote, type Problem } from "../model/problem";
import { SLA_API_VERSION, type SlaRecord } from "../model/sla";
import type { GatewaySpec, RouteSpec } from "../model/spec";
import { parseValue, referenceText, type ValueReference } from "../validation/artifact/references";
import type { ResolvedBlueprint, ResolvedCluster, ResolvedService } from "./resolve";

/** The labels a workload of a deployment carries (and the internal gateways select on). */
export const LABELS = { app: "app.kubernetes.io/name", version: "vamp.io/version", deployment: "vamp.io/deployment", cluster: "vamp.io/cluster" } as const;

export interface PlanOptions {
  /** The deployment's name (a DNS label); it prefixes gateway and workload names. */
  deployment: string;
  /** The environment's namespace. */
  namespace: string;
  /**
   * The host services reach their dependencies' internal gateways at. Default: the cluster's
   * Service in front of the environment's gateway agents, `<deployment>-<cluster>.<namespace>.svc`.
   */
  gatewayHost?: string;
  /** Ports of the internal gateways: fixed ones by gateway name, the others from the range (default 40000-45000). */
  internalPorts?: { from?: number; to?: number; fixed?: Record<string, number> };
}

export interface ServicePlan {
  cluster: string;
  breed: string;
  /** The `vamp.io/version` label: the breed name as a label value. */
  version: string;
  /** The workload's name: `<deployment>-<cluster>-<version>` as a DNS name. */
  name: string;
  image: string;
  labels: Record<string, string>;
  ports: BreedPort[];
  env: { name: string; value: string }[];
  args: string[];
  replicas: number;
  cpu: number;
  memory: number;
  healthChecks: HealthCheck[];
  /** Blueprint, then cluster, then service dialects, merged (the later wins). */
  dialects: Dialects;
}

export interface GatewayPlan {
  name: string;
  spec: GatewaySpec;
  /** Internal gateways (`deployment/cluster/port`) belong to a cluster port. */
  cluster?: string;
  portName?: string;
}

export interface DeploymentPlan {
  services: ServicePlan[];
  gateways: GatewayPlan[];
  /** Where each cluster's ports are reached: the `$cluster.host` / `$cluster.ports.<name>` values. */
  endpoints: Record<string, { host: string; ports: Record<string, number> }>;
  /** The clusters' SLAs as the workflow agent reads them: over the cluster's internal gateways, scaling its workloads. */
  slas: SlaRecord[];
}

/** `sava:1.0.0` → `sava_1.0.0`: a Kubernetes label value (63 characters, alphanumeric at both ends). */
export function labelValue(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "x"
  );
}

/** A DNS-1123 name from parts (lower case, `-` for anything else, at most 63). */
export function dnsName(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * @example
 * const { plan, problems } = planDeployment(resolved, { deployment: "shop", namespace: "acme-dev" });
 * plan.gateways.map((g) => g.name) // ["shop/frontend/web", "shop/backend/api", "shop/9050"]
 */
export function planDeployment(bp: ResolvedBlueprint, opts: PlanOptions): { plan?: DeploymentPlan; problems: Problem[] } {
  const source = `deployment ${opts.deployment}`;
  const problems: Problem[] = [];
  const internal = internalGateways(bp, opts, problems, source);
  const endpoints: DeploymentPlan["endpoints"] = {};
  for (const g of internal) {
    const host = opts.gatewayHost ?? `${dnsName(opts.deployment, g.cluster!)}.${opts.namespace}.svc`;
    endpoints[g.cluster!] ??= { host, ports: {} };
    endpoints[g.cluster!].ports[g.portName!] = Number(String(g.spec.port).split("/")[0]);
  }
  const services = bp.clusters.flatMap((cl) => cl.services.map((s, i) => servicePlan(bp, cl, s, i, endpoints, opts, problems, source)));
  const external = bp.gateways.map((g) => externalGateway(g, opts.deployment));
  checkUniqueNames(services, problems, source);
  const slas = bp.clusters.flatMap((cl) => (cl.sla ? [slaRecord(cl, cl.sla, internal, opts)] : []));
  return problems.length ? { problems } : { plan: { services, gateways: [...internal, ...external], endpoints, slas }, problems };
}

function slaRecord(cl: ResolvedCluster, sla: SlaRecord["sla"], internal: GatewayPlan[], opts: PlanOptions): SlaRecord {
  const gateways = internal.filter((g) => g.cluster === cl.name).map((g) => g.name);
  return { apiVersion: SLA_API_VERSION, kind: "Sla", deployment: opts.deployment, cluster: cl.name, namespace: opts.namespace, gateways, sla };
}

function internalGateways(bp: ResolvedBlueprint, opts: PlanOptions, problems: Problem[], source: string): GatewayPlan[] {
  const from = opts.internalPorts?.from ?? 40000;
  const to = opts.internalPorts?.to ?? 45000;
  const used = new Set(Object.values(opts.internalPorts?.fixed ?? {}));
  const out: GatewayPlan[] = [];
  for (const cl of bp.clusters) {
    const ports = new Map<string, BreedPort[]>();
    for (const s of cl.services) for (const p of s.breed.ports) ports.set(p.name, [...(ports.get(p.name) ?? []), p]);
    for (const [portName, list] of ports) {
      const name = `${opts.deployment}/${cl.name}/${portName}`;
      const numbers = [...new Set(list.map((p) => p.number))];
      const protocols = [...new Set(list.map((p) => p.protocol))];
      if (numbers.length > 1 || protocols.length > 1) {
        problems.push({
          source,
          path: `clusters${keyPath(cl.name)}`,
          message: `the breeds of cluster ${cl.name} give port ${portName} different numbers or protocols (${list.map((p) => `${p.number}/${p.protocol}`).join(", ")}); one gateway routes to all versions, so they must agree`,
        });
        continue;
      }
      const listen = opts.internalPorts?.fixed?.[name] ?? allocate(name, from, to, used);
      used.add(listen);
      out.push({ name, cluster: cl.name, portName, spec: internalSpec(cl, portName, { listen, target: numbers[0], protocol: protocols[0] }, opts.deployment) });
    }
  }
  return out;
}

/** A stable port for a gateway name: its hash in the range, then the next free one. */
function allocate(name: string, from: number, to: number, used: Set<number>): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const size = to - from + 1;
  for (let i = 0; i < size; i++) {
    const p = from + ((h + i) % size);
    if (!used.has(p)) return p;
  }
  return from;
}

/** The gateway listens on `listen` and routes to the versions' `target` port. */
function internalSpec(cl: ResolvedCluster, portName: string, port: { listen: number; target: number; protocol: string }, deployment: string): GatewaySpec {
  const declared = cl.gateways[portName] ?? {};
  const given = declared.routes ?? {};
  // Every version is declared, so a merge or a slice changes the gateway (and `up` rediscovers
  // its pods). Undeclared versions: the first (the oldest in the blueprint) takes what the others
  // leave, each later one starts at 0 — a merged version gets traffic only when stepped up.
  const weighted = Object.values(given).some((r) => r.weight !== undefined);
  const routes: Record<string, RouteSpec> = {};
  cl.services.forEach((s, i) => {
    if (!s.breed.ports.some((p) => p.name === portName)) return;
    routes[`(${labelValue(s.breed.name)})`] = given[s.breed.name] ?? (i === 0 && !weighted ? {} : { weight: 0 });
  });
  const selector = [
    `label(${LABELS.deployment})(${escapeRegex(deployment)})`,
    `label(${LABELS.cluster})(${escapeRegex(cl.name)})`,
    `label(${LABELS.version})((.*))`,
    `port(${port.target})`,
  ].join(" && ");
  return { ...declared, port: `${port.listen}/${port.protocol}`, selector, routes };
}

function externalGateway(g: ResolvedBlueprint["gateways"][number], deployment: string): GatewayPlan {
  const name = `${deployment}/${g.port.split("/")[0]}`;
  if (g.target) return { name, spec: { port: g.port, routes: { [`${deployment}/${g.target}`]: { weight: 100 } } } };
  const routes = Object.fromEntries(Object.entries(g.spec!.routes ?? {}).map(([k, r]) => [`${deployment}/${k}`, r]));
  return { name, spec: { ...g.spec, port: g.port, routes } };
}

type Endpoints = DeploymentPlan["endpoints"];

function servicePlan(
  bp: ResolvedBlueprint,
  cl: ResolvedCluster,
  s: ResolvedService,
  i: number,
  endpoints: Endpoints,
  opts: PlanOptions,
  problems: Problem[],
  source: string,
): ServicePlan {
  const at = `clusters${keyPath(cl.name)}.services[${i}]`;
  if (s.breed.deployable.type !== "container/docker")
    problems.push({
      source,
      path: `${at}.breed.deployable`,
      message: `a service runs as a container: breed ${quote(s.breed.name)} is ${quote(s.breed.deployable.type)} (script breeds are for workflows)`,
    });
  const version = labelValue(s.breed.name);
  const labels = { [LABELS.app]: labelValue(cl.name), [LABELS.version]: version, [LABELS.deployment]: opts.deployment, [LABELS.cluster]: labelValue(cl.name) };
  const ctx: ValueContext = { bp, endpoints, problems, source };
  const env = new Map<string, { value: string; path: string; alias: (a: string) => string }>();
  const byBreed = (a: string) => cl.dependencies[a] ?? a;
  for (const v of s.breed.environmentVariables)
    if (v.value !== undefined) env.set(v.alias ?? v.name, { value: v.value, path: `${at}.breed.environmentVariables.${v.name}`, alias: byBreed });
  for (const [key, value] of Object.entries(bp.environmentVariables))
    if (key.startsWith(`${cl.name}.`))
      env.set(nameSeen(s, key.slice(cl.name.length + 1)), { value, path: `environmentVariables${keyPath(key)}`, alias: (a) => a });
  for (const v of s.environmentVariables)
    if (v.value !== undefined) env.set(nameSeen(s, v.name), { value: v.value, path: `${at}.environmentVariables.${v.name}`, alias: (a) => a });
  return {
    cluster: cl.name,
    breed: s.breed.name,
    version,
    name: dnsName(opts.deployment, cl.name, version),
    image: s.breed.deployable.definition,
    labels,
    ports: s.breed.ports,
    env: [...env].map(([name, e]) => ({ name, value: resolveValue(e.value, e.path, e.alias, ctx, 0) })),
    args: s.arguments.length ? s.arguments.map((a) => `--${a.name}=${a.value}`) : s.breed.arguments.map((a) => `--${a.name}=${a.value}`),
    replicas: s.scale.instances,
    cpu: s.scale.cpu,
    memory: s.scale.memory,
    healthChecks: s.healthChecks ?? cl.healthChecks ?? s.breed.healthChecks ?? [],
    dialects: mergeDialects(bp.dialects, cl.dialects, s.dialects),
  };
}

/** The name the container sees for a breed variable set from outside (its alias, when it has one). */
function nameSeen(s: ResolvedService, name: string): string {
  const v = s.breed.environmentVariables.find((x) => x.name === name || x.alias === name);
  return v?.alias ?? name;
}

interface ValueContext {
  bp: ResolvedBlueprint;
  endpoints: Endpoints;
  problems: Problem[];
  source: string;
}

/** A value with its references replaced; `alias` maps a reference's target to a cluster name. */
function resolveValue(value: string, path: string, alias: (a: string) => string, ctx: ValueContext, depth: number): string {
  const p = parseValue(value);
  if (!p.ok) return (ctx.problems.push({ source: ctx.source, path, message: `${p.reason}, got ${quote(value)}` }), value);
  return p.parts.map((part) => (typeof part === "string" ? part : (lookup(part, alias(part.target), path, ctx, depth) ?? ""))).join("");
}

function lookup(r: ValueReference, cluster: string, path: string, ctx: ValueContext, depth: number): string | undefined {
  const fail = (why: string) => void ctx.problems.push({ source: ctx.source, path, message: `${referenceText(r)} cannot be resolved: ${why}` });
  const cl = ctx.bp.clusters.find((c) => c.name === cluster);
  if (!cl) return fail(`no cluster ${quote(cluster)} in the blueprint`);
  const ep = ctx.endpoints[cluster];
  if (r.field === "host") return ep ? ep.host : fail(`cluster ${cluster} has no ports, so no gateway`);
  if (r.field === "ports")
    return ep?.ports[r.name] !== undefined
      ? String(ep.ports[r.name])
      : fail(`cluster ${cluster} has no port ${quote(r.name)} (${Object.keys(ep?.ports ?? {}).join(", ") || "none"})`);
  const breed = cl.services[0].breed;
  const list = r.field === "constants" ? breed.constants : breed.environmentVariables;
  const v = list.find((x) => x.name === r.name || x.alias === r.name);
  const fromBlueprint = r.field === "environment_variables" ? ctx.bp.environmentVariables[`${cluster}.${r.name}`] : undefined;
  const value = fromBlueprint ?? v?.value;
  if (value === undefined)
    return fail(`cluster ${cluster} (breed ${breed.name}) has no ${r.field === "constants" ? "constant" : "value for variable"} ${quote(r.name)}`);
  if (depth >= 3) return fail("references chain more than three deep");
  return resolveValue(value, path, (a) => cl.dependencies[a] ?? a, ctx, depth + 1);
}

function mergeDialects(...layers: Dialects[]): Dialects {
  const out: Dialects = {};
  for (const layer of layers) for (const [name, d] of Object.entries(layer)) out[name] = { ...(out[name] ?? {}), ...d };
  return out;
}

/** Two versions whose names collapse to the same label or workload name would share pods: refused. */
function checkUniqueNames(services: ServicePlan[], problems: Problem[], source: string): void {
  const seen = new Map<string, string>();
  for (const s of services) {
    const other = seen.get(s.name);
    if (other)
      problems.push({
        source,
        path: `clusters${keyPath(s.cluster)}`,
        message: `breeds ${quote(other)} and ${quote(s.breed)} both become workload ${s.name}; rename one`,
      });
    seen.set(s.name, s.breed);
  }
}
