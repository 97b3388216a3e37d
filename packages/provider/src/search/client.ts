/**
 * The search cluster, Elasticsearch or OpenSearch, each through its official client (the
 * Elasticsearch client refuses OpenSearch by its product check, and the other way round the
 * APIs diverge over time). Everything the project asks of a cluster goes through
 * {@link SearchClient.request}, so the two flavours share every other line.
 */
import { Client as ElasticClient } from "@elastic/elasticsearch";
import { Client as OpenSearchClient } from "@opensearch-project/opensearch";
import { VampError } from "../model/problem";

export type SearchFlavor = "elasticsearch" | "opensearch";

/** Where a tenant's logs or events go. Credentials are secrets: they never appear in errors or logs. */
export interface SearchTarget {
  url: string;
  /** Omitted: asked of the cluster (`GET /`: OpenSearch says so; anything else is Elasticsearch). */
  flavor?: SearchFlavor;
  username?: string;
  password?: string;
  /** An Elasticsearch API key. */
  apiKey?: string;
}

export interface SearchRequest {
  method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD";
  path: string;
  body?: unknown;
  /** Newline-delimited JSON for `_bulk`, as one string. */
  ndjson?: string;
  querystring?: Record<string, string | number | boolean>;
}

export interface SearchClient {
  readonly flavor: SearchFlavor;
  readonly url: string;
  /** Sends one request; a status of 400 or more throws a `VampError` naming the cluster and the call. */
  request<T = unknown>(r: SearchRequest, opts?: { timeoutMs?: number; tolerate404?: boolean }): Promise<T | undefined>;
  close(): Promise<void>;
}

interface Transport {
  request(params: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

const statusOf = (e: unknown) => (e as { meta?: { statusCode?: number }; statusCode?: number }).meta?.statusCode;

/**
 * @example
 * const search = await connectSearch({ url: "http://127.0.0.1:9200" });
 * await search.request({ method: "POST", path: "/vamp-acme-prod-gateway-logs-*\/_search", body: { size: 0 } });
 */
export async function connectSearch(target: SearchTarget, opts: { timeoutMs?: number } = {}): Promise<SearchClient> {
  const flavor = target.flavor ?? (await detectFlavor(target));
  const common = {
    node: target.url,
    requestTimeout: opts.timeoutMs ?? 15_000,
    // Retries are the caller's (infra/retry.ts): one policy, and the spool keeps what failed.
    maxRetries: 0,
    ...(target.username ? { auth: { username: target.username, password: target.password ?? "" } } : {}),
  };
  const apiKey = target.apiKey ? { authorization: `ApiKey ${target.apiKey}` } : {};
  if (flavor === "opensearch") {
    const c = new OpenSearchClient({ ...common, headers: apiKey });
    return wrap(
      flavor,
      target.url,
      c.transport as unknown as Transport,
      (p) => p,
      () => c.close(),
    );
  }
  const c = new ElasticClient({ ...common, headers: apiKey });
  return wrap(
    flavor,
    target.url,
    c.transport as unknown as Transport,
    (p) => ({ ...p, meta: true }),
    () => c.close(),
  );
}

function wrap(
  flavor: SearchFlavor,
  url: string,
  transport: Transport,
  options: (o: Record<string, unknown>) => Record<string, unknown>,
  close: () => Promise<void>,
): SearchClient {
  return {
    flavor,
    url,
    async request<T>(r: SearchRequest, o: { timeoutMs?: number; tolerate404?: boolean } = {}): Promise<T | undefined> {
      const params = {
        method: r.method,
        path: r.path,
        querystring: r.querystring ?? {},
        ...(r.ndjson !== undefined ? { bulkBody: r.ndjson } : { body: r.body }),
      };
      try {
        const res = (await transport.request(params, options(o.timeoutMs ? { requestTimeout: o.timeoutMs } : {}))) as { body: T };
        return res.body;
      } catch (e) {
        if (o.tolerate404 && statusOf(e) === 404) return undefined;
        const status = statusOf(e);
        throw new VampError(
          status && status < 500 && status !== 429 ? "failed" : "unavailable",
          `search cluster ${url}: ${r.method} ${r.path}: ${describe(e)}`,
        );
      }
    },
    close,
  };
}

/** The error's reason as the cluster gave it, short; never the request (it may hold credentials). */
function describe(e: unknown): string {
  const body = (e as { meta?: { body?: { error?: { type?: string; reason?: string } | string } } }).meta?.body;
  const err = body?.error;
  const reason = typeof err === "string" ? err : err ? `${err.type ?? "error"}: ${err.reason ?? ""}` : (e as Error).message;
  const status = statusOf(e);
  return `${status ? `${status} ` : ""}${reason}`.slice(0, 300);
}

async function detectFlavor(t: SearchTarget): Promise<SearchFlavor> {
  const headers: Record<string, string> = {};
  if (t.username) headers.authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ""}`).toString("base64")}`;
  if (t.apiKey) headers.authorization = `ApiKey ${t.apiKey}`;
  try {
    const r = await fetch(t.url.replace(/\/$/, "") + "/", { headers, signal: AbortSignal.timeout(5000) });
    const body = (await r.json().catch(() => ({}))) as { version?: { distribution?: string } };
    return body.version?.distribution === "opensearch" ? "opensearch" : "elasticsearch";
  } catch (e) {
    throw new VampError("unavailable", `search cluster ${t.url}: cannot tell Elasticsearch from OpenSearch (${(e as Error).message}); give its flavor`);
  }
}

/** Whether an error is worth retrying (the cluster away, overloaded or timing out). */
export function retryableSearchError(e: unknown): boolean {
  return e instanceof VampError ? e.code === "unavailable" : true;
}
