/**
 * The index template of a stream, put by the writer when none is there: logs and events written
 * before (or without) a `SearchLogIndices` resource still land in indices with the right mapping,
 * instead of guessed ones that the metrics' aggregations cannot use. An existing template (the
 * resource's, with its retention) is never touched.
 */
import { indexTemplate, type LogStream } from "../logs/indices";
import type { SearchClient } from "./client";

/**
 * @example
 * await ensureTemplate(search, "vamp-acme-prod-gateway-logs", "gateway-logs");
 */
export async function ensureTemplate(search: SearchClient, prefix: string, stream: LogStream): Promise<void> {
  // Once per client and prefix: writers call this before every batch.
  const done = ensured.get(search) ?? new Set<string>();
  ensured.set(search, done);
  if (done.has(prefix)) return;
  try {
    await search.request({
      method: "PUT",
      path: `/_index_template/${prefix}`,
      querystring: { create: true },
      body: indexTemplate(prefix, stream, { retentionDays: 7 }),
    });
  } catch (e) {
    if (!/already exists|resource_already_exists/i.test((e as Error).message)) throw e;
  }
  done.add(prefix);
}

const ensured = new WeakMap<SearchClient, Set<string>>();
