/** The condition language's syntax tree (see condition/ for the grammar). */
export type Subject = { kind: "host" } | { kind: "user-agent" } | { kind: "cookie"; name: string } | { kind: "header"; name: string };

export type ConditionNode =
  /** `subject op value`; `negated` for `!=`, `not`, `misses`. */
  | { type: "compare"; subject: Subject; value: string; negated: boolean }
  /** `has cookie C` / `misses header H`. */
  | { type: "presence"; what: "cookie" | "header"; name: string; negated: boolean }
  | { type: "raw"; acl: string }
  | { type: "not"; operand: ConditionNode }
  | { type: "and" | "or"; left: ConditionNode; right: ConditionNode };
