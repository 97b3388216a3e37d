/**
 * The boolean layer both small languages share (conditions and selectors):
 *
 *   or    = and { OR and } ;
 *   and   = unary { AND unary } ;
 *   unary = NOT unary | primary ;
 *
 * Each language brings its tokens (what counts as OR, AND, NOT) and its primary terms
 * (including parentheses, which parse a nested expression with parseBoolean again).
 */
export interface BooleanGrammar<N> {
  /** Whether the next token is the operator (nothing consumed). */
  atOr(): boolean;
  atAnd(): boolean;
  atNot(): boolean;
  /** Consumes the operator token just looked at. */
  skip(): void;
  /** A primary term. Undefined after an error (the grammar recorded why). */
  primary(): N | undefined;
}

/** Node constructors shared by both ASTs. */
export type BooleanNode<N> = { type: "and" | "or"; left: N; right: N } | { type: "not"; operand: N };

/** Parses `or` at the grammar's position; undefined when a term failed (the grammar recorded why). */
export function parseBoolean<N>(g: BooleanGrammar<N>): N | undefined {
  const binary = (type: "and" | "or", at: () => boolean, next: () => N | undefined) => (): N | undefined => {
    let left = next();
    while (left && at()) {
      g.skip();
      const right = next();
      if (!right) return undefined;
      left = { type, left, right } as BooleanNode<N> as N;
    }
    return left;
  };
  const unary = (): N | undefined => {
    if (g.atNot()) {
      g.skip();
      const operand = unary();
      return operand && ({ type: "not", operand } as BooleanNode<N> as N);
    }
    return g.primary();
  };
  const and = binary("and", () => g.atAnd(), unary);
  const or: () => N | undefined = binary("or", () => g.atOr(), and);
  return or();
}
