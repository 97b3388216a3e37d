/**
 * A condition's alternatives (condition/dnf.ts) → HAProxy ACLs. Each ACL is named by a hash of
 * its criterion, so equal tests share one ACL.
 */
import { toDnf, type Atom } from "../condition/dnf";
import type { ConditionNode } from "../model/condition";
import { fnv1a } from "./hash";

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

const q = (v: string) => `'${v}'`;

/** The HAProxy criterion of one test. */
function criterion(a: Atom): string {
  switch (a.kind) {
    // Host names are case-insensitive; the port part of the header is not the host.
    case "host":
      return `req.hdr(host),field(1,:) -i ${q(a.value)}`;
    case "header-contains":
      return `req.fhdr(${a.header}) -m sub ${q(a.value)}`;
    case "cookie-contains":
      return `req.cook(${a.cookie}) -m sub ${q(a.value)}`;
    case "header-present":
      return `req.hdr_cnt(${a.header}) gt 0`;
    case "cookie-present":
      return `req.cook(${a.cookie}) -m found`;
    case "raw":
      return a.acl;
  }
}

/** The ACL name of a criterion: stable across renders and hosts. */
export function aclName(text: string): string {
  return `c_${fnv1a(text)}`;
}

/**
 * Throws when the condition cannot be expressed; validation refuses such conditions first.
 *
 * @example
 * toHaproxyCondition(parseCondition("user-agent = Firefox or has cookie beta").ast!)
 * // { acls: [{ name: "c_…", criterion: "req.fhdr(User-Agent) -m sub 'Firefox'" }, ...], expression: "c_… || c_…" }
 */
export function toHaproxyCondition(ast: ConditionNode): HaproxyCondition {
  const d = toDnf(ast);
  if ("error" in d) throw new Error(`the condition ${d.error}`);
  const acls = new Map<string, Acl>();
  const expression = d.terms
    .map((term) =>
      term
        .map((lit) => {
          const text = criterion(lit.atom);
          const name = aclName(text);
          acls.set(name, { name, criterion: text });
          return `${lit.negated ? "!" : ""}${name}`;
        })
        .join(" "),
    )
    .join(" || ");
  return { acls: [...acls.values()], expression };
}
