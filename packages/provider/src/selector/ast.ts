/**
 * Selector language (Vamp): which workload instances a gateway or route selects.
 *
 *   label(app)(shop) && label(version)((.*))     one route per captured version
 *   name(^web-.*) || image(.*:2\.\d+)
 *   not namespace(kube-.*)
 *
 * Functions: name(re) kind(re) namespace(re) image(re) ip(re) port(n) index(n) label(key)(re),
 * and the constants true / false; operators and && &, or || |, not !, parentheses.
 * Values are regular expressions matched against the whole field; a capture group in them
 * makes one route per captured value.
 */
import type { SelectorNode } from "../model/selector";
import type { Problem } from "../model/problem";

export type { SelectorField, SelectorNode, WorkloadInstance } from "../model/selector";

/** A problem in a selector: `offset` is where it starts in the text. */
export type SelectorError = Problem;

/** Prints an AST back as selector text (round-trip tests; error messages). */
export function printSelector(n: SelectorNode): string {
  switch (n.type) {
    case "const":
      return String(n.value);
    case "match":
      return `${n.field}(${n.pattern})`;
    case "label":
      return `label(${n.key})(${n.pattern})`;
    case "port":
      return `port(${n.port})`;
    case "index":
      return `index(${n.index})`;
    case "not":
      return `!${wrap(n.operand, n)}`;
    case "and":
      return `${wrap(n.left, n)} && ${wrap(n.right, n)}`;
    case "or":
      return `${wrap(n.left, n)} || ${wrap(n.right, n)}`;
  }
}

function wrap(child: SelectorNode, parent: SelectorNode): string {
  const rank = (x: SelectorNode) => (x.type === "or" ? 1 : x.type === "and" ? 2 : 3);
  const s = printSelector(child);
  return rank(child) < rank(parent) || (parent.type === "not" && rank(child) < 3) ? `(${s})` : s;
}
