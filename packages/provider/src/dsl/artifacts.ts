/**
 * Vamp documents of every kind → validated artifacts, one catalog per set of files. Structure
 * is checked per document (one bad document never hides the others); a reference to an artifact
 * that none of the documents defines is listed as unresolved (a warning: it may be deployed
 * with a catalog that has it, and fails then, naming it).
 */
import { parseCondition } from "../condition/parse";
import type { Blueprint, Breed, Escalation, Inline, Reference, Scale, Sla, Workflow } from "../model/artifact";
import { inlineBreeds, isRef, type ArtifactKind } from "../model/artifact";
import type { Gateway } from "../model/gateway";
import { quote, type Problem } from "../model/problem";
import { validateBlueprint } from "../validation/artifact/blueprint";
import { validateBreed } from "../validation/artifact/breed";
import { checkScale } from "../validation/artifact/parts";
import { checkEscalation, checkSla } from "../validation/artifact/sla";
import { checkWorkflow } from "../validation/artifact/workflow";
import { Check } from "../validation/check";
import { readDocuments, readGateway, type RawArtifact } from "./read";

/** Every validated artifact of a set of documents, by kind. */
export interface Catalog {
  breeds: Breed[];
  blueprints: Blueprint[];
  /** Deployment documents: running blueprints (their runtime fields are Vamp's, not read). */
  deployments: Blueprint[];
  gateways: Gateway[];
  workflows: Workflow[];
  slas: Sla[];
  scales: Scale[];
  escalations: Escalation[];
  /** Named conditions (`name`, `condition`), checked by the condition parser. */
  conditions: { name: string; condition: string }[];
}

export const emptyCatalog = (): Catalog => ({
  breeds: [],
  blueprints: [],
  deployments: [],
  gateways: [],
  workflows: [],
  slas: [],
  scales: [],
  escalations: [],
  conditions: [],
});

export interface ReadResult {
  catalog: Catalog;
  problems: Problem[];
  /** References to artifacts none of the documents defines. */
  unresolved: Reference[];
  /** The file each gateway came from, by gateway name (set conflicts name it). */
  gatewayFiles: Record<string, string>;
}

/**
 * Reads every document of the files (`{ text, file }`); `kind` is the kind of documents that
 * do not say theirs (as Vamp's per-kind API accepted them).
 *
 * @example
 * const r = readArtifacts([{ text: fs.readFileSync("sava.yaml", "utf8"), file: "sava.yaml" }]);
 * r.catalog.blueprints[0].clusters[0].name; r.problems; r.unresolved
 */
export function readArtifacts(files: { text: string; file: string }[], opts: { kind?: ArtifactKind } = {}): ReadResult {
  const catalog = emptyCatalog();
  const problems: Problem[] = [];
  const gatewayFiles: Record<string, string> = {};
  for (const f of files) {
    const r = readDocuments(f.text, f.file, opts.kind);
    problems.push(...r.problems);
    for (const a of r.artifacts) problems.push(...addArtifact(a, catalog).map((p) => ({ ...p, ...a.locate(p.path) })));
    for (const g of catalog.gateways) gatewayFiles[g.name] ??= f.file;
  }
  return { catalog, problems, unresolved: unresolvedReferences(catalog), gatewayFiles };
}

type Adder = (a: RawArtifact, catalog: Catalog) => Problem[];

const one =
  <T>(check: (raw: Record<string, unknown>, path: string, c: Check) => T | undefined, push: (c: Catalog, v: T) => void): Adder =>
  (a, catalog) => {
    const c = new Check(a.source, "vamp");
    const v = check(a.body, "", c);
    if (v && !c.problems.length) push(catalog, v);
    return c.problems;
  };

const ADDERS: Record<ArtifactKind, Adder> = {
  breeds: (a, catalog) => {
    const r = validateBreed(a.body, { source: a.source, dialect: "vamp" });
    if (r.breed) catalog.breeds.push(r.breed);
    return r.problems;
  },
  blueprints: (a, catalog) => blueprintInto(a, catalog.blueprints),
  deployments: (a, catalog) => blueprintInto(a, catalog.deployments),
  gateways: (a, catalog) => {
    const r = readGateway(a);
    if (r.gateway) catalog.gateways.push(r.gateway);
    return r.problems;
  },
  workflows: one(checkWorkflow, (c, v) => c.workflows.push(v)),
  slas: one(checkSla, (c, v) => c.slas.push(v)),
  scales: one(named(checkScale), (c, v) => c.scales.push(v)),
  escalations: one(named(checkEscalation), (c, v) => c.escalations.push(v)),
  conditions: (a, catalog) => {
    const c = new Check(a.source, "vamp");
    c.unknownFields(a.body, "", ["name", "kind", "metadata", "condition"], "a condition", "dialect");
    const text = a.body.condition;
    if (typeof text !== "string") c.err("condition", `must be a condition such as "user-agent = Firefox", got ${quote(text)}`);
    else for (const e of parseCondition(text).errors) c.err("condition", `${e.message} (at offset ${e.offset} of ${quote(text)})`);
    if (!c.problems.length) catalog.conditions.push({ name: String(a.body.name), condition: text as string });
    return c.problems;
  },
  routes: notStandalone("routes", "a gateway's routes"),
  rewrites: notStandalone("rewrites", "a route's rewrites"),
};

