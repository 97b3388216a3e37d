/**
 * A blueprint (a program's arguments or a Vamp document) → the validated {@link Blueprint}:
 * clusters of services (breeds inline or by reference, scales, variables, health checks,
 * dialects), cluster gateways keyed by breed port, SLAs, top-level gateways (`9050: cluster/port`
 * or a full gateway) and `cluster.VAR` environment variables. What can only be checked against
 * breeds given by reference waits for the deployment (`deployment/`).
 */
import { isRef, type Blueprint, type BlueprintGateway, type Breed, type Cluster, type Service } from "../../model/artifact";
import { keyPath, quote, type Problem } from "../../model/problem";
import type { GatewaySpec } from "../../model/spec";
import { Check, given, isObject, type Raw } from "../check";
import { fromVampFields } from "../dialect";
import { validateGateway } from "../gateway";
import { port as parsePort } from "../values";
import { checkBreed, type ArtifactOptions } from "./breed";
import {
  checkArguments,
  checkArtifactName,
  checkDialects,
  checkHealthChecks,
  checkInline,
  checkPartName,
  checkReferenceTargets,
  checkScale,
  checkVariables,
} from "./parts";
import { checkSla } from "./sla";

export const BLUEPRINT_FIELDS = ["name", "kind", "metadata", "gateways", "clusters", "environmentVariables", "dialects"] as const;
const CLUSTER_FIELDS = ["services", "gateways", "sla", "healthChecks", "dialects"] as const;
const SERVICE_FIELDS = ["breed", "scale", "environmentVariables", "arguments", "healthChecks", "dialects"] as const;

/** A cluster while checking: `complete` is false when one of its services failed its own checks. */
type Checked = Cluster & { complete: boolean };

/**
 * @example
 * validateBlueprint({ name: "sava", gateways: { 9050: "sava/web" }, clusters: { sava: { services: [{ breed: "sava:1.0" }] } } }, { source: "blueprint sava" })
 */
export function validateBlueprint(raw: unknown, opts: ArtifactOptions): { blueprint?: Blueprint; problems: Problem[] } {
  const c = new Check(opts.source, opts.dialect ?? "program");
  if (!isObject(raw)) return (c.err("", `a blueprint must be a map with a name and clusters, got ${quote(raw)}`), { problems: c.problems });
  const blueprint = checkBlueprint(raw, c);
  return blueprint && !c.problems.length ? { blueprint, problems: [] } : { problems: c.problems };
}

function checkBlueprint(raw: Raw, c: Check): Blueprint | undefined {
  c.unknownFields(raw, "", BLUEPRINT_FIELDS, "a blueprint", "dialect");
  const name = checkArtifactName(raw.name, "name", c);
  const clusters = checkClusters(raw.clusters, c);
  const gateways = checkGateways(raw.gateways, clusters, c);
  const environmentVariables = checkClusterVariables(c.get(raw, "environmentVariables"), c.at("", "environmentVariables"), clusters, c);
  const dialects = checkDialects(raw.dialects, "dialects", c);
  for (const cl of clusters) checkClusterReferences(cl, clusters, c);
  return name ? { name, clusters: clusters.map(({ complete: _c, ...cl }) => cl), gateways, environmentVariables, dialects } : undefined;
}

function checkClusters(v: unknown, c: Check): Checked[] {
  if (!isObject(v) || !Object.keys(v).length)
    return (c.err("clusters", `must be a map of cluster name → services (at least one cluster), got ${quote(v)}`), []);
  return Object.entries(v).flatMap(([name, body]) => {
    const cl = checkCluster(name, body, `clusters${keyPath(name)}`, c);
    return cl ? [cl] : [];
  });
}

function checkCluster(name: string, body: unknown, path: string, c: Check): Checked | undefined {
  if (checkPartName(name, path, "cluster", c) === undefined) return undefined;
  // Short forms: `cluster: breed-name`, and a cluster that is one service (`breed:` at its top).
  const raw: Raw =
    typeof body === "string"
      ? { services: [{ breed: body }] }
      : isObject(body) && "breed" in body && !("services" in body)
        ? splitShortCluster(body)
        : (body as Raw);
  if (!isObject(raw)) return void c.err(path, `must be a map with services, got ${quote(body)}`);
  c.unknownFields(raw, path, CLUSTER_FIELDS, "a cluster", "dialect");
  const before = c.problems.length;
  const services = checkServices(raw.services, `${path}.services`, c);
  // A service that failed its own checks is missing here: port checks would only echo that.
  const complete = c.problems.length === before;
  const gateways = checkClusterGateways(raw.gateways, `${path}.gateways`, complete ? services : undefined, c);
  const sla = given(raw.sla) ? checkInline(raw.sla, `${path}.sla`, c, "SLA", (s, p) => checkSla(s, p, c)) : undefined;
  const healthChecks = checkHealthChecks(c.get(raw, "healthChecks"), c.at(path, "healthChecks"), c);
  const dialects = checkDialects(raw.dialects, `${path}.dialects`, c);
  return { name, services, gateways, complete, ...(sla ? { sla } : {}), ...(healthChecks ? { healthChecks } : {}), dialects };
}

