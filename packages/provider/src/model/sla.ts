/**
 * An SLA in the store (`/vamp/<org>/<env>/slas/<deployment>.<cluster>`, written by the
 * Deployment that declares it): what the workflow agent watches (the cluster's internal
 * gateways) and what it scales (the cluster's workloads in the namespace). When the agent last
 * acted is its own record ({@link SlaStatus}), so its cooldown survives a restart and the
 * stack's record never drifts.
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
}

/** The workflow agent's own record of an SLA (`/vamp/<org>/<env>/status/slas/<deployment>.<cluster>`). */
export interface SlaStatus {
  /** The last escalation or de-escalation: when, which, and why. */
  last?: { at: number; action: "escalate" | "deescalate"; reason: string };
}
