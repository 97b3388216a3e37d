/** Bulk indexing: one `_bulk` request, and which of its documents the cluster refused. */
import type { SearchClient } from "./client";

export interface BulkDocument {
  index: string;
  /** Stable, so a document sent twice (after a lost answer) is stored once. */
  id: string;
  /** The document's JSON text. */
  json: string;
}

export interface BulkOutcome {
  indexed: number;
  /** Documents the cluster refused (a mapping conflict): they will not be accepted if sent again. */
  refused: { id: string; reason: string }[];
}

interface BulkAnswer {
  errors?: boolean;
  items?: Record<string, { _id?: string; status?: number; error?: { type?: string; reason?: string } }>[];
}

/**
 * Indexes the documents; throws (retry the whole batch) when the cluster is away or overloaded,
 * including when it answers some items with 429 or 5xx.
 *
 * @example
 * await bulkIndex(search, [{ index: "vamp-acme-prod-gateway-logs-2026.11.30", id: "1-0", json: '{"gateway":"shop"}' }]);
 */
export async function bulkIndex(search: SearchClient, docs: BulkDocument[]): Promise<BulkOutcome> {
  if (!docs.length) return { indexed: 0, refused: [] };
  let ndjson = "";
  for (const d of docs) ndjson += `{"index":{"_index":${JSON.stringify(d.index)},"_id":${JSON.stringify(d.id)}}}\n${d.json}\n`;
  const answer = (await search.request<BulkAnswer>({ method: "POST", path: "/_bulk", ndjson })) ?? {};
  const refused: BulkOutcome["refused"] = [];
  let retry = 0;
  for (const item of answer.items ?? []) {
    const r = Object.values(item)[0];
    if (!r?.error) continue;
    if (r.status === 429 || (r.status ?? 0) >= 500) retry++;
    else refused.push({ id: r._id ?? "?", reason: `${r.error.type ?? "error"}: ${r.error.reason ?? ""}`.slice(0, 300) });
  }
  if (retry) throw new Error(`search cluster ${search.url}: ${retry} of ${docs.length} documents not taken now (overloaded); retrying`);
  return { indexed: docs.length - refused.length, refused };
}
