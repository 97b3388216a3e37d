/**
 * A workload's scale as the SLA's escalations see it: replicas, cores and MB from a Deployment's
 * first container's requests (Kubernetes quantities), and back. Pure.
 */
import type { ClusterScale } from "./escalate";

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 };

/** `250m` → 0.25, `2` → 2. */
export function cores(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : undefined;
}

/** `512Mi` → 512, `1Gi` → 1024, `1G` → 953.67 (MB as Vamp counted: MiB). */
export function megabytes(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q);
  if (!m) return undefined;
  if (!m[2]) return Number(m[1]) / 1048576;
  return Number(m[1]) * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}

/** The parts of a Deployment the scaling reads. */
export interface ScalableWorkload {
  metadata?: { name?: string };
  spec?: { replicas?: number; template?: { spec?: { containers?: { resources?: { requests?: Record<string, string> } }[] } } };
}

/** Replicas, cores and MB of a workload (its first container's requests; 0 when not set). */
export function workloadScale(w: ScalableWorkload): ClusterScale {
  const req = w.spec?.template?.spec?.containers?.[0]?.resources?.requests ?? {};
  return { instances: w.spec?.replicas ?? 1, cpu: cores(req.cpu) ?? 0, memory: megabytes(req.memory) ?? 0 };
}

/** The quantity a scaled field is written as. */
export function quantity(field: "cpu" | "memory", value: number): string {
  return field === "cpu" ? `${Math.max(1, Math.round(value * 1000))}m` : `${Math.ceil(value)}Mi`;
}
