/**
 * Consul KV adapter (over its HTTP API). A key `/a/b` is the Consul key `a/b`; the revision is
 * the entry's `ModifyIndex`, and writes compare-and-swap on it (`?cas=`; `cas=0` creates only
 * when absent). The watch is a blocking query on the directory: Consul answers when its index
 * passes the one we last saw, or after `wait`. The ACL token travels in `X-Consul-Token`.
 * Every read is `consistent`: see {@link ConsulStore.request}.
 */
import { BackoffState } from "../infra/retry";
import type { ConsulConnection, StoreCredentials } from "./connection";
import { httpRequest, type HttpResponse } from "./http";
import { RevisionConflictError, type ExpectedRevision, type KeyValueStore, type KvEntry, type StoreWatch } from "./types";

interface ConsulEntry {
  Key: string;
  Value: string | null;
  ModifyIndex: number;
}

/** How long one blocking query may wait before Consul answers anyway. */
const BLOCK_SECONDS = 30;

export class ConsulStore implements KeyValueStore {
  private readonly base: string;

  constructor(
    private readonly connection: ConsulConnection,
    private readonly credentials: StoreCredentials = {},
  ) {
    this.base = connection.address.replace(/\/+$/, "");
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const res = await this.request("GET", key, {}, [404]);
    if (res.status === 404) return undefined;
    const [e] = JSON.parse(res.text) as ConsulEntry[];
    return toEntry(e);
  }

  async list(dir: string): Promise<KvEntry[]> {
    return (await this.listAt(dir)).entries;
  }

  async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
    const query: Record<string, string> = {};
    if (expect === null) query.cas = "0";
    else if (expect !== undefined) query.cas = expect;
    const res = await this.request("PUT", key, query, [], value);
    if (res.text.trim() !== "true") {
      const now = await this.get(key);
      throw new RevisionConflictError(key, expect ?? null, now?.revision ?? null);
    }
    // The write's own index is not in the answer: read it back (the CAS already decided).
    const now = await this.get(key);
    if (!now) throw new Error(`consul PUT ${key}: written, but gone when read back`);
    return now.revision;
  }

  async delete(key: string, expect?: ExpectedRevision): Promise<boolean> {
    const current = await this.get(key);
    if (expect === null) {
      if (current) throw new RevisionConflictError(key, null, current.revision);
      return false;
    }
    if (!current) {
      if (expect !== undefined) throw new RevisionConflictError(key, expect, null);
      return false;
    }
    if (expect !== undefined && expect !== current.revision) throw new RevisionConflictError(key, expect, current.revision);
    const res = await this.request("DELETE", key, expect === undefined ? {} : { cas: expect });
    if (res.text.trim() !== "true") {
      const now = await this.get(key);
      throw new RevisionConflictError(key, expect ?? null, now?.revision ?? null);
    }
    return true;
  }

  async watch(dir: string, onChange: (keys?: string[]) => void, onError?: (err: Error) => void): Promise<StoreWatch> {
    let closed = false;
    let last = await this.listAt(dir);
    const backoff = new BackoffState({ initialMs: 100, maxMs: 1000 });
    const loop = async () => {
      while (!closed) {
        try {
          const next = await this.listAt(dir, last.index);
          if (closed) return;
          backoff.succeeded();
          // Consul's index also moves for writes elsewhere (an empty directory reports the whole
          // table's index), and may go backwards after a snapshot restore: signal only when the
          // entries really changed, and name them, so the caller reads those keys, not all.
          const keys = changedKeys(last.entries, next.entries);
          last = next;
          if (keys.length) onChange(keys);
        } catch (e) {
          if (closed) return;
          onError?.(e as Error);
          backoff.failed();
          await new Promise((r) => setTimeout(r, backoff.next()));
          if (!closed) onChange(); // back from an outage: the caller re-lists
        }
      }
    };
    void loop();
    return {
      close: async () => {
        closed = true;
      },
    };
  }

  async close(): Promise<void> {
    // Each request opens its own connection: nothing to release (a watch ends at its next answer).
  }

  /** The directory's entries and Consul's index for it; with `after`, blocks until the index moves past it. */
  private async listAt(dir: string, after?: string): Promise<{ entries: KvEntry[]; index: string }> {
    const query: Record<string, string> = { recurse: "true" };
    if (after !== undefined) Object.assign(query, { index: after, wait: `${BLOCK_SECONDS}s` });
    const res = await this.request("GET", `${dir}/`, query, [404], undefined, after !== undefined ? (BLOCK_SECONDS + 10) * 1000 : undefined);
    const index = String(res.headers["x-consul-index"] ?? "0");
    if (res.status === 404) {
      // Consul answers a list the token may not read as if it were empty: ask for the directory
      // itself, which it refuses (403) without read access. An agent must never take a token
      // problem for "no gateways" and stop serving them.
      await this.request("GET", dir, {}, [404]);
      return { entries: [], index };
    }
    const entries = (JSON.parse(res.text) as ConsulEntry[]).filter((e) => !e.Key.endsWith("/")).map(toEntry);
    return { entries: entries.sort((a, b) => (a.key < b.key ? -1 : 1)), index };
  }

  private async request(
    method: string,
    key: string,
    query: Record<string, string>,
    tolerated: number[] = [],
    body?: string,
    timeoutMs?: number,
  ): Promise<HttpResponse> {
    // Each segment is encoded, so a segment holding an escape (`shop%2Fweb`) is stored as written.
    const path = key
      .replace(/^\/+/, "")
      .split("/")
      .map((s) => encodeURIComponent(s))
      .join("/");
    const url = new URL(`${this.base}/v1/kv/${path}`);
    if (this.connection.datacenter) url.searchParams.set("dc", this.connection.datacenter);
    // Consistent reads: right after a restart Consul serves default-mode reads from a state it
    // has not restored yet (an empty directory), which an agent would take for "no gateways".
    // A consistent read waits until the leader has caught up, or fails.
    if (method === "GET") url.searchParams.set("consistent", "");
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const where = `consul ${method} ${key}`;
    let res: HttpResponse;
    try {
      const headers: Record<string, string> = this.credentials.token ? { "X-Consul-Token": this.credentials.token } : {};
      res = await httpRequest({ method, url, headers, body, ca: this.connection.tls?.ca, timeoutMs });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    if (tolerated.includes(res.status) || (res.status >= 200 && res.status < 300)) return res;
    // Consul's error bodies are plain text and never echo the token.
    throw new Error(`${where}: HTTP ${res.status}: ${res.text.trim().slice(0, 300)}`);
  }
}

/** Keys added, changed (another ModifyIndex) or removed between two listings. */
function changedKeys(before: KvEntry[], after: KvEntry[]): string[] {
  const was = new Map(before.map((e) => [e.key, e.revision]));
  const now = new Set(after.map((e) => e.key));
  return [...after.filter((e) => was.get(e.key) !== e.revision).map((e) => e.key), ...before.filter((e) => !now.has(e.key)).map((e) => e.key)];
}

function toEntry(e: ConsulEntry): KvEntry {
  return { key: `/${e.Key}`, value: e.Value === null ? "" : Buffer.from(e.Value, "base64").toString("utf8"), revision: String(e.ModifyIndex) };
}