function addArtifact(a: RawArtifact, catalog: Catalog): Problem[] {
  return ADDERS[a.kind as ArtifactKind](a, catalog);
}

function blueprintInto(a: RawArtifact, into: Blueprint[]): Problem[] {
  const r = validateBlueprint(a.body, { source: a.source, dialect: "vamp" });
  if (r.blueprint) into.push(r.blueprint);
  return r.problems;
}

/** Scales and escalations kept as artifacts need a name. */
function named<T extends { name?: string }>(check: (raw: Record<string, unknown>, path: string, c: Check) => T | undefined) {
  return (raw: Record<string, unknown>, path: string, c: Check): T | undefined => {
    if (typeof raw.name !== "string" || !raw.name) return void c.err("name", `must be a non-empty name, got ${quote(raw.name)}`);
    return check(raw, path, c);
  };
}

/** Vamp kept routes and rewrites as their own artifacts; here they live inside gateways. */
function notStandalone(kind: string, where: string): Adder {
  return (a) => [{ source: a.source, path: "kind", message: `${kind} are not read as separate artifacts here: declare them as ${where}` }];
}

/** References from the catalog's artifacts to breeds, scales, SLAs and escalations it does not define. */
export function unresolvedReferences(catalog: Catalog): Reference[] {
  const have = {
    breeds: new Set(allBreeds(catalog).map((b) => b.name)),
    scales: new Set(catalog.scales.map((s) => s.name)),
    slas: new Set(catalog.slas.map((s) => s.name)),
    escalations: new Set(catalog.escalations.map((e) => e.name)),
  };
  return referencesOf(catalog).filter((r) => !have[r.kind].has(r.name));
}

/** Every breed defined in the catalog, inline ones included. */
export function allBreeds(catalog: Catalog): Breed[] {
  const blueprints = [...catalog.blueprints, ...catalog.deployments];
  return inlineBreeds([
    ...catalog.breeds,
    ...blueprints.flatMap((bp) => bp.clusters.flatMap((cl) => cl.services.map((s) => s.breed))),
    ...catalog.workflows.map((w) => w.breed),
  ]);
}

function referencesOf(catalog: Catalog): Reference[] {
  const out: Reference[] = [];
  const ref = (kind: Reference["kind"], v: Inline<unknown> | undefined, from: string, path: string) => {
    if (v && isRef(v)) out.push({ kind, name: v.ref, from, path });
  };
  for (const b of allBreeds(catalog)) for (const [alias, d] of Object.entries(b.dependencies)) ref("breeds", d, `breed ${b.name}`, `dependencies.${alias}`);
  for (const bp of [...catalog.blueprints, ...catalog.deployments])
    for (const cl of bp.clusters) {
      cl.services.forEach((s, i) => {
        ref("breeds", s.breed, `blueprint ${bp.name}`, `clusters.${cl.name}.services[${i}].breed`);
        ref("scales", s.scale, `blueprint ${bp.name}`, `clusters.${cl.name}.services[${i}].scale`);
      });
      ref("slas", cl.sla, `blueprint ${bp.name}`, `clusters.${cl.name}.sla`);
      if (cl.sla && !isRef(cl.sla)) escalationRefs(cl.sla.escalations, `blueprint ${bp.name}`, `clusters.${cl.name}.sla.escalations`, ref);
    }
  for (const w of catalog.workflows) {
    ref("breeds", w.breed, `workflow ${w.name}`, "breed");
    ref("scales", w.scale, `workflow ${w.name}`, "scale");
  }
  for (const s of catalog.slas) escalationRefs(s.escalations, `sla ${s.name}`, "escalations", ref);
  for (const e of catalog.escalations) escalationRefs(e.escalations ?? [], `escalation ${e.name}`, "escalations", ref);
  return out;
}

function escalationRefs(
  list: Inline<Escalation>[],
  from: string,
  path: string,
  ref: (k: Reference["kind"], v: Inline<unknown>, from: string, path: string) => void,
): void {
  list.forEach((e, i) => {
    ref("escalations", e, from, `${path}[${i}]`);
    if (!isRef(e) && e.escalations) escalationRefs(e.escalations, from, `${path}[${i}].escalations`, ref);
  });
}
