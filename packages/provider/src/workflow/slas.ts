/**
 * The workflow agent's SLA side: every SLA's window, the mean response time of its cluster's
 * gateways from every agent's live counts, the verdict, and the escalation applied to the
 * cluster's workloads through the Kubernetes API, honouring the cooldown (kept in the agent's
 * own status record, so a restart does not act twice). It reads the SLAs when they change and
 * when a window ends.
 */
import type * as K8s from "@kubernetes/client-node";
import { applyScale, workloadScales } from "../discovery/scale";
import type { VampEvent } from "../events/event";
import type { Logger } from "../infra/logger";
import { emptyHistogram, mean, mergeHistogram } from "../metrics/histogram";
import { isRef, type Escalation } from "../model/artifact";
import { messageOf } from "../model/problem";
import type { SlaRecord, SlaStatus } from "../model/sla";
import type { Tenant } from "../model/tenant";
import { LABELS, labelValue } from "../release/plan";
import { slasDir, statusKeyOf } from "../record/keys";
import { agentWindows } from "../rollout/agents";
import type { EventSink } from "../rollout/report";
import { planEscalation, type ScaleChange } from "../sla/escalate";
import { slaVerdict } from "../sla/evaluate";
import { followDir, type DirFollower } from "../store/follow";
import type { KeyValueStore, KvEntry } from "../store/types";

export interface SlaMonitorOptions {
  store: KeyValueStore;
  tenant: Tenant;
  kubeConfig: K8s.KubeConfig;
  log: Logger;
  events?: EventSink;
}

export class SlaMonitor {
  private readonly evaluated = new Map<string, number>();
  private follower: DirFollower | undefined;

  constructor(private readonly o: SlaMonitorOptions) {}

  async start(): Promise<void> {
    const { store, tenant, log } = this.o;
    this.follower = await followDir(store, slasDir(tenant), (entries) => this.consider(entries), { log, what: "sla-scan" });
  }

  async stop(): Promise<void> {
    await this.follower?.close();
  }

  /** Evaluates every SLA whose window has passed; wakes when the next one's does. */
  private async consider(entries: KvEntry[]): Promise<number | undefined> {
    let wakeAt = Infinity;
    for (const e of entries) {
      let rec: SlaRecord;
      try {
        rec = JSON.parse(e.value) as SlaRecord;
      } catch {
        this.o.log({ event: "sla-unreadable", key: e.key });
        continue;
      }
      const now = Date.now();
      const windowMs = rec.sla.window.interval * 1000;
      const last = this.evaluated.get(e.key) ?? 0;
      if (now - last >= windowMs) {
        this.evaluated.set(e.key, now);
        await this.evaluate(e.key, rec, now).catch((err) => this.o.log({ event: "sla-error", key: e.key, message: messageOf(err) }));
      }
      wakeAt = Math.min(wakeAt, (this.evaluated.get(e.key) ?? now) + windowMs);
    }
    return Number.isFinite(wakeAt) ? wakeAt : undefined;
  }

  /** The window's requests and mean response time over the cluster's gateways. */
  private async window(rec: SlaRecord, now: number) {
    const span = { from: now - rec.sla.window.interval * 1000, to: Math.ceil(now / 1000) * 1000 };
    const latency = emptyHistogram();
    let requests = 0;
    for (const g of rec.gateways) {
      const { window } = await agentWindows(this.o.store, this.o.tenant, g, span);
      for (const r of window.routes) {
        requests += r.requests;
        mergeHistogram(latency, r.latency);
      }
    }
    return { requests, meanMs: mean(latency) };
  }

  private async evaluate(key: string, rec: SlaRecord, now: number): Promise<void> {
    const statusKey = statusKeyOf(this.o.tenant, "slas", key);
    const status = await this.o.store.get(statusKey).then((e) => (e ? (JSON.parse(e.value) as SlaStatus) : {}));
    const verdict = slaVerdict(rec.sla, await this.window(rec, now), status.last?.at, now);
    if (verdict.action === "none") return;
    const changes = await this.scale(rec, verdict.action === "escalate");
    const name = `${rec.deployment}/${rec.cluster}`;
    this.o.log({ event: `sla-${verdict.action}`, sla: name, reason: verdict.reason, changes });
    if (!changes.length) return; // at its bounds: nothing done, nothing to cool down from
    const next: SlaStatus = { last: { at: Date.now(), action: verdict.action, reason: verdict.reason } };
    await this.o.store.put(statusKey, JSON.stringify(next));
    this.o.events?.push(slaEvent(this.o.tenant, rec, verdict.action, { reason: verdict.reason, changes }));
  }

  /** Plans and applies the escalation on every workload of the cluster (and of clusters it targets). */
  private async scale(rec: SlaRecord, up: boolean): Promise<(ScaleChange & { workload: string })[]> {
    const targets = new Set([rec.cluster, ...rec.sla.escalations.flatMap(targetsOf)]);
    const applied: (ScaleChange & { workload: string })[] = [];
    for (const cluster of targets) {
      const selector = `${LABELS.deployment}=${rec.deployment},${LABELS.cluster}=${labelValue(cluster)}`;
      for (const w of await workloadScales(this.o.kubeConfig, rec.namespace, selector)) {
        for (const change of planEscalation(rec.sla.escalations, up, rec.cluster, { [cluster]: w.scale })) {
          await applyScale(this.o.kubeConfig, rec.namespace, w.name, change);
          applied.push({ ...change, workload: w.name });
        }
      }
    }
    return applied;
  }
}

/** The clusters an escalation names as its target, at any depth. */
function targetsOf(e: Escalation): string[] {
  return [...(e.target ? [e.target] : []), ...(e.escalations ?? []).flatMap((x) => (isRef(x) ? [] : targetsOf(x)))];
}

function slaEvent(tenant: Tenant, rec: SlaRecord, action: "escalate" | "deescalate", value: unknown): VampEvent {
  return {
    tags: [`deployments:${rec.deployment}`, `clusters:${rec.deployment}/${rec.cluster}`, `environments:${tenant.environment}`, `sla:${action}`],
    type: "sla",
    value,
    timestamp: Date.now(),
    actor: "workflow-agent",
  };
}
