/**
 * Condition AST → HAProxy ACLs. HAProxy's `if` has AND (juxtaposition), OR (`||`) and `!` on
 * ACL names but no parentheses, so the expression is brought to disjunctive normal form (an OR
 * of ANDs of possibly negated ACLs), as Vamp did. Each ACL is named by a hash of its criterion,
 * so equal tests share one ACL.
 */
import { fnv1a } from "../haproxy/hash";
import type { ConditionNode } from "./ast";

export interface Acl {
  name: string;
  /** What follows `acl <name>` in the configuration. */
  criterion: string;
}

/** A condition as HAProxy sees it: ACL lines and the text after `if`. */
export interface HaproxyCondition {
  acls: Acl[];
  /** e.g. `c_1a2b3c4d !c_5e6f7a8b || c_9c0d1e2f` */
  expression: string;
}

/** The most OR-terms a condition may expand to (DNF can grow exponentially). */
export const MAX_TERMS = 64;

type Atom = { type: "atom"; criterion: string };
type Tree = Atom | { type: "not"; operand: Tree } | { type: "and" | "or"; left: Tree; right: Tree };
type Literal = { criterion: string; negated: boolean };

/** Substrings a browser name stands for in a user-agent (Safari's UA also says Version/). */
const BROWSERS: Record<string, string[]> = {
  chrome: ["Chrome"],
  firefox: ["Firefox"],
  edge: ["Edg"],
  msie: ["MSIE"],
  safari: ["Safari", "Version"],
};

function q(v: string): string {
  return `'${v}'`;
}

function toTree(n: ConditionNode): Tree {
  switch (n.type) {
    case "raw":
      return { type: "atom", criterion: n.acl };
    case "presence": {
      const atom: Tree = { type: "atom", criterion: n.what === "cookie" ? `req.cook(${n.name}) -m found` : `req.hdr_cnt(${n.name}) gt 0` };
      return n.negated ? { type: "not", operand: atom } : atom;
    }
    case "compare": {
      let t: Tree;
      switch (n.subject.kind) {
        case "host":
          // Host names are case-insensitive; the port part of the header is not the host.
          t = { type: "atom", criterion: `req.hdr(host),field(1,:) -i ${q(n.value)}` };
          break;
        case "user-agent": {
          const subs = BROWSERS[n.value.toLowerCase()] ?? [n.value];
          t = subs.map((s): Tree => ({ type: "atom", criterion: `req.fhdr(User-Agent) -m sub ${q(s)}` })).reduce((l, r) => ({ type: "and", left: l, right: r }));
          break;
        }
        case "cookie":
          t = { type: "atom", criterion: `req.cook(${n.subject.name}) -m sub ${q(n.value)}` };
          break;
        case "header":
          t = { type: "atom", criterion: `req.fhdr(${n.subject.name}) -m sub ${q(n.value)}` };
          break;
      }
      return n.negated ? { type: "not", operand: t } : t;
    }
    case "not":
      return { type: "not", operand: toTree(n.operand) };
    case "and":
    case "or":
      return { type: n.type, left: toTree(n.left), right: toTree(n.right) };
  }
}

/** Disjunctive normal form: a list of conjunctions of literals. Throws past MAX_TERMS. */
function dnf(t: Tree, negate = false): Literal[][] {
  switch (t.type) {
    case "atom":
      return [[{ criterion: t.criterion, negated: negate }]];
    case "not":
      return dnf(t.operand, !negate);
    case "and":
    case "or": {
      // De Morgan: under negation AND becomes OR and vice versa.
      const isOr = (t.type === "or") !== negate;
      const l = dnf(t.left, negate);
      const r = dnf(t.right, negate);
      if (isOr) return guard([...l, ...r]);
      const out: Literal[][] = [];
      for (const a of l) for (const b of r) out.push([...a, ...b]);
      return guard(out);
    }
  }
}

function guard(terms: Literal[][]): Literal[][] {
  if (terms.length > MAX_TERMS) throw new Error(`the condition expands to more than ${MAX_TERMS} alternatives in HAProxy; simplify it`);
  return terms;
}

/** The ACL name of a criterion: stable across renders and hosts. */
export function aclName(criterion: string): string {
  return `c_${fnv1a(criterion)}`;
}

/**
 * @example
 * toHaproxyCondition(parseCondition("user-agent = Firefox or has cookie beta").ast!)
 * // { acls: [{ name: "c_…", criterion: "req.fhdr(User-Agent) -m sub 'Firefox'" }, ...], expression: "c_… || c_…" }
 */
export function toHaproxyCondition(ast: ConditionNode): HaproxyCondition {
  const terms = dnf(toTree(ast));
  const acls = new Map<string, Acl>();
  const expression = terms
    .map((term) =>
      term
        .map((lit) => {
          const name = aclName(lit.criterion);
          acls.set(name, { name, criterion: lit.criterion });
          return `${lit.negated ? "!" : ""}${name}`;
        })
        .join(" "),
    )
    .join(" || ");
  return { acls: [...acls.values()], expression };
}
