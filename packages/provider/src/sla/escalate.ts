/**
 * What an escalation changes (Vamp's semantics): `scale_instances` adds or removes `scale_by`
 * instances, `scale_cpu` cores, `scale_memory` MB, within `minimum` and `maximum`, on its `target`
 * cluster (default the SLA's); `to_all` applies all of its escalations, `to_one` the first that can
 * change something (escalating) or the last that can (de-escalating). Pure.
 */
import { isRef, type Escalation } from "../model/artifact";

/** What a cluster runs now, as the scaling sees it. */
export interface ClusterScale {
  instances: number;
  /** Cores. */
  cpu: number;
  /** MB. */
  memory: number;
}

export interface ScaleChange {
  cluster: string;
  field: keyof ClusterScale;
  from: number;
  to: number;
}

const FIELD = { scale_instances: "instances", scale_cpu: "cpu", scale_memory: "memory" } as const;
const STEP = { instances: 1, cpu: 0.5, memory: 256 };
const FLOOR = { instances: 1, cpu: 0.1, memory: 64 };

function scaleOne(e: Escalation, up: boolean, cluster: string, current: Record<string, ClusterScale>): ScaleChange[] {
  if (e.type === "to_all" || e.type === "to_one") return group(e, up, cluster, current);
  const field = FIELD[e.type];
  const target = e.target ?? cluster;
  const now = current[target]?.[field];
  if (now === undefined) return [];
  const by = e.scaleBy ?? STEP[field];
  const min = e.minimum ?? FLOOR[field];
  const max = e.maximum ?? Infinity;
  const next = Math.round(Math.min(max, Math.max(min, up ? now + by : now - by)) * 1000) / 1000;
  return next === now ? [] : [{ cluster: target, field, from: now, to: next }];
}

function group(e: Escalation, up: boolean, cluster: string, current: Record<string, ClusterScale>): ScaleChange[] {
  const children = (e.escalations ?? []).filter((x): x is Escalation => !isRef(x));
  if (e.type === "to_all") return children.flatMap((x) => scaleOne(x, up, cluster, current));
  for (const x of up ? children : [...children].reverse()) {
    const c = scaleOne(x, up, cluster, current);
    if (c.length) return c;
  }
  return [];
}

/**
 * The changes of escalating (`up`) or de-escalating an SLA's escalations for `cluster`; empty when
 * everything is at its bound.
 *
 * @example
 * planEscalation([{ type: "scale_instances", minimum: 1, maximum: 5, scaleBy: 1 }], true, "web", { web: { instances: 2, cpu: 0.5, memory: 512 } })
 * // [{ cluster: "web", field: "instances", from: 2, to: 3 }]
 */
export function planEscalation(escalations: Escalation[], up: boolean, cluster: string, current: Record<string, ClusterScale>): ScaleChange[] {
  return group({ type: "to_all", escalations }, up, cluster, current);
}
