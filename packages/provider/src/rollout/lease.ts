/**
 * A driver's lease kept alive beside its work: a slow webhook, a slow store or a long rollback
 * confirmation must not let the lease lapse while the driver lives, or the workflow agent would
 * take a healthy release back to stable. The lease still lapses when the driver's process dies,
 * which is what it is for.
 */
import { VampError } from "../model/problem";
import type { LookEntry, ReleaseRecord } from "../model/release";
import type { Tenant } from "../model/tenant";
import type { KeyValueStore } from "../store/types";
import { readRelease, renewLease, updateRelease } from "./records";

export interface LeaseKeeper {
  /** The driver's latest look, written with the next renewal (the page shows the step's analysis without a write of its own). */
  look?: LookEntry;
  /** The record as it is now; throws when another driver took the release or its record is gone. */
  current(): Promise<ReleaseRecord>;
  /** No more renewals; resolves once a renewal in flight has landed, so a lease dropped after it stays dropped. */
  stop(): Promise<void>;
  /** Stops, then removes the lease (and the look) from the record if it is still this holder's: the release has ended. */
  release(): Promise<void>;
}

/**
 * Renews `holder`'s lease every third of its lifetime until stopped.
 *
 * @example
 * const lease = keepLease(store, tenant, "shop-v2", "pulumi/…", 2500);
 * try { const rec = await lease.current(); … } finally { await lease.stop(); }
 */
export function keepLease(store: KeyValueStore, tenant: Tenant, name: string, holder: string, ttlMs: number): LeaseKeeper {
  let lost: unknown;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const keeper: LeaseKeeper = {
    async current() {
      if (lost) throw lost;
      const rec = await readRelease(store, tenant, name);
      if (!rec) throw new VampError("not-found", `release ${name}: its record was deleted from the store`);
      if (rec.lease && rec.lease.holder !== holder) throw new VampError("conflict", `release ${name}: ${rec.lease.holder} took it over`);
      return rec;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
    async release() {
      await keeper.stop();
      await updateRelease(store, tenant, name, (cur) => {
        if (!cur || cur.lease?.holder !== holder) return undefined;
        const next = { ...cur };
        delete next.lease;
        delete next.look;
        return next;
      });
    },
  };
  async function renew(): Promise<void> {
    try {
      await renewLease(store, tenant, name, holder, ttlMs, keeper.look);
    } catch (e) {
      // Taken over or deleted: the driver stops at its next look. A store away: the next renewal tries again.
      if (e instanceof VampError && (e.code === "conflict" || e.code === "not-found")) lost = e;
    }
    if (!stopped && !lost) schedule();
  }
  function schedule(): void {
    timer = setTimeout(() => (inFlight = renew()), ttlMs / 3);
  }
  schedule();
  return keeper;
}
