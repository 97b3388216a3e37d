/**
 * A condition as an OR of ANDs of possibly negated tests (disjunctive normal form), the shape
 * HAProxy's `if` can express: it has AND (juxtaposition), OR (`||`) and `!` on ACL names but no
 * parentheses. Vamp did the same. DNF can grow exponentially, so the number of alternatives is
 * bounded here, where validation sees it, and not first in the renderer.
 */
import type { ConditionNode } from "../model/condition";

/** One test on a request, independent of how a proxy spells it. */
export type Atom =
  | { kind: "host"; value: string }
  | { kind: "header-contains"; header: string; value: string }
  | { kind: "cookie-contains"; cookie: string; value: string }
  | { kind: "header-present"; header: string }
  | { kind: "cookie-present"; cookie: string }
  | { kind: "raw"; acl: string };

export interface Literal {
  atom: Atom;
  negated: boolean;
}

/** The most OR-terms a condition may expand to. */
export const MAX_TERMS = 64;

type Tree = { type: "atom"; atom: Atom } | { type: "not"; operand: Tree } | { type: "and" | "or"; left: Tree; right: Tree };

/** Substrings a browser name stands for in a user-agent (Safari's UA also says Version/). */
const BROWSERS: Record<string, string[]> = {
  chrome: ["Chrome"],
  firefox: ["Firefox"],
  edge: ["Edg"],
  msie: ["MSIE"],
  safari: ["Safari", "Version"],
};

const atom = (a: Atom): Tree => ({ type: "atom", atom: a });
const negate = (t: Tree, negated: boolean): Tree => (negated ? { type: "not", operand: t } : t);

function compareTree(n: Extract<ConditionNode, { type: "compare" }>): Tree {
  switch (n.subject.kind) {
    case "host":
      return atom({ kind: "host", value: n.value });
    case "user-agent":
      return (BROWSERS[n.value.toLowerCase()] ?? [n.value])
        .map((s) => atom({ kind: "header-contains", header: "User-Agent", value: s }))
        .reduce((left, right) => ({ type: "and", left, right }));
    case "cookie":
      return atom({ kind: "cookie-contains", cookie: n.subject.name, value: n.value });
    case "header":
      return atom({ kind: "header-contains", header: n.subject.name, value: n.value });
  }
}

function toTree(n: ConditionNode): Tree {
  switch (n.type) {
    case "raw":
      return atom({ kind: "raw", acl: n.acl });
    case "presence":
      return negate(atom(n.what === "cookie" ? { kind: "cookie-present", cookie: n.name } : { kind: "header-present", header: n.name }), n.negated);
    case "compare":
      return negate(compareTree(n), n.negated);
    case "not":
      return { type: "not", operand: toTree(n.operand) };
    case "and":
    case "or":
      return { type: n.type, left: toTree(n.left), right: toTree(n.right) };
  }
}

class TooManyTerms extends Error {}

function dnf(t: Tree, negated: boolean): Literal[][] {
  switch (t.type) {
    case "atom":
      return [[{ atom: t.atom, negated }]];
    case "not":
      return dnf(t.operand, !negated);
    case "and":
    case "or": {
      // De Morgan: under negation AND becomes OR and vice versa.
      const isOr = (t.type === "or") !== negated;
      const l = dnf(t.left, negated);
      const r = dnf(t.right, negated);
      const terms = isOr ? [...l, ...r] : l.flatMap((a) => r.map((b) => [...a, ...b]));
      if (terms.length > MAX_TERMS) throw new TooManyTerms();
      return terms;
    }
  }
}

/**
 * The condition's alternatives, or the reason it cannot be expressed.
 *
 * @example
 * toDnf(parseCondition("not (has cookie a and has cookie b)").ast!)
 * // { terms: [[{ atom: cookie-present a, negated: true }], [{ atom: cookie-present b, negated: true }]] }
 */
export function toDnf(ast: ConditionNode): { terms: Literal[][] } | { error: string } {
  try {
    return { terms: dnf(toTree(ast), false) };
  } catch (e) {
    if (!(e instanceof TooManyTerms)) throw e;
    return { error: `expands to more than ${MAX_TERMS} alternatives in HAProxy (an OR of ANDs); simplify it` };
  }
}
