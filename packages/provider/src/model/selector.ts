/** The selector language's syntax tree and what it matches (see selector/ for the grammar). */
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
