import { parseBoolean } from "../expression/boolean";
import type { SelectorError, SelectorField, SelectorNode } from "./ast";

/*
 * Grammar (EBNF); keywords are case-insensitive:
 *   selector = or ;
 *   or       = and { ("or" | "||" | "|") and } ;
 *   and      = unary { ("and" | "&&" | "&") unary } ;
 *   unary    = ("not" | "!") unary | primary ;
 *   primary  = "(" or ")" | "true" | "false" | call ;
 *   call     = ("name"|"kind"|"namespace"|"image"|"ip") arg
 *            | "label" arg arg | ("port"|"index") arg ;
 *   arg      = "(" balanced text ")" ;      (a regular expression, may hold parentheses)
 */

const FIELDS: SelectorField[] = ["name", "kind", "namespace", "image", "ip"];
const FUNCTIONS = [...FIELDS, "label", "port", "index"];

type Token = { kind: "word" | "op" | "lparen" | "rparen" | "end"; text: string; offset: number };

/** Splits selector text into tokens; function arguments are read raw by the parser. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): Token {
    const save = this.pos;
    const t = this.next();
    this.pos = save;
    return t;
  }

  next(): Token {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
    const start = this.pos;
    if (this.pos >= this.text.length) return { kind: "end", text: "", offset: start };
    const c = this.text[this.pos];
    if (c === "(") return (this.pos++, { kind: "lparen", text: c, offset: start });
    if (c === ")") return (this.pos++, { kind: "rparen", text: c, offset: start });
    for (const op of ["&&", "||", "&", "|", "!"]) {
      if (this.text.startsWith(op, this.pos)) return ((this.pos += op.length), { kind: "op", text: op, offset: start });
    }
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (m) return ((this.pos += m[0].length), { kind: "word", text: m[0], offset: start });
    this.pos++;
    return { kind: "op", text: c, offset: start };
  }

  /** Reads `( ... )` with balanced parentheses (backslash escapes one character); returns the inside. */
  arg(): { text: string; offset: number } | SelectorError {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
    const start = this.pos;
    if (this.text[this.pos] !== "(") return { source: "", path: "", offset: start, message: `expected "(" with an argument` };
    let depth = 0;
    for (let i = this.pos; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (c === "(") depth++;
      if (c === ")" && --depth === 0) {
        this.pos = i + 1;
        return { text: this.text.slice(start + 1, i), offset: start + 1 };
      }
    }
    return { source: "", path: "", offset: start, message: `unbalanced "(": the argument is never closed` };
  }
}

class Parser {
  readonly errors: SelectorError[] = [];
  private readonly s: Scanner;
  constructor(text: string) {
    this.s = new Scanner(text);
  }

  parse(): SelectorNode | undefined {
    const node = this.or();
    const t = this.s.peek();
    if (node && t.kind !== "end") this.fail(t.offset, `unexpected "${t.text}" after a complete selector (missing "&&" or "||"?)`);
    return this.errors.length ? undefined : node;
  }

  private or(): SelectorNode | undefined {
    return parseBoolean<SelectorNode>({
      atOr: () => this.isOp(["or", "||", "|"]),
      atAnd: () => this.isOp(["and", "&&", "&"]),
      atNot: () => this.isOp(["not", "!"]),
      skip: () => void this.s.next(),
      primary: () => this.primary(),
    });
  }

  private primary(): SelectorNode | undefined {
    const t = this.s.next();
    if (t.kind === "lparen") {
      const inner = this.or();
      if (!inner) return undefined;
      const close = this.s.next();
      if (close.kind !== "rparen") return this.fail(close.offset, `expected ")" to close the "(" at ${t.offset}`);
      return inner;
    }
    if (t.kind !== "word")
      return this.fail(t.offset, t.kind === "end" ? "the selector ends where a term was expected" : `unexpected "${t.text}" where a term was expected`);
    const word = t.text.toLowerCase();
    if (word === "true" || word === "false") return { type: "const", value: word === "true" };
    if (!FUNCTIONS.includes(word)) return this.fail(t.offset, `unknown selector function "${t.text}" (expected one of ${FUNCTIONS.join(", ")}, true, false)`);
    const a = this.s.arg();
    if ("message" in a) return this.fail(a.offset ?? 0, `${word}${a.message.startsWith("expected") ? ": " : " "}${a.message}`);
    if (word === "label") {
      const v = this.s.arg();
      if ("message" in v) return this.fail(v.offset ?? 0, `label(${a.text}) needs a second argument with the value pattern, e.g. label(${a.text})(.*)`);
      return this.regex(v.text, v.offset) ? { type: "label", key: a.text.trim(), pattern: v.text } : undefined;
    }
    if (word === "port" || word === "index") {
      const n = Number(a.text.trim());
      if (!/^\d+$/.test(a.text.trim()) || (word === "port" && (n < 1 || n > 65535))) {
        return this.fail(a.offset ?? 0, `${word}(${a.text}) needs ${word === "port" ? "a port number 1-65535" : "a whole number"}`);
      }
      return word === "port" ? { type: "port", port: n } : { type: "index", index: n };
    }
    return this.regex(a.text, a.offset) ? { type: "match", field: word as SelectorField, pattern: a.text } : undefined;
  }

  private regex(pattern: string, offset: number): boolean {
    try {
      new RegExp(`^(?:${pattern})$`);
      return true;
    } catch (e) {
      this.fail(offset, `invalid regular expression "${pattern}": ${(e as Error).message}`);
      return false;
    }
  }

  private isOp(ops: string[]): boolean {
    const t = this.s.peek();
    return (t.kind === "op" || t.kind === "word") && ops.includes(t.text.toLowerCase());
  }

  private fail(offset: number, message: string): undefined {
    this.errors.push({ source: "", path: "", offset, message });
    return undefined;
  }
}

/**
 * Parses selector text into an AST, or returns the errors (with offsets).
 *
 * @example
 * parseSelector("label(app)(shop) && label(version)((.*))").ast
 * // { type: "and", left: { type: "label", key: "app", pattern: "shop" }, right: { ..., pattern: "(.*)" } }
 */
export function parseSelector(text: string): { ast?: SelectorNode; errors: SelectorError[] } {
  if (!text.trim()) return { errors: [{ source: "", path: "", offset: 0, message: "empty selector" }] };
  const p = new Parser(text);
  const ast = p.parse();
  return ast ? { ast, errors: [] } : { errors: p.errors };
}