function splitShortCluster(body: Raw): Raw {
  const cluster: Raw = { services: [{}] };
  for (const [k, v] of Object.entries(body)) {
    if (["gateways", "sla", "dialects"].includes(k)) cluster[k] = v;
    else (cluster.services as Raw[])[0][k] = v;
  }
  return cluster;
}

function checkServices(v: unknown, path: string, c: Check): Service[] {
  const list = Array.isArray(v) ? v : isObject(v) ? [v] : undefined;
  if (!list || !list.length) return (c.err(path, `must be a list of services (at least one), got ${quote(v)}`), []);
  const out: Service[] = [];
  list.forEach((s, i) => {
    const service = checkService(s, `${path}[${i}]`, c);
    if (!service) return;
    const name = breedName(service.breed);
    if (out.some((o) => breedName(o.breed) === name))
      c.err(`${path}[${i}].breed`, `breed ${quote(name)} is already a service of this cluster; each version once`);
    else out.push(service);
  });
  return out;
}

export const breedName = (b: Service["breed"]): string => (isRef(b) ? b.ref : b.name);

function checkService(v: unknown, path: string, c: Check): Service | undefined {
  if (typeof v === "string") v = { breed: v };
  if (!isObject(v)) return void c.err(path, `must be a service { breed, scale, ... } or a breed name, got ${quote(v)}`);
  const n = c.problems.length;
  c.unknownFields(v, path, SERVICE_FIELDS, "a service", "dialect");
  const breed = checkInline(v.breed, `${path}.breed`, c, "breed", (raw, p) => checkBreed(raw, p, c));
  const scale = given(v.scale) ? checkInline(v.scale, `${path}.scale`, c, "scale", (raw, p) => checkScale(raw, p, c)) : undefined;
  const environmentVariables = checkVariables(c.get(v, "environmentVariables"), c.at(path, "environmentVariables"), c);
  const args = checkArguments(v.arguments, `${path}.arguments`, c);
  const healthChecks = checkHealthChecks(c.get(v, "healthChecks"), c.at(path, "healthChecks"), c);
  const dialects = checkDialects(v.dialects, `${path}.dialects`, c);
  if (c.problems.length > n || !breed) return undefined;
  return { breed, ...(scale ? { scale } : {}), environmentVariables, arguments: args, ...(healthChecks ? { healthChecks } : {}), dialects };
}

/** Breed port name → gateway settings; routes keyed by the cluster's breed names. */
function checkClusterGateways(v: unknown, path: string, services: Service[] | undefined, c: Check): Record<string, Partial<GatewaySpec>> {
  if (!given(v) || !services) return {};
  if (!isObject(v)) return (c.err(path, `must be a map of breed port name → gateway, got ${quote(v)}`), {});
  const out: Record<string, Partial<GatewaySpec>> = {};
  const names = services.map((s) => breedName(s.breed));
  for (const [portName, body] of Object.entries(v)) {
    const at = `${path}${keyPath(portName)}`;
    if (checkPartName(portName, at, "port", c) === undefined) continue;
    const known = portNames(services);
    if (known && !known.includes(portName)) c.err(at, `names no port of the cluster's breeds (${known.join(", ") || "none"})`);
    const spec = checkRoutesByBreed(body, at, names, c);
    if (spec) out[portName] = spec;
  }
  return out;
}

/** A cluster gateway's body, checked as a gateway whose route keys are the cluster's breed names. */
function checkRoutesByBreed(body: unknown, path: string, breeds: string[], c: Check): Partial<GatewaySpec> | undefined {
  if (!isObject(body)) return void c.err(path, `must be a gateway { routes, sticky, ... }, got ${quote(body)}`);
  const routes = isObject(body.routes) ? body.routes : {};
  for (const key of Object.keys(routes))
    if (!breeds.includes(key)) c.err(`${path}.routes${keyPath(key)}`, `names no service of this cluster (${breeds.join(", ")})`);
  // The gateway rules (weights, conditions, strengths) with stand-in keys, mapped back after.
  const keys = Object.keys(routes);
  const stand = Object.fromEntries(keys.map((k, i) => [`r${i}`, routes[k]]));
  const { port: _port, routes: _routes, ...rest } = body;
  const r = validateGateway(typed({ ...rest, routes: stand }, c), { source: c.source, name: "cluster-gateway", dialect: c.dialect });
  for (const p of r.problems)
    c.problems.push({ ...p, path: `${path}.${p.path.replace(/^routes\.r(\d+)/, (_m, i: string) => `routes${keyPath(keys[Number(i)])}`)}` });
  return r.problems.length ? undefined : ({ ...rest, routes } as Partial<GatewaySpec>);
}

