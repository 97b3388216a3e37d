/**
 * A blueprint against a catalog, at deploy time: every reference (breed, scale, SLA, escalation)
 * replaced by its artifact, every breed dependency matched to the cluster that runs it, and
 * every variable that must be supplied (`~`) supplied. What cannot be resolved is a problem
 * naming the artifact and where it was referenced, so `pulumi preview` fails before anything
 * changes.
 */
import type { ArtifactCatalog, Blueprint, Breed, Cluster, Escalation, Inline, Scale, Service, Sla } from "../model/artifact";
import { inlineBreeds, isRef } from "../model/artifact";
import { keyPath, quote, type Problem } from "../model/problem";

/** A service with everything it referred to in place. */
export interface ResolvedService extends Omit<Service, "breed" | "scale"> {
  breed: Breed & { dependencies: Record<string, Breed> };
  scale: Scale;
}

export interface ResolvedCluster extends Omit<Cluster, "services" | "sla"> {
  services: ResolvedService[];
  sla?: Sla & { escalations: Escalation[] };
  /** dependency alias (of any of its breeds) → the cluster that runs that breed. */
  dependencies: Record<string, string>;
}

export interface ResolvedBlueprint extends Omit<Blueprint, "clusters"> {
  clusters: ResolvedCluster[];
}

/** One instance of 0.5 core and 256 MiB when a service gives no scale (Vamp's default scale). */
export const DEFAULT_SCALE: Scale = { cpu: 0.5, memory: 256, instances: 1 };

/**
 * @example
 * const { blueprint, problems } = resolveBlueprint(bp, { breeds, scales, slas, escalations });
 */
export function resolveBlueprint(
  bp: Blueprint,
  catalog: ArtifactCatalog,
  source = `blueprint ${bp.name}`,
): { blueprint?: ResolvedBlueprint; problems: Problem[] } {
  const problems: Problem[] = [];
  // Breeds given inline anywhere in the blueprint may be named elsewhere in it (a dependency).
  catalog = { ...catalog, breeds: [...catalog.breeds, ...inlineBreeds(bp.clusters.flatMap((cl) => cl.services.map((s) => s.breed)))] };
  const missing = (kind: string, name: string, path: string) =>
    problems.push({ source, path, message: `${kind} ${quote(name)} is not defined: give it with the deployment's ${kind}s, or inline it` });
  const find = <T extends { name?: string }>(list: T[], v: Inline<T> | undefined, kind: string, path: string): T | undefined => {
    if (!v) return undefined;
    if (!isRef(v)) return v as T;
    const hit = list.find((x) => x.name === v.ref);
    return hit ?? void missing(kind, v.ref, path);
  };
  const breed = (v: Inline<Breed>, path: string, seen: string[]): ResolvedService["breed"] | undefined => {
    // A dependency on `api:1` is met by the version of `api` the blueprint runs, so slicing
    // api:1 after api:2 took over keeps its dependants deployable.
    const b =
      seen.length && isRef(v) && !catalog.breeds.some((x) => x.name === v.ref)
        ? (sameBreed(catalog.breeds, v.ref) ?? find(catalog.breeds, v, "breed", path))
        : find(catalog.breeds, v, "breed", path);
    if (!b) return undefined;
    if (seen.includes(b.name))
      return void problems.push({ source, path, message: `breed ${quote(b.name)} depends on itself: ${[...seen, b.name].join(" → ")}` });
    const deps: Record<string, Breed> = {};
    for (const [alias, d] of Object.entries(b.dependencies)) {
      const r = breed(d, `${path}.dependencies.${alias}`, [...seen, b.name]);
      if (r) deps[alias] = r;
    }
    return { ...b, dependencies: deps };
  };
  const clusters = bp.clusters.map((cl) => {
    const at = `clusters${keyPath(cl.name)}`;
    const services = cl.services.flatMap((s, i) => {
      const b = breed(s.breed, `${at}.services[${i}].breed`, []);
      const scale = s.scale ? find(catalog.scales, s.scale, "scale", `${at}.services[${i}].scale`) : DEFAULT_SCALE;
      return b && scale ? [{ ...s, breed: b, scale }] : [];
    });
    const sla = cl.sla ? resolveSla(find(catalog.slas, cl.sla, "sla", `${at}.sla`), catalog, `${at}.sla`, missing) : undefined;
    const { sla: _declared, ...rest } = cl;
    return { ...rest, services, ...(sla ? { sla } : {}), dependencies: {} } as ResolvedCluster;
  });
  if (problems.length) return { problems };
  const resolved = { ...bp, clusters };
  matchDependencies(resolved, source, problems);
  checkSupplied(resolved, source, problems);
  return problems.length ? { problems } : { blueprint: resolved, problems };
}

