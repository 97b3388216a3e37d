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
import { claimRelease, listReleases } from "../rollout/records";
import type { EventSink } from "../rollout/report";
import type { KeyValueStore, StoreWatch } from "../store/types";

export interface ReleaseSupervisorOptions {
  store: KeyValueStore;
  tenant: Tenant;
  /** This agent's name; its lease holder is `workflow-agent/<id>`, the same after a restart. */
  agentId: string;
  log: Logger;
  events?: EventSink;
  /** How often to look at every release besides the store's watch (default 500 ms). */
  scanMs?: number;
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
  private timer: NodeJS.Timeout | undefined;
  private watch: StoreWatch | undefined;
  private scanning = false;

  constructor(private readonly o: ReleaseSupervisorOptions) {
    this.holder = `workflow-agent/${o.agentId}`;
  }

  async start(): Promise<void> {
    this.watch = await this.o.store.watch(releasesDir(this.o.tenant), () => void this.scan());
    this.timer = setInterval(() => void this.scan(), this.o.scanMs ?? 500);
    await this.scan();
  }

  /** Stops driving (releases stay where they are; a restart resumes them). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.halt.abort("the workflow agent stopped");
    await this.watch?.close();
    await Promise.allSettled(this.driving.values());
  }

  /** The releases being driven now. */
  get active(): string[] {
    return [...this.driving.keys()];
  }

  private async scan(): Promise<void> {
    if (this.scanning || this.halt.signal.aborted) return;
    this.scanning = true;
    try {
      const { records, unreadable } = await listReleases(this.o.store, this.o.tenant);
      for (const u of unreadable) this.o.log({ event: "release-unreadable", message: u });
      for (const r of records) {
        const action = releaseAction(r, this.holder, Date.now());
        if (action && !this.driving.has(r.name)) this.begin(r, action);
      }
    } catch (e) {
      this.o.log({ event: "release-scan-error", message: messageOf(e) });
    } finally {
      this.scanning = false;
    }
  }

  private begin(r: ReleaseRecord, action: "drive" | "rollback"): void {
    const lapsed = r.lease ? Date.now() - r.lease.expiresAt : 0;
    const signal = action === "rollback" ? AbortSignal.abort(`the lease of ${r.lease?.holder} lapsed ${lapsed} ms ago: its driver is gone`) : undefined;
    const { store, tenant, log, events } = this.o;
    const run = (async () => {
      const claimed = await claimRelease(store, tenant, r.name, undefined, this.holder, 2500, r.driver);
      log({ event: action === "rollback" ? "release-takeover" : "release-drive", release: r.name, step: claimed.state?.step });
      const out = await driveRelease(claimed, {
        store,
        tenant,
        holder: this.holder,
        events,
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
