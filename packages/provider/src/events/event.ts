/**
 * Vamp's events: `{ tags, type, value, timestamp }`, where a tag `a:b` also matches `a`. Every
 * change of an artifact and everything an agent does leaves one; the canary's decisions too. Pure.
 */

export interface VampEvent {
  /** `gateways:shop`, `archive:update`, `route:weightupdated`, ... */
  tags: string[];
  /** What kind of thing happened: `gateway`, `route`, `deployment`, `agent`, `logs`, ... */
  type: string;
  /** Anything JSON: the change, the reason, the figures. Never secrets. */
  value: unknown;
  /** ms since the epoch. */
  timestamp: number;
  /** Who caused it: `pulumi`, `agent/<id>`, `cli`, ... */
  actor?: string;
}

/**
 * The tags an event is stored under: each tag, and for `a:b` also `a`.
 *
 * @example
 * expandTags(["gateways:shop", "archive:update"]) // ["archive", "archive:update", "gateways", "gateways:shop"]
 */
export function expandTags(tags: string[]): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    out.add(t);
    const i = t.indexOf(":");
    if (i > 0) out.add(t.slice(0, i));
  }
  return [...out].sort();
}

/** Whether an event (its stored tags) carries every tag asked for. */
export function matchesTags(event: Pick<VampEvent, "tags">, wanted: string[]): boolean {
  const have = new Set(expandTags(event.tags));
  return wanted.every((t) => have.has(t));
}

/** The document an event is indexed as (the `audit` mapping of logs/indices.ts). */
export function eventDocument(e: VampEvent): Record<string, unknown> {
  return { "@timestamp": new Date(e.timestamp).toISOString(), tags: expandTags(e.tags), type: e.type, value: e.value, ...(e.actor ? { actor: e.actor } : {}) };
}

/** An indexed document back as an event. */
export function eventOfDocument(d: Record<string, unknown>): VampEvent {
  return {
    tags: Array.isArray(d.tags) ? (d.tags as string[]) : [],
    type: String(d.type ?? ""),
    value: d.value,
    timestamp: Date.parse(String(d["@timestamp"])),
    ...(typeof d.actor === "string" ? { actor: d.actor } : {}),
  };
}

/**
 * The body of a `_search` for events carrying every tag in `tags`, newer than `since` (ms), oldest first.
 *
 * @example
 * eventsQuery(["gateways:shop"], Date.now() - 3_600_000)
 */
export function eventsQuery(tags: string[], since: number, size = 1000, order: "asc" | "desc" = "asc"): Record<string, unknown> {
  return {
    size,
    sort: [{ "@timestamp": { order } }],
    query: { bool: { filter: [...tags.map((t) => ({ term: { tags: t } })), { range: { "@timestamp": { gt: since, format: "epoch_millis" } } }] } },
  };
}