function resolveSla(sla: Sla | undefined, catalog: ArtifactCatalog, path: string, missing: (k: string, n: string, p: string) => void): ResolvedCluster["sla"] {
  if (!sla) return undefined;
  const flat = (list: Inline<Escalation>[], at: string): Escalation[] =>
    list.flatMap((e, i) => {
      const hit = isRef(e) ? catalog.escalations.find((x) => x.name === e.ref) : e;
      if (!hit) return (missing("escalation", (e as { ref: string }).ref, `${at}[${i}]`), []);
      return [{ ...hit, ...(hit.escalations ? { escalations: flat(hit.escalations, `${at}[${i}].escalations`) } : {}) }];
    });
  return { ...sla, escalations: flat(sla.escalations, `${path}.escalations`) };
}

/** Each dependency alias of a cluster's breeds → the one cluster of the blueprint that runs that breed. */
function matchDependencies(bp: ResolvedBlueprint, source: string, problems: Problem[]): void {
  for (const cl of bp.clusters) {
    cl.services.forEach((s, i) => {
      for (const [alias, dep] of Object.entries(s.breed.dependencies)) {
        const runs = bp.clusters.filter((o) => o.services.some((x) => x.breed.name === dep.name));
        const path = `clusters${keyPath(cl.name)}.services[${i}].breed.dependencies.${alias}`;
        if (runs.length !== 1)
          problems.push({
            source,
            path,
            message: runs.length
              ? `breed ${quote(dep.name)} runs in several clusters (${runs.map((r) => r.name).join(", ")}): which one ${quote(alias)} means is ambiguous`
              : `needs breed ${quote(dep.name)}, which no cluster of this blueprint runs`,
          });
        else if (cl.dependencies[alias] && cl.dependencies[alias] !== runs[0].name)
          problems.push({ source, path, message: `alias ${quote(alias)} means cluster ${cl.dependencies[alias]} for another service of this cluster` });
        else cl.dependencies[alias] = runs[0].name;
      }
    });
  }
}

/** Every `~` variable of a breed gets a value from the service or the blueprint (`cluster.VAR`). */
function checkSupplied(bp: ResolvedBlueprint, source: string, problems: Problem[]): void {
  for (const cl of bp.clusters)
    cl.services.forEach((s, i) => {
      for (const v of s.breed.environmentVariables) {
        if (v.value !== undefined) continue;
        const given =
          s.environmentVariables.some((x) => x.name === v.name && x.value !== undefined) || bp.environmentVariables[`${cl.name}.${v.name}`] !== undefined;
        if (!given)
          problems.push({
            source,
            path: `clusters${keyPath(cl.name)}.services[${i}].breed.environmentVariables.${v.name}`,
            message: `must be supplied at deploy time (~ in breed ${quote(s.breed.name)}): set it on the service or as the blueprint's "${cl.name}.${v.name}"`,
          });
      }
    });
}

/** Another version of the breed `name` (`api:2` for `api:1`): the one whose name shares the part before `:`. */
function sameBreed(breeds: Breed[], name: string): Breed | undefined {
  const base = name.split(":")[0];
  return name.includes(":") ? breeds.find((b) => b.name.split(":")[0] === base) : undefined;
}
