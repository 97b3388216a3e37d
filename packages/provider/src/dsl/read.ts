/**
 * Vamp-style documents (YAML or JSON; one or many per file, separated by `---`) → raw
 * artifacts. Each document is one artifact with a `kind` (plural, as Vamp wrote it:
 * `gateways`), or a list of them. Gateways are then validated into the model.
 */
import { parseAllDocuments } from "yaml";
import type { Gateway, ValidationError } from "../model/gateway";
import { validateGateway } from "../validation/gateway";

export const KINDS = ["breeds", "blueprints", "deployments", "gateways", "workflows", "slas", "scales", "escalations", "routes", "conditions", "rewrites"];

export interface RawArtifact {
  kind: string;
  body: Record<string, unknown>;
  /** `file#document` or `file#document[index]` for lists. */
  source: string;
}

/**
 * Parses a file's documents. YAML errors (duplicate keys included) are reported with their
 * line; an artifact without a known `kind` is an error.
 */
export function readDocuments(text: string, file: string): { artifacts: RawArtifact[]; errors: ValidationError[] } {
  const artifacts: RawArtifact[] = [];
  const errors: ValidationError[] = [];
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, d) => {
    const where = `${file}#${d + 1}`;
    for (const e of doc.errors) errors.push({ source: where, path: "", message: `YAML: ${e.message.split("\n")[0]}${e.linePos ? ` (line ${e.linePos[0].line})` : ""}` });
    if (doc.errors.length) return;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document
    const items = Array.isArray(value) ? value.map((v, i) => [v, `${where}[${i}]`] as const) : [[value, where] as const];
    for (const [item, source] of items) {
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        errors.push({ source, path: "", message: `an artifact must be a map with a kind, got ${JSON.stringify(item)}` });
        continue;
      }
      const body = item as Record<string, unknown>;
      const kind = typeof body.kind === "string" ? body.kind.toLowerCase() : undefined;
      const plural = kind && !kind.endsWith("s") ? `${kind}s` : kind;
      if (!plural || !KINDS.includes(plural)) {
        errors.push({ source, path: "kind", message: `must be one of ${KINDS.join(", ")}, got ${JSON.stringify(body.kind)}` });
        continue;
      }
      artifacts.push({ kind: plural, body, source });
    }
  });
  return { artifacts, errors };
}

/**
 * Reads and validates every gateway in a file; other kinds are reported as not handled here.
 *
 * @example
 * const { gateways, errors } = readGateways(fs.readFileSync("shop.yaml", "utf8"), "shop.yaml");
 */
export function readGateways(text: string, file: string): { gateways: Gateway[]; errors: ValidationError[] } {
  const { artifacts, errors } = readDocuments(text, file);
  const gateways: Gateway[] = [];
  for (const a of artifacts) {
    if (a.kind !== "gateways") {
      errors.push({ source: a.source, path: "kind", message: `${a.kind} are not handled by the gateway engine; only gateways` });
      continue;
    }
    const { kind: _kind, ...rest } = a.body;
    const r = validateGateway(rest, a.source);
    errors.push(...r.errors);
    if (r.gateway) gateways.push(r.gateway);
  }
  return { gateways, errors };
}
