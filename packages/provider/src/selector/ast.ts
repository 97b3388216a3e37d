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
export type SelectorField = "name" | "kind" | "namespace" | "image" | "ip";

export type SelectorNode =
  | { type: "const"; value: boolean }
  | { type: "match"; field: SelectorField; pattern: string }
  | { type: "label"; key: string; pattern: string }
  | { type: "port"; port: number }
  | { type: "index"; index: number }
  | { type: "not"; operand: SelectorNode }
  | { type: "and" | "or"; left: SelectorNode; right: SelectorNode };

/** One instance of a workload, as discovery reports it. */
export interface WorkloadInstance {
  /** The workload's name (a Deployment's name, or the pod's own). */
  name: string;
  /** Deployment, StatefulSet, DaemonSet or Pod. */
  kind: string;
  namespace: string;
  image: string;
  labels: Record<string, string>;
  ip: string;
  ports: number[];
  /** The instance's position among its workload's instances (sorted by name). */
  index: number;
  /** The pod's name, for stable server naming. */
  instance: string;
}

/** A problem in a selector, with the offset where it starts. */
export interface SelectorError {
  offset: number;
  message: string;
}

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
