/**
 * The agent's log pipeline: HAProxy's access log (received from its ring) → parsed → the live
 * per-route metrics, and → the bounded spool → bulk into the tenant's search cluster, into daily
 * indices. A search outage only grows the spool; the bound drops the oldest lines, counted.
 */
import { messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { accessDocument, parseAccessLine, type AccessRecord } from "../logs/access-log";
import { dailyIndex, indexPrefix } from "../logs/indices";
import { LiveBuckets } from "../metrics/live";
import { BackoffState, CoalescingLoop, every } from "../infra";
import { bulkIndex } from "../search/bulk";
import { ensureTemplate } from "../search/templates";
import type { SearchClient } from "../search/client";
import { receiveLines } from "./receiver";
import { Spool } from "./spool";

export interface LogPipelineOptions {
  tenant: Tenant;
  /** Names this agent in every document (and makes document ids unique across agents). */
  agentId: string;
  /** Where HAProxy's ring forwards the access log. */
  listen: { host: string; port: number };
  /** The search cluster of the environment's region; absent: live metrics only, nothing spooled. */
  search?: SearchClient;
  spoolDir: string;
  /** Default 256 MiB. */
  spoolMaxBytes?: number;
  /** Documents per bulk request (default 5,000). */
  batchLines?: number;
  /** How often a batch smaller than that is sent, ms (default 200). */
  shipEveryMs?: number;
  /** Each request, as it arrives (the agent's Prometheus counters). */
  onRecord?: (r: AccessRecord) => void;
  /** Something worth an event: lines dropped by the bound, refused by the cluster, shipping failing. */
  onEvent?: (e: { event: "logs-dropped" | "logs-refused" | "logs-ship-error" | "logs-shipping-again"; lines?: number; message: string }) => void;
}

export interface LogPipelineStatus {
  received: number;
  malformed: number;
  shipped: number;
  refused: number;
  dropped: number;
  spoolBytes: number;
  /** The search cluster's URL, or none. */
  search?: string;
  lastError?: string;
}

export class LogPipeline {
  readonly live = new LiveBuckets();
  private readonly spool: Spool | undefined;
  private readonly counters = { received: 0, malformed: 0, shipped: 0, refused: 0, dropped: 0 };
  private readonly backoff = new BackoffState({ initialMs: 250, maxMs: 5000 });
  private readonly ship = new CoalescingLoop(() => this.shipOnce());
  private retryAt = 0;
  /** Lines spooled since the last shipping run. */
  private pending = 0;
  private lastError: string | undefined;
  private server: { close(): Promise<void> } | undefined;
  private stopTimer: (() => void) | undefined;
  private readonly prefix: string;

  constructor(private readonly options: LogPipelineOptions) {
    this.spool = options.search ? new Spool(options.spoolDir, { maxBytes: options.spoolMaxBytes ?? 256 * 2 ** 20 }) : undefined;
    this.prefix = indexPrefix(options.tenant.organization, options.tenant.environment, "gateway-logs");
  }

  /**
   * @example
   * const logs = new LogPipeline({ tenant, agentId: "agent-a", listen: { host: "127.0.0.1", port: 19101 }, search, spoolDir });
   * await logs.start();
   */
  async start(): Promise<void> {
    this.server = await receiveLines(this.options.listen, (lines) => this.take(lines));
    this.stopTimer = every(this.options.shipEveryMs ?? 200, async () => {
      this.live.prune(Date.now());
      await this.ship.trigger();
    });
    void this.ship.trigger(); // what a previous run left in the spool
  }

  /** Parses and counts lines, spools them for the search cluster. */
  take(lines: string[]): void {
    const spooled: string[] = [];
    for (const line of lines) {
      this.counters.received++;
      const p = parseAccessLine(line);
      if (!p.ok) {
        this.counters.malformed++;
        continue;
      }
      this.live.add(p.record);
      this.options.onRecord?.(p.record);
      if (this.spool) spooled.push(`${dailyIndex(this.prefix, new Date(p.record.ts))}\t${JSON.stringify(accessDocument(p.record, this.options.agentId))}`);
    }
    if (!this.spool || !spooled.length) return;
    const dropped = this.spool.append(spooled);
    if (dropped) {
      this.counters.dropped += dropped;
      this.options.onEvent?.({ event: "logs-dropped", lines: dropped, message: `the spool reached its bound; dropped the ${dropped} oldest lines` });
    }
    // A full batch goes at once; smaller ones wait for the timer, so a quiet gateway costs a
    // bulk request per interval, not one per request.
    this.pending += spooled.length;
    if (this.pending >= (this.options.batchLines ?? 5000)) void this.ship.trigger();
  }

  private async shipOnce(): Promise<void> {
    const { spool, options } = this;
    if (!spool || !options.search || Date.now() < this.retryAt) return;
    this.pending = 0;
    for (;;) {
      const { lines, next } = spool.read(options.batchLines ?? 5000);
      if (!lines.length) {
        spool.commit(next); // finished segments go
        return;
      }
      try {
        await ensureTemplate(options.search, this.prefix, "gateway-logs");
        const docs = lines.map((l) => {
          const tab = l.text.indexOf("\t");
          return { index: l.text.slice(0, tab), id: `${options.agentId}-${l.id}`, json: l.text.slice(tab + 1) };
        });
        const r = await bulkIndex(options.search, docs);
        this.counters.shipped += r.indexed;
        if (r.refused.length) {
          this.counters.refused += r.refused.length;
          options.onEvent?.({
            event: "logs-refused",
            lines: r.refused.length,
            message: `the search cluster refused ${r.refused.length} lines: ${r.refused[0].reason}`,
          });
        }
        spool.commit(next);
        if (this.lastError) options.onEvent?.({ event: "logs-shipping-again", message: `shipping to ${options.search.url} again` });
        this.lastError = undefined;
        this.backoff.succeeded();
      } catch (e) {
        this.backoff.failed();
        this.retryAt = Date.now() + (this.backoff.next() ?? 0);
        if (!this.lastError) options.onEvent?.({ event: "logs-ship-error", message: messageOf(e) });
        this.lastError = messageOf(e);
        return;
      }
    }
  }

  status(): LogPipelineStatus {
    return {
      ...this.counters,
      spoolBytes: this.spool?.bytes ?? 0,
      ...(this.options.search ? { search: this.options.search.url } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops receiving; ships what it can for up to `drainMs`, keeps the rest in the spool. */
  async stop(drainMs = 2000): Promise<void> {
    this.stopTimer?.();
    await this.server?.close();
    const until = Date.now() + drainMs;
    while (this.spool && this.spool.bytes > 0 && !this.lastError && Date.now() < until) await this.ship.trigger();
    await this.ship.stop();
    this.spool?.close();
    await this.options.search?.close();
  }
}