/** A gateway body in the input's dialect → the typed names the gateway validator reads. */
const typed = (body: Raw, c: Check): Raw => (c.dialect === "vamp" ? fromVampFields(body) : body);

/** `9050: cluster/port` (short) or `"9050/http": { routes: { "cluster/port": {...} } }` (full). */
function checkGateways(v: unknown, clusters: Checked[], c: Check): BlueprintGateway[] {
  if (!given(v)) return [];
  if (!isObject(v)) return (c.err("gateways", `must be a map of port → cluster/port or gateway, got ${quote(v)}`), []);
  const out: BlueprintGateway[] = [];
  for (const [port, body] of Object.entries(v)) {
    const at = `gateways${keyPath(port)}`;
    const p = parsePort(port);
    if (!p.ok) {
      c.err(at, p.reason);
      continue;
    }
    const portText = `${p.value.number}/${p.value.protocol}`;
    if (out.some((g) => g.port === portText)) c.err(at, `port ${portText} is given twice`);
    if (typeof body === "string") {
      if (checkClusterPort(body, at, clusters, c)) out.push({ port: portText, target: body });
    } else {
      const spec = checkFullGateway(body, at, clusters, c);
      if (spec) out.push({ port: portText, spec });
    }
  }
  return out;
}

function checkClusterPort(target: string, path: string, clusters: Checked[], c: Check): boolean {
  const [cluster, port, ...rest] = target.split("/");
  if (!cluster || !port || rest.length) return (c.err(path, `must be cluster/port, got ${quote(target)}`), false);
  const cl = clusters.find((x) => x.name === cluster);
  if (cl && !cl.complete) return true;
  if (!cl) return (c.err(path, `names no cluster of this blueprint (${clusters.map((x) => x.name).join(", ")}), got ${quote(target)}`), false);
  const known = portNames(cl.services);
  if (known && !known.includes(port)) return (c.err(path, `cluster ${cluster} has no port ${quote(port)} (${known.join(", ") || "none"})`), false);
  return true;
}

/** The port names of the services' breeds; undefined when one is a reference (checked at deploy time). */
function portNames(services: Service[]): string[] | undefined {
  const inline = services.map((s) => s.breed).filter((b): b is Breed => !isRef(b));
  return inline.length === services.length ? [...new Set(inline.flatMap((b) => b.ports.map((p) => p.name)))] : undefined;
}

function checkFullGateway(body: unknown, path: string, clusters: Checked[], c: Check): Partial<GatewaySpec> | undefined {
  if (!isObject(body)) return void c.err(path, `must be cluster/port or a gateway { routes, ... }, got ${quote(body)}`);
  const routes = isObject(body.routes) ? body.routes : {};
  for (const key of Object.keys(routes)) checkClusterPort(key, `${path}.routes${keyPath(key)}`, clusters, c);
  const r = validateGateway(typed(body, c), { source: c.source, name: "blueprint-gateway", dialect: c.dialect });
  for (const p of r.problems) c.problems.push({ ...p, path: `${path}.${p.path}` });
  return r.problems.length ? undefined : (body as Partial<GatewaySpec>);
}

/** `cluster.VAR: value` → kept; the cluster must exist. */
function checkClusterVariables(v: unknown, path: string, clusters: Cluster[], c: Check): Record<string, string> {
  if (!given(v)) return {};
  if (!isObject(v)) return (c.err(path, `must be a map of cluster.VAR → value, got ${quote(v)}`), {});
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    const at = `${path}${keyPath(key)}`;
    const [cluster, name] = key.split(/\.(.*)/s);
    if (!name) c.err(at, `must be cluster.VAR (a blueprint's variables are set per cluster), got ${quote(key)}`);
    else if (!clusters.some((x) => x.name === cluster)) c.err(at, `names no cluster of this blueprint (${clusters.map((x) => x.name).join(", ")})`);
    else if (value === null || !["string", "number", "boolean"].includes(typeof value)) c.err(at, `must be a text or a number, got ${quote(value)}`);
    else out[key] = String(value);
  }
  return out;
}

/** References in service variables name clusters of the blueprint. */
function checkClusterReferences(cl: Cluster, clusters: Cluster[], c: Check): void {
  const names = clusters.map((x) => x.name);
  cl.services.forEach((s, i) =>
    checkReferenceTargets(
      s.environmentVariables,
      `clusters${keyPath(cl.name)}.services[${i}].${c.at("", "environmentVariables")}`,
      names,
      "no cluster of this blueprint",
      c,
    ),
  );
}
