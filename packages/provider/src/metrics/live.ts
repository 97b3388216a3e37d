/**
 * The live source's memory: each route's requests in 1 s buckets, by the second they completed,
 * for the last {@link LiveBuckets.retentionMs}. Pure (the caller gives the time).
 */
import type { AccessRecord } from "../logs/access-log";
import { countRequest, emptyCounts, mergeCounts, type RouteCounts, type WindowCounts } from "./window";

export class LiveBuckets {
  /** second (ms since the epoch / 1000) → `gateway\0route` → counts */
  private readonly seconds = new Map<number, Map<string, RouteCounts>>();

  /** Keeps 15 minutes by default (the UI's charts). */
  constructor(readonly retentionMs = 15 * 60_000) {}

  /** Counts one request in the second it completed. */
  add(r: AccessRecord): void {
    const s = Math.floor(r.ts / 1000);
    let routes = this.seconds.get(s);
    if (!routes) this.seconds.set(s, (routes = new Map()));
    const k = `${r.gateway}\u0000${r.route}`;
    let c = routes.get(k);
    if (!c) routes.set(k, (c = emptyCounts(r.gateway, r.route)));
    countRequest(c, r);
  }

  /** Drops the seconds older than the retention at `now`. */
  prune(now: number): void {
    const oldest = Math.floor((now - this.retentionMs) / 1000);
    for (const s of this.seconds.keys()) if (s < oldest) this.seconds.delete(s);
  }

  /**
   * The counts of `[from, to)` (whole seconds), optionally of one gateway.
   *
   * @example
   * live.window(Date.now() - 30_000, Date.now(), "shop").routes
   */
  window(from: number, to: number, gateway?: string): WindowCounts {
    const f = Math.floor(from / 1000);
    const t = Math.floor(to / 1000);
    const out = new Map<string, RouteCounts>();
    for (const [s, routes] of this.seconds) {
      if (s < f || s >= t) continue;
      for (const [k, c] of routes) {
        if (gateway !== undefined && c.gateway !== gateway) continue;
        if (!out.has(k)) out.set(k, emptyCounts(c.gateway, c.route));
        mergeCounts(out.get(k)!, c);
      }
    }
    return { from: f * 1000, to: t * 1000, routes: [...out.values()] };
  }

  /**
   * Per-second series of one gateway's routes over `[from, to)`: the charts' data.
   *
   * @example
   * live.series("shop", now - 60_000, now) // [{ second, route, requests, status, ... }, ...]
   */
  series(gateway: string, from: number, to: number): (RouteCounts & { second: number })[] {
    const f = Math.floor(from / 1000);
    const t = Math.floor(to / 1000);
    const out: (RouteCounts & { second: number })[] = [];
    for (const [s, routes] of [...this.seconds].sort((a, b) => a[0] - b[0])) {
      if (s < f || s >= t) continue;
      for (const c of routes.values()) if (c.gateway === gateway) out.push({ ...c, second: s * 1000 });
    }
    return out;
  }
}
