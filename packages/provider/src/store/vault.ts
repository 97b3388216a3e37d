import type { StoreCredentials, VaultConnection } from "./connection";
import { httpRequest } from "./http";
import { ExpectedRevision, KeyValueStore, KvEntry, RevisionConflictError, type StoreWatch } from "./types";

interface KvData {
  data: { data: { value?: unknown } | null; metadata: { version: number; deletion_time: string; destroyed: boolean } };
}
interface KvMetadata {
  data: { current_version: number; versions: Record<string, { deletion_time: string; destroyed: boolean }> };
}

/**
 * Vault KV v2 adapter (over its HTTP API). A key `/a/b` is the secret `a/b` of the mount; the
 * value sits in the field `value`; the revision is the KV version. Deletes are soft (the
 * version history continues), so a re-created key never matches an old revision. Vault has no
 * watch: `watch` polls the directory's versions.
 */
export class VaultStore implements KeyValueStore {
  private readonly base: string;
  private readonly mount: string;

  constructor(
    private readonly connection: VaultConnection,
    private readonly credentials: StoreCredentials = {},
  ) {
    this.base = connection.address.replace(/\/+$/, "");
    this.mount = connection.mount ?? "secret";
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const res = await this.request<KvData>("GET", `data${key}`, undefined, [404]);
    if (!res || !res.data.data || res.data.metadata.deletion_time || res.data.metadata.destroyed) return undefined;
    const value = res.data.data.value;
    return { key, value: typeof value === "string" ? value : JSON.stringify(value ?? ""), revision: String(res.data.metadata.version) };
  }

  async list(dir: string): Promise<KvEntry[]> {
    const keys = await this.listKeys(dir);
    const entries = await Promise.all(keys.map((k) => this.get(k)));
    return entries.filter((e): e is KvEntry => !!e);
  }

  async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
    let cas: number | undefined;
    if (expect === null) {
      const meta = await this.request<KvMetadata>("GET", `metadata${key}`, undefined, [404]);
      const current = meta?.data.current_version ?? 0;
      const v = meta?.data.versions[String(current)];
      if (current && v && !v.deletion_time && !v.destroyed) throw new RevisionConflictError(key, null, String(current));
      cas = current;
    } else if (expect !== undefined) {
      const now = await this.get(key);
      if (!now || now.revision !== expect) throw new RevisionConflictError(key, expect, now?.revision ?? null);
      cas = Number(expect);
    }
    try {
      const res = await this.request<{ data: { version: number } }>("POST", `data${key}`, { options: cas === undefined ? {} : { cas }, data: { value } });
      return String(res!.data.version);
    } catch (e) {
      if (/check-and-set/.test((e as Error).message)) throw new RevisionConflictError(key, expect ?? null, (await this.get(key))?.revision ?? null);
      throw e;
    }
  }

  async delete(key: string, expect?: ExpectedRevision): Promise<boolean> {
    const now = await this.get(key);
    if (expect !== undefined && (now?.revision ?? null) !== expect) throw new RevisionConflictError(key, expect, now?.revision ?? null);
    if (!now) return false;
    // Soft delete of the latest version; Vault offers no compare-and-delete, so a write that
    // lands between the read above and this call is deleted too (documented limit).
    await this.request("DELETE", `data${key}`);
    return true;
  }

  async watch(dir: string, onChange: () => void, onError?: (err: Error) => void): Promise<StoreWatch> {
    const every = this.connection.pollIntervalMs ?? 1000;
    let last: string | undefined;
    let failing = false;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const poll = async () => {
      try {
        const keys = await this.listKeys(dir);
        const versions = await Promise.all(keys.map(async (k) => `${k}@${(await this.get(k))?.revision ?? "-"}`));
        const signature = versions.join("\n");
        if ((last !== undefined && signature !== last) || failing) onChange();
        last = signature;
        failing = false;
      } catch (e) {
        failing = true;
        onError?.(e as Error);
      }
      if (!closed) timer = setTimeout(() => void poll(), every);
    };
    await poll();
    return {
      close: async () => {
        closed = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  async close(): Promise<void> {
    // Each request opens its own connection (node:https without an agent): nothing to release.
  }

  private async listKeys(dir: string): Promise<string[]> {
    const res = await this.request<{ data: { keys: string[] } }>("GET", `metadata${dir}/?list=true`, undefined, [404]);
    const out: string[] = [];
    for (const k of res?.data.keys ?? []) {
      if (k.endsWith("/")) out.push(...(await this.listKeys(`${dir}/${k.slice(0, -1)}`)));
      else out.push(`${dir}/${k}`);
    }
    return out.sort();
  }

  private async request<T>(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<T | undefined> {
    // Each segment is encoded: Vault decodes the URL path once, so a key segment holding an
    // escape (`shop%2Fweb`) must reach it as `shop%252Fweb` to be stored as written.
    const [p, query] = path.replace(/^\/+/, "").split("?");
    const url = new URL(`${this.base}/v1/${this.mount}/${p.split("/").map(encodeURIComponent).join("/")}${query === undefined ? "" : `?${query}`}`);
    const where = `vault ${method} ${this.mount}/${path}`;
    const data = body === undefined ? undefined : JSON.stringify(body);
    let res;
    try {
      res = await httpRequest({
        method,
        url,
        headers: { "X-Vault-Token": this.credentials.token ?? "", "content-type": "application/json" },
        body: data,
        ca: this.connection.tls?.ca,
      });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    const { status, text } = res;
    if (tolerated.includes(status)) return undefined;
    if (status < 200 || status >= 300) {
      // Vault's error bodies never echo the token; keep only its errors array.
      let detail = text;
      try {
        detail = (JSON.parse(text) as { errors?: string[] }).errors?.join("; ") ?? text;
      } catch {
        /* not JSON */
      }
      throw new Error(`${where}: HTTP ${status}: ${detail}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
