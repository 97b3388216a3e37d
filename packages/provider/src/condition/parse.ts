import type { ConditionError, ConditionNode, Subject } from "./ast";
import { parseBoolean } from "../expression/boolean";
import { scan, type Token } from "./scanner";

/*
 * Grammar (EBNF); keywords are case-insensitive:
 *   condition = or ;
 *   or        = and { ("or" | "||" | "|") and } ;
 *   and       = unary { ("and" | "&&" | "&") unary } ;
 *   unary     = ("not" | "!") unary | primary ;
 *   primary   = "(" or ")" | raw | presence | comparison ;
 *   presence  = ("has" | "misses") ("cookie" | "header") value ;
 *   comparison= subject operator value ;
 *   subject   = "host" | "user-agent" | ("cookie" | "header") value ;
 *   operator  = "=" | "==" | "is" | "has" | "contains"          (positive)
 *             | "!=" | "not" | "misses" ;                        (negative)
 *   value     = word | '"' text '"' | "'" text "'" ;
 *   raw       = "<" HAProxy ACL criterion ">" ;
 */

const POSITIVE = new Set(["is", "has", "contains"]);
const NEGATIVE = new Set(["not", "misses"]);
const SUBJECTS = ["host", "user-agent", "cookie", "header"];

class Parser {
  readonly errors: ConditionError[] = [];
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ConditionNode | undefined {
    const node = this.or();
    const t = this.peek();
    if (node && t.kind !== "end") this.fail(t, `unexpected "${t.text}" after a complete condition (missing "and" or "or"?)`);
    return this.errors.length ? undefined : node;
  }

  private or(): ConditionNode | undefined {
    return parseBoolean<ConditionNode>({
      atOr: () => this.peek().kind === "or" || this.word(this.peek()) === "or",
      atAnd: () => this.peek().kind === "and" || this.word(this.peek()) === "and",
      atNot: () => this.peek().kind === "bang" || this.word(this.peek()) === "not",
      skip: () => void this.next(),
      primary: () => this.primary(),
    });
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    return this.tokens[Math.min(this.pos++, this.tokens.length - 1)];
  }
  private word(t: Token): string {
    return t.kind === "word" ? t.text.toLowerCase() : "";
  }

  private primary(): ConditionNode | undefined {
    const t = this.next();
    if (t.kind === "lparen") {
      const inner = this.or();
      if (!inner) return undefined;
      const close = this.next();
      if (close.kind !== "rparen") return this.fail(close, `expected ")" to close the "(" at offset ${t.offset}`);
      return inner;
    }
    if (t.kind === "raw") {
      if (!t.text) return this.fail(t, "an empty raw ACL <>");
      if (/[\n#]/.test(t.text)) return this.fail(t, "a raw ACL cannot hold a newline or '#'");
      return { type: "raw", acl: t.text };
    }
    const w = this.word(t);
    if (w === "has" || w === "misses") {
      const what = this.word(this.next());
      if (what !== "cookie" && what !== "header")
        return this.fail(this.tokens[this.pos - 1], `"${t.text}" is followed by "cookie" or "header", e.g. "${t.text} cookie group"`);
      const name = this.value("a cookie or header name");
      if (name === undefined || !this.name(name, what)) return undefined;
      return { type: "presence", what, name, negated: w === "misses" };
    }
    if (t.kind === "end") return this.fail(t, "the condition ends where a test was expected");
    if (t.kind !== "word") return this.fail(t, `unexpected "${t.text}" where a test was expected`);
    if (!SUBJECTS.includes(w))
      return this.fail(t, `unknown subject "${t.text}"${hint(w)}; expected host, user-agent, cookie NAME, header NAME, has/misses, or a raw ACL in < >`);
    let subject: Subject;
    if (w === "cookie" || w === "header") {
      const name = this.value(`a ${w} name`);
      if (name === undefined || !this.name(name, w)) return undefined;
      subject = { kind: w, name };
    } else subject = { kind: w as "host" | "user-agent" };
    const op = this.next();
    const ow = this.word(op);
    let negated: boolean;
    if (op.kind === "eq" || POSITIVE.has(ow)) negated = false;
    else if (op.kind === "neq" || NEGATIVE.has(ow)) negated = true;
    else
      return this.fail(op, `expected a comparison (=, ==, is, has, contains, !=, not, misses) after "${printSubject(subject)}", got "${op.text || "the end"}"`);
    const value = this.value("a value");
    if (value === undefined) return undefined;
    if (/['\n\\]/.test(value)) return this.fail(op, `the value ${JSON.stringify(value)} cannot hold a single quote, a backslash or a newline`);
    return { type: "compare", subject, value, negated };
  }

  private value(what: string): string | undefined {
    const t = this.next();
    if (t.kind === "word" || t.kind === "string") {
      if (t.kind === "string" && !t.text) return this.fail(t, `${what} cannot be empty`);
      return t.text;
    }
    return this.fail(t, `expected ${what}, got "${t.text || "the end"}"`);
  }

  private name(name: string, what: string): boolean {
    if (/^[A-Za-z0-9_.-]+$/.test(name)) return true;
    this.fail(this.tokens[this.pos - 1], `the ${what} name ${JSON.stringify(name)} may only hold letters, digits, '_', '.', '-'`);
    return false;
  }

  private fail(t: Token, message: string): undefined {
    this.errors.push({ source: "", path: "", offset: t.offset, message });
    return undefined;
  }
}

function printSubject(s: Subject): string {
  return s.kind === "cookie" || s.kind === "header" ? `${s.kind} ${s.name}` : s.kind;
}

function hint(word: string): string {
  const near = SUBJECTS.find((s) => s.replace("-", "") === word.replace(/[-_ ]/g, "") || (word.length > 3 && s.startsWith(word.slice(0, 4))));
  return near && near !== word ? ` (did you mean "${near}"?)` : "";
}

/**
 * Parses a condition; an unparseable condition is an error (never silently a raw ACL).
 *
 * @example
 * parseCondition("user-agent = Firefox and has cookie beta").ast
 * // { type: "and", left: { type: "compare", subject: { kind: "user-agent" }, value: "Firefox", negated: false }, right: {...} }
 */
export function parseCondition(text: string): { ast?: ConditionNode; errors: ConditionError[] } {
  if (!text.trim()) return { errors: [{ source: "", path: "", offset: 0, message: "empty condition" }] };
  const { tokens, errors } = scan(text);
  if (errors.length) return { errors };
  const p = new Parser(tokens);
  const ast = p.parse();
  return ast ? { ast, errors: [] } : { errors: p.errors };
}
