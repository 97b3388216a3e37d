/** A breed (a program's `Breed` arguments or a Vamp document) → the validated {@link Breed}. */
import type { Breed, Deployable, Inline } from "../../model/artifact";
import { quote, type Problem } from "../../model/problem";
import { Check, given, isObject, type Raw } from "../check";
import type { Dialect } from "../dialect";
import { checkArguments, checkArtifactName, checkHealthChecks, checkInline, checkPartName, checkPorts, checkReferenceTargets, checkVariables } from "./parts";

export const BREED_FIELDS = [
  "name",
  "kind",
  "metadata",
  "deployable",
  "ports",
  "environmentVariables",
  "constants",
  "arguments",
  "dependencies",
  "healthChecks",
] as const;

export interface ArtifactOptions {
  /** The document or resource, for messages: `shop.yaml#2`, `breed sava`. */
  source: string;
  /** Whose field names to report in; default `program`. */
  dialect?: Dialect;
}

/**
 * @example
 * validateBreed({ name: "sava:1.0", deployable: "magneticio/sava:1.0.0", ports: { web: "8080/http" } }, { source: "breed sava" })
 * // { breed: { name: "sava:1.0", deployable: { type: "container/docker", definition: "magneticio/sava:1.0.0" }, ports: [{ name: "web", number: 8080, protocol: "http" }], ... }, problems: [] }
 */
export function validateBreed(raw: unknown, opts: ArtifactOptions): { breed?: Breed; problems: Problem[] } {
  const c = new Check(opts.source, opts.dialect ?? "program");
  if (!isObject(raw)) return (c.err("", `a breed must be a map with a name and a deployable, got ${quote(raw)}`), { problems: c.problems });
  const breed = checkBreed(raw, "", c);
  return breed && !c.problems.length ? { breed, problems: [] } : { problems: c.problems };
}

/** A breed at `path` of a larger input (inline in a blueprint, a dependency, a workflow). */
export function checkBreed(raw: Raw, path: string, c: Check, seen: string[] = []): Breed | undefined {
  const at = (f: string) => c.at(path, f);
  const n = c.problems.length;
  c.unknownFields(raw, path, BREED_FIELDS, "a breed", "dialect");
  const name = checkArtifactName(raw.name, at("name"), c);
  if (name && seen.includes(name)) return void c.err(at("name"), `breed ${quote(name)} depends on itself: ${[...seen, name].join(" → ")}`);
  const deployable = checkDeployable(raw.deployable, at("deployable"), c);
  const ports = checkPorts(raw.ports, at("ports"), c);
  const environmentVariables = checkVariables(c.get(raw, "environmentVariables"), at("environmentVariables"), c);
  const constants = checkVariables(raw.constants, at("constants"), c);
  const args = checkArguments(raw.arguments, at("arguments"), c);
  const dependencies = checkDependencies(raw.dependencies, at("dependencies"), c, name ? [...seen, name] : seen);
  const healthChecks = checkHealthChecks(c.get(raw, "healthChecks"), at("healthChecks"), c);
  for (const [i, h] of (healthChecks ?? []).entries())
    if (!ports.some((p) => p.name === h.port))
      c.err(`${at("healthChecks")}[${i}].port`, `names no port of this breed (${ports.map((p) => p.name).join(", ") || "it has none"}), got ${quote(h.port)}`);
  // The declared aliases, valid or not: a dependency's own problem is reported once, at itself.
  const aliases = isObject(raw.dependencies) ? Object.keys(raw.dependencies) : [];
  // A breed reaches only what it depends on.
  checkReferenceTargets(environmentVariables, at("environmentVariables"), aliases, "not a dependency of this breed", c);
  checkReferenceTargets(constants, at("constants"), aliases, "not a dependency of this breed", c);
  if (c.problems.length > n || !name || !deployable) return undefined;
  return { name, deployable, ports, environmentVariables, constants, arguments: args, dependencies, ...(healthChecks ? { healthChecks } : {}) };
}

function checkDeployable(v: unknown, path: string, c: Check): Deployable | undefined {
  if (typeof v === "string" && v.trim()) return { type: "container/docker", definition: v.trim() };
  if (isObject(v) && typeof v.definition === "string" && v.definition.trim()) {
    const type = v.type === undefined ? "container/docker" : v.type;
    // A workflow's script breed: its definition is the script (Vamp's JavaScript workflows).
    if (type === "application/javascript") return { type, definition: v.definition };
    if (type !== "container/docker" && type !== "docker")
      return void c.err(
        `${path}.type`,
        `must be container/docker (the only deployable Kubernetes runs) or application/javascript (a workflow's script), got ${quote(type)}`,
      );
    return { type: "container/docker", definition: v.definition.trim() };
  }
  return void c.err(
    path,
    `must be an image like "magneticio/sava:1.0.0", { type: container/docker, definition: image } or { type: application/javascript, definition: script }, got ${quote(v)}`,
  );
}

function checkDependencies(v: unknown, path: string, c: Check, seen: string[]): Record<string, Inline<Breed>> {
  if (!given(v)) return {};
  if (!isObject(v)) return (c.err(path, `must be a map of alias → breed, got ${quote(v)}`), {});
  const out: Record<string, Inline<Breed>> = {};
  for (const [alias, dep] of Object.entries(v)) {
    const at = `${path}.${alias}`;
    if (checkPartName(alias, at, "dependency alias", c) === undefined) continue;
    const b = checkInline(dep, at, c, "breed", (raw, p) => checkBreed(raw, p, c, seen));
    if (b && "ref" in b && seen.includes(b.ref)) c.err(at, `breed ${quote(b.ref)} depends on itself: ${[...seen, b.ref].join(" → ")}`);
    else if (b) out[alias] = b;
  }
  return out;
}
