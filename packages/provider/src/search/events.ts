/**
 * Vamp's events in the management region's search cluster: emitted into the organization's daily
 * `audit` indices, queried by tags and time, followed live.
 */
import { randomUUID } from "node:crypto";
import { eventDocument, eventOfDocument, eventsQuery, type VampEvent } from "../events/event";
import { dailyIndex, indexPrefix } from "../logs/indices";
import { messageOf } from "../model/problem";
import { retry, sleep } from "../infra/retry";
import { bulkIndex } from "./bulk";
import { ensureTemplate } from "./templates";
import { retryableSearchError, type SearchClient } from "./client";

export interface EmitOutcome {
  emitted: number;
  /** Events that could not be written after the retries, with why (kept so a caller can report them). */
  missed: { tags: string[]; type: string; error: string }[];
}

/** The audit indices of an organization. */
export function eventIndices(organization: string): string {
  return `${indexPrefix(organization, undefined, "audit")}-*`;
}

/**
 * Writes events; never throws: what cannot be written after `attempts` is returned as missed.
 *
 * @example
 * const { missed } = await emitEvents(search, "acme", [routeEvent]);
 */
export async function emitEvents(search: SearchClient, organization: string, events: VampEvent[], attempts = 4): Promise<EmitOutcome> {
  if (!events.length) return { emitted: 0, missed: [] };
  const prefix = indexPrefix(organization, undefined, "audit");
  // Ids fixed before the first attempt: a retry after a lost answer stores each event once.
  const docs = events.map((e) => ({ index: dailyIndex(prefix, new Date(e.timestamp)), id: randomUUID(), json: JSON.stringify(eventDocument(e)) }));
  try {
    const r = await retry(
      async () => {
        await ensureTemplate(search, prefix, "audit");
        return bulkIndex(search, docs);
      },
      { attempts, initialMs: 200, maxMs: 2000, retryable: retryableSearchError },
    );
    const refused = new Set(r.refused.map((x) => x.id));
    return {
      emitted: r.indexed,
      missed: events.flatMap((e, i) =>
        refused.has(docs[i].id) ? [{ tags: e.tags, type: e.type, error: r.refused.find((x) => x.id === docs[i].id)!.reason }] : [],
      ),
    };
  } catch (e) {
    return { emitted: 0, missed: events.map((ev) => ({ tags: ev.tags, type: ev.type, error: messageOf(e) })) };
  }
}

interface Hits {
  hits?: { hits?: { _id: string; _source: Record<string, unknown> }[] };
}

/**
 * Events carrying every tag in `tags`, newer than `since` (ms), oldest first (`order: "desc"`:
 * the newest `size`, newest first).
 *
 * @example
 * await queryEvents(search, "acme", ["gateways:shop", "route:weightupdated"], Date.now() - 3_600_000);
 */
export async function queryEvents(
  search: SearchClient,
  organization: string,
  tags: string[],
  since: number,
  size = 1000,
  order: "asc" | "desc" = "asc",
): Promise<(VampEvent & { id: string })[]> {
  const answer = await search.request<Hits>(
    {
      method: "POST",
      path: `/${eventIndices(organization)}/_search`,
      body: eventsQuery(tags, since, size, order),
      querystring: { ignore_unavailable: true, allow_no_indices: true },
    },
    { tolerate404: true },
  );
  return (answer?.hits?.hits ?? []).map((h) => ({ ...eventOfDocument(h._source), id: h._id }));
}

/**
 * Calls `onEvent` for each new event as it becomes searchable (polled every `everyMs`), until the
 * returned function is called.
 */
export function followEvents(
  search: SearchClient,
  organization: string,
  tags: string[],
  since: number,
  onEvent: (e: VampEvent) => void,
  opts: { everyMs?: number; onError?: (e: unknown) => void } = {},
): () => void {
  let stopped = false;
  const seen = new Map<string, number>(); // id → timestamp; pruned behind the look-back
  let from = since;
  void (async () => {
    while (!stopped) {
      try {
        await search.request(
          { method: "POST", path: `/${eventIndices(organization)}/_refresh`, querystring: { ignore_unavailable: true, allow_no_indices: true } },
          { tolerate404: true },
        );
        // Events may become searchable out of order: look back a little (never before `since`), skip what was shown.
        for (const e of await queryEvents(search, organization, tags, Math.max(since, from - 5000))) {
          if (seen.has(e.id)) continue;
          seen.set(e.id, e.timestamp);
          from = Math.max(from, e.timestamp);
          onEvent(e);
        }
        for (const [id, at] of seen) if (at < from - 10_000) seen.delete(id);
      } catch (e) {
        opts.onError?.(e);
      }
      await sleep(opts.everyMs ?? 1000);
    }
  })();
  return () => {
    stopped = true;
  };
}

/**
 * Events of a long-running process (an agent), written in batches every `everyMs` so emitting
 * never waits in the caller; what is missed after the retries goes to `onMissed`.
 *
 * @example
 * const events = new EventQueue(search, "acme", (m) => log({ event: "events-missed", ...m }));
 * events.push({ tags: ["agents:a", "agent:started"], type: "agent", value: {}, timestamp: Date.now() });
 */
export class EventQueue {
  private pending: VampEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly search: SearchClient,
    private readonly organization: string,
    private readonly onMissed: (m: EmitOutcome["missed"]) => void = () => undefined,
    private readonly everyMs = 1000,
  ) {}

  push(e: VampEvent): void {
    this.pending.push(e);
    this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
  }

  /** Writes what is pending now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      const r = await emitEvents(this.search, this.organization, batch);
      if (r.missed.length) this.onMissed(r.missed);
    });
    return this.flushing;
  }
}
