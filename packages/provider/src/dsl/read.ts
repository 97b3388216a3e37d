/**
 * Vamp-style documents (YAML or JSON; one or many per file, separated by `---`) → artifacts.
 * Each document is one artifact with a `kind` (singular or plural, as Vamp accepted both), or a
 * list of them. Problems carry the line and column of the field they are about.
 */
import { isNode, LineCounter, parseAllDocuments, type Document } from "yaml";
import { ARTIFACT_KINDS } from "../model/artifact";
import type { Gateway } from "../model/gateway";
import type { Problem } from "../model/problem";
import { fromVampFields } from "../validation/dialect";
import { validateGateway } from "../validation/gateway";
import { pathSegments } from "./path";

export const KINDS: readonly string[] = ARTIFACT_KINDS;

export interface RawArtifact {
  kind: string;
  body: Record<string, unknown>;
  /** `file#document` or `file#document[index]` for lists. */
  source: string;
  /** Finds the line and column of a field path of this artifact (Vamp's field names). */
  locate(path: string): { line: number; column: number } | undefined;
}

type Locate = RawArtifact["locate"];

function locator(doc: Document, counter: LineCounter, prefix: (string | number)[]): Locate {
  return (path) => {
    const segs = [...prefix, ...pathSegments(path)];
    for (let n = segs.length; n >= 0; n--) {
      const node = n ? doc.getIn(segs.slice(0, n), true) : doc.contents;
      if (isNode(node) && node.range) {
        const pos = counter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
}

function artifactOf(item: unknown, source: string, locate: Locate, problems: Problem[], defaultKind?: string): RawArtifact | undefined {
  const at = (path: string, message: string) => problems.push({ source, path, message, ...locate(path) });
  if (typeof item !== "object" || item === null || Array.isArray(item))
    return void at("", `an artifact must be a map with a kind, got ${JSON.stringify(item)}`);
  const body = item as Record<string, unknown>;
  const kind = typeof body.kind === "string" ? body.kind.toLowerCase() : body.kind === undefined ? defaultKind : undefined;
  const plural = kind && !kind.endsWith("s") ? `${kind}s` : kind;
  if (!plural || !KINDS.includes(plural))
    return void at("kind", `must be one of ${KINDS.join(", ")} (or give the kind of documents without one: --kind), got ${JSON.stringify(body.kind)}`);
  return { kind: plural, body, source, locate };
}

/**
 * Parses a file's documents. YAML errors (duplicate keys included) are reported with their
 * line; an artifact without a known `kind` (and no `defaultKind` for it) is a problem.
 */
export function readDocuments(text: string, file: string, defaultKind?: string): { artifacts: RawArtifact[]; problems: Problem[] } {
  const artifacts: RawArtifact[] = [];
  const problems: Problem[] = [];
  const counter = new LineCounter();
  parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, lineCounter: counter }).forEach((doc, d) => {
    const where = `${file}#${d + 1}`;
    for (const e of doc.errors) {
      const pos = counter.linePos(e.pos[0]);
      problems.push({ source: where, path: "", message: `YAML: ${e.message.split("\n")[0]}`, line: pos.line, column: pos.col });
    }
    if (doc.errors.length) return;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document
    const items = Array.isArray(value) ? value.map((v, i) => [v, `${where}[${i}]`, [i]] as const) : [[value, where, []] as const];
    for (const [item, source, prefix] of items) {
      const a = artifactOf(item, source, locator(doc, counter, [...prefix]), problems, defaultKind);
      if (a) artifacts.push(a);
    }
  });
  return { artifacts, problems };
}

/**
 * Reads and validates every gateway in a file; other kinds are reported as not handled here.
 *
 * @example
 * const { gateways, problems } = readGateways(fs.readFileSync("shop.yaml", "utf8"), "shop.yaml");
 */
export function readGateways(text: string, file: string): { gateways: Gateway[]; problems: Problem[] } {
  const { artifacts, problems } = readDocuments(text, file);
  const gateways: Gateway[] = [];
  for (const a of artifacts) {
    if (a.kind !== "gateways") {
      problems.push({ source: a.source, path: "kind", message: `${a.kind} are not handled by the gateway engine; only gateways`, ...a.locate("kind") });
      continue;
    }
    const r = readGateway(a);
    problems.push(...r.problems.map((p) => ({ ...p, ...a.locate(p.path) })));
    if (r.gateway) gateways.push(r.gateway);
  }
  return { gateways, problems };
}

/** One gateway document (Vamp's field names) → the validated gateway. */
export function readGateway(a: RawArtifact): { gateway?: Gateway; problems: Problem[] } {
  const { kind: _kind, name, metadata: _metadata, ...rest } = a.body;
  return validateGateway(fromVampFields(rest), { source: a.source, name, dialect: "vamp" });
}
