/**
 * The tenant's gateway records as the agent last read them, and what changed since. A store
 * whose watch names the changed keys (etcd) lets the agent read just those keys; any other
 * signal (a store that cannot say, a reconnect, the resync timer, the first read) lists the
 * whole directory again. Reading a key's current value is level-triggered too: a coalesced
 * or repeated signal can never leave the snapshot behind the store.
 */
import type { KeyValueStore, KvEntry } from "../store/types";

/** What one read found: every entry, and which ones changed since the read before. */
export interface SnapshotRead {
  entries: KvEntry[];
  changed: { puts: KvEntry[]; deletes: string[] };
}

export class StoreSnapshot {
  private readonly entries = new Map<string, KvEntry>();
  private pending: Set<string> | "all" = "all";

  constructor(
    private readonly store: KeyValueStore,
    private readonly dir: string,
  ) {}

  /** How many entries the last read left. */
  get size(): number {
    return this.entries.size;
  }

  /** These keys changed; without keys, anything may have changed (the next read lists). */
  changed(keys?: string[]): void {
    if (!keys || this.pending === "all") {
      this.pending = "all";
      return;
    }
    for (const k of keys) this.pending.add(k);
  }

  /** Reads what changed since the last read; on failure the changes stay pending. */
  async read(): Promise<SnapshotRead> {
    const pending = this.pending;
    this.pending = new Set();
    try {
      if (pending === "all") return this.list();
      return await this.readKeys([...pending]);
    } catch (e) {
      this.changed(pending === "all" ? undefined : [...pending]);
      throw e;
    }
  }

  private async list(): Promise<SnapshotRead> {
    const listed = await this.store.list(this.dir);
    const before = new Map(this.entries);
    this.entries.clear();
    for (const e of listed) this.entries.set(e.key, e);
    const puts = listed.filter((e) => before.get(e.key)?.revision !== e.revision);
    const deletes = [...before.keys()].filter((k) => !this.entries.has(k));
    return { entries: listed, changed: { puts, deletes } };
  }

  private async readKeys(keys: string[]): Promise<SnapshotRead> {
    const read = await Promise.all(keys.map(async (key) => ({ key, entry: await this.store.get(key) })));
    const puts: KvEntry[] = [];
    const deletes: string[] = [];
    for (const { key, entry } of read) {
      if (entry && this.entries.get(key)?.revision === entry.revision) continue; // already seen
      if (entry) puts.push(entry);
      else if (this.entries.has(key)) deletes.push(key);
      if (entry) this.entries.set(key, entry);
      else this.entries.delete(key);
    }
    return { entries: [...this.entries.values()], changed: { puts, deletes } };
  }
}
