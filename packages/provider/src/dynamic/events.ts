/**
 * The events a resource's create, update and delete leave in the management region's search
 * cluster. Emitting never fails an operation that otherwise succeeded: the events are retried,
 * then what was missed is kept in the resource's `eventsMissed` output (so in the stack's state).
 */
import type { VampEvent } from "../events/event";
import { messageOf, type Problem } from "../model/problem";
import { connectSearch, type SearchTarget } from "../search/client";
import { emitEvents, type EmitOutcome } from "../search/events";

/** What a resource records about its events. */
export interface EventsOutputs {
  /** Events that could not be written (the cluster away), with why; absent when all were. */
  eventsMissed?: EmitOutcome["missed"];
}

export function validateEvents(v: unknown, field = "events", what = "the management region's search cluster"): Problem[] {
  if (v === undefined || v === null) return [];
  const p = (path: string, message: string): Problem[] => [{ source: "", path, message }];
  if (typeof v !== "object" || Array.isArray(v)) return p(field, `must be { url, flavor? } of ${what}`);
  const e = v as Record<string, unknown>;
  if (typeof e.url !== "string" || !/^https?:\/\/[^\s/]+\/?$/.test(e.url))
    return p(`${field}.url`, `must be a URL like "https://search-eu:9200", got ${JSON.stringify(e.url)}`);
  if (e.flavor !== undefined && e.flavor !== "elasticsearch" && e.flavor !== "opensearch")
    return p(`${field}.flavor`, `must be "elasticsearch" or "opensearch", got ${JSON.stringify(e.flavor)}`);
  return [];
}

/**
 * Emits `events` when a target is set; resolves to the outputs to keep (never throws).
 *
 * @example
 * const outs = { ...inputs, ...(await emitResourceEvents(inputs.events, inputs.organization, events)) };
 */
export async function emitResourceEvents(target: SearchTarget | undefined, organization: string, events: VampEvent[]): Promise<EventsOutputs> {
  if (!target || !events.length) return {};
  try {
    const search = await connectSearch(target, { timeoutMs: 3000 });
    try {
      const r = await emitEvents(search, organization, events);
      return r.missed.length ? { eventsMissed: r.missed } : {};
    } finally {
      await search.close();
    }
  } catch (e) {
    return { eventsMissed: events.map((ev) => ({ tags: ev.tags, type: ev.type, error: messageOf(e) })) };
  }
}
