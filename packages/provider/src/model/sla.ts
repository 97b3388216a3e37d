/**
 * An SLA in the store (`/vamp/<org>/<env>/slas/<deployment>.<cluster>`): what the workflow agent
 * watches (the cluster's internal gateways), what it scales (the cluster's workloads in the
 * namespace), and when it last acted (its cooldown survives a restart).
 */
import type { Escalation, Sla } from "./artifact";

export const SLA_API_VERSION = "vamp.io/v1";

export interface SlaRecord {
  apiVersion: typeof SLA_API_VERSION;
  kind: "Sla";
  deployment: string;
  cluster: string;
  /** The Kubernetes namespace of the workloads. */
  namespace: string;
  /** The gateways whose traffic is the cluster's response time (its internal gateways). */
  gateways: string[];
  /** The SLA with its escalations given inline (references resolved). */
  sla: Omit<Sla, "escalations"> & { escalations: Escalation[] };
  /** The last escalation or de-escalation: when, which, and why. */
  last?: { at: number; action: "escalate" | "deescalate"; reason: string };
}
