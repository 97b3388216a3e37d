/**
 * The workflow agent's release side: it drives the releases handed to the cluster (resuming one
 * at its recorded step after a restart, never from the start and never skipping the analysis),
 * and takes a release whose `pulumi up` went away (its lease lapsed) back to stable.
 */
import type { Logger } from "../infra/logger";
import { messageOf } from "../model/problem";
import type { ReleaseRecord } from "../model/release";
import type { Tenant } from "../model/tenant";
import { leaseLapsed } from "../record/release";
import { releasesDir } from "../record/keys";
import { driveRelease } from "../rollout/driver";
import { claimRelease, decodeReleases } from "../rollout/records";
import type { EventSink } from "../rollout/report";
import { followDir, type DirFollower } from "../store/follow";
import type { SearchClient } from "../search/client";
import type { KeyValueStore, KvEntry } from "../store/types";

export interface ReleaseSupervisorOptions {
  store: KeyValueStore;
  tenant: Tenant;
  /** This agent's name; its lease holder is `workflow-agent/<id>`, the same after a restart. */
  agentId: string;
  log: Logger;
  events?: EventSink;
  /** The environment's search cluster (the gateway logs), for releases with log checks. */
  logs?: SearchClient;
  tickMs?: number;
}

/** What the supervisor would do with a record now: drive it, roll it back, or leave it. */
export function releaseAction(r: ReleaseRecord, holder: string, now: number): "drive" | "rollback" | undefined {
  const running = r.state?.phase === "progressing";
  if (r.driver === "cluster") {
    if (r.state && !running) return undefined;
    return !r.lease || r.lease.holder === holder || leaseLapsed(r, now) ? "drive" : undefined;
  }
  return running && leaseLapsed(r, now) ? "rollback" : undefined;
}

export class ReleaseSupervisor {
  private readonly holder: string;
  private readonly driving = new Map<string, Promise<void>>();
  private readonly halt = new AbortController();
  private follower: DirFollower | undefined;

  constructor(private readonly o: ReleaseSupervisorOptions) {
    this.holder = `workflow-agent/${o.agentId}`;
  }

  async start(): Promise<void> {
    const { store, tenant, log } = this.o;
    this.follower = await followDir(store, releasesDir(tenant), (entries) => this.consider(entries), { log, what: "release-scan" });
  }

  /** Stops driving (releases stay where they are; a restart resumes them). */
  async stop(): Promise<void> {
    this.halt.abort("the workflow agent stopped");
    await this.follower?.close();
    await Promise.allSettled(this.driving.values());
  }

  /** The releases being driven now. */
  get active(): string[] {
    return [...this.driving.keys()];
  }

  /** Begins what each record asks for; wakes again when the first lease still running would lapse. */
  private async consider(entries: KvEntry[]): Promise<number | undefined> {
    if (this.halt.signal.aborted) return undefined;
    const { records, unreadable } = decodeReleases(entries);
    for (const u of unreadable) this.o.log({ event: "release-unreadable", message: u });
    const leases: number[] = [];
    for (const r of records) {
      const action = releaseAction(r, this.holder, Date.now());
      if (action && !this.driving.has(r.name)) this.begin(r, action);
      else if (r.lease && r.state?.phase === "progressing") leases.push(r.lease.expiresAt + 1);
    }
    return leases.length ? Math.min(...leases) : undefined;
  }

  private begin(r: ReleaseRecord, action: "drive" | "rollback"): void {
    const lapsed = r.lease ? Date.now() - r.lease.expiresAt : 0;
    const signal = action === "rollback" ? AbortSignal.abort(`the lease of ${r.lease?.holder} lapsed ${lapsed} ms ago: its driver is gone`) : undefined;
    const { store, tenant, log, events, logs } = this.o;
    const run = (async () => {
      const claimed = await claimRelease(store, tenant, r.name, undefined, this.holder, 2500, r.driver);
      log({ event: action === "rollback" ? "release-takeover" : "release-drive", release: r.name, step: claimed.state?.step });
      const out = await driveRelease(claimed, {
        store,
        tenant,
        holder: this.holder,
        events,
        logs,
        signal,
        halt: this.halt.signal,
        tickMs: this.o.tickMs,
        say: (line) => log({ event: "release", release: r.name, line }),
      });
      log({ event: "release-ended", release: r.name, phase: out.state.phase, reason: out.state.reason, confirmedMs: out.confirmed?.ms });
    })()
      .catch((e) => log({ event: "release-error", release: r.name, message: messageOf(e) }))
      .finally(() => this.driving.delete(r.name));
    this.driving.set(r.name, run);
  }
}
