/**
 * Condition language (Vamp), as an AST. Keywords are case-insensitive.
 *
 *   user-agent = Firefox
 *   has cookie group and not cookie group has admin
 *   (host = shop.example.com || header X-Canary has yes) && misses header X-Debug
 *   <req.hdr(x-tier) -m str gold>            a raw HAProxy ACL criterion
 */
import type { ConditionNode } from "../model/condition";
import type { Problem } from "../model/problem";

export type { Subject, ConditionNode } from "../model/condition";

/** A problem in a condition: `offset` is where it starts in the text. */
export type ConditionError = Problem;
/** Prints a condition in canonical form (round-trip tests, messages). */
export function printCondition(n: ConditionNode): string {
  switch (n.type) {
    case "compare": {
      const subject = n.subject.kind === "cookie" || n.subject.kind === "header" ? `${n.subject.kind} ${quote(n.subject.name)}` : n.subject.kind;
      return `${subject} ${n.negated ? "!=" : "=="} ${quote(n.value)}`;
    }
    case "presence":
      return `${n.negated ? "misses" : "has"} ${n.what} ${quote(n.name)}`;
    case "raw":
      return `<${n.acl}>`;
    case "not":
      return `!${wrap(n.operand, 3)}`;
    case "and":
      return `${wrap(n.left, 2)} && ${wrap(n.right, 2)}`;
    case "or":
      return `${wrap(n.left, 1)} || ${wrap(n.right, 1)}`;
  }
}

function rank(n: ConditionNode): number {
  return n.type === "or" ? 1 : n.type === "and" ? 2 : 3;
}

function wrap(n: ConditionNode, min: number): string {
  return rank(n) < min ? `(${printCondition(n)})` : printCondition(n);
}

function quote(s: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(s) && !KEYWORDS.has(s.toLowerCase()) ? s : `"${s.replace(/["\\]/g, "\\$&")}"`;
}

export const KEYWORDS = new Set(["and", "or", "not", "is", "has", "contains", "misses", "cookie", "header", "host", "user-agent"]);
