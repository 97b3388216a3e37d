/**
 * The one problem type: every validation, parse and argument error of the library is a
 * {@link Problem}, and every error the library throws is a {@link VampError} carrying them.
 */

/** One problem with one input: where it is (source, field path, position) and why. */
export interface Problem {
  /** The document (`shop.yaml#2`), resource (`gateway shop`) or command line; `""` when the caller adds it. */
  source: string;
  /** The field path, e.g. `routes["[10.0.0.1:80]"].weight`; `""` for the input as a whole. */
  path: string;
  /** The reason, naming the bad value. */
  message: string;
  /** 1-based line and column in a YAML document. */
  line?: number;
  column?: number;
  /** 0-based offset inside a one-line value (a condition, a selector). */
  offset?: number;
}

/**
 * A problem about `value` at `path`, with the value quoted after the reason.
 *
 * @example
 * problem("agents.replicas", 1, "must be at least 2") // { source: "", path: "agents.replicas", message: "must be at least 2, got 1" }
 */
export function problem(path: string, value: unknown, reason: string, source = ""): Problem {
  return { source, path, message: `${reason}, got ${quote(value)}` };
}

/** `source:line:column: path: message` (parts that are not known are left out). */
export function formatProblem(p: Problem): string {
  const where = p.source ? `${p.source}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ` : "";
  return `${where}${p.path ? `${p.path}: ` : ""}${p.message}`;
}

/** The same problems under another source and path prefix (a nested input reported by its parent). */
export function within(problems: Problem[], source: string, prefix = ""): Problem[] {
  return problems.map((p) => ({ ...p, source: p.source || source, path: joinPath(prefix, p.path) }));
}

/** `a` + `b` as a field path: `routes` + `["x"].weight` → `routes["x"].weight`, `a` + `b` → `a.b`. */
export function joinPath(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return b.startsWith("[") ? `${a}${b}` : `${a}.${b}`;
}

/** A JSON path segment for a key: `.name` or `["[10.0.0.1:80]"]`. */
export function keyPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** JSON text of a value for messages, cut short so a certificate or a huge record never floods a log. */
export function quote(value: unknown, max = 200): string {
  if (typeof value === "string" && value.length > max) return JSON.stringify(`${value.slice(0, max)}…`);
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What kind of failure an error is, for callers that act on it (retry a conflict, report the rest). */
export type ErrorCode = "invalid" | "conflict" | "not-found" | "unavailable" | "failed";

/**
 * The one error type the library throws. Its message is one line a user can act on; `problems`
 * lists each problem when the error is about input.
 *
 * @example
 * throw new VampError("invalid", "gateway shop is invalid", [problem("port", 0, "must be 1-65535")]);
 */
export class VampError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(problems.length ? `${message}: ${problems.map(formatProblem).join("; ")}` : message);
    this.name = "VampError";
  }

  /** An `invalid` error listing `problems`. */
  static invalid(what: string, problems: Problem[]): VampError {
    return new VampError("invalid", what, problems);
  }
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
