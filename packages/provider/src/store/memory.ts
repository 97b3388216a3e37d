import { ExpectedRevision, KeyValueStore, KvEntry, RevisionConflictError, type StoreWatch } from "./types";

/**
 * An in-process store with the same contract as the real ones: for unit tests of the agent
 * and the providers' pure parts. Revisions are a global counter, like etcd's.
 */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, { value: string; revision: string }>();
  private readonly watchers = new Set<{ dir: string; onChange: (keys?: string[]) => void }>();
  private counter = 0;

  async get(key: string): Promise<KvEntry | undefined> {
    const e = this.data.get(key);
    return e ? { key, ...e } : undefined;
  }

  async list(dir: string): Promise<KvEntry[]> {
    return [...this.data.entries()]
      .filter(([k]) => k.startsWith(`${dir}/`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, e]) => ({ key, ...e }));
  }

  async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
    this.check(key, expect);
    const revision = String(++this.counter);
    this.data.set(key, { value, revision });
    this.notify(key);
    return revision;
  }

  async delete(key: string, expect?: ExpectedRevision): Promise<boolean> {
    this.check(key, expect);
    const had = this.data.delete(key);
    if (had) this.notify(key);
    return had;
  }

  async watch(dir: string, onChange: (keys?: string[]) => void): Promise<StoreWatch> {
    const w = { dir, onChange };
    this.watchers.add(w);
    return { close: async () => void this.watchers.delete(w) };
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private check(key: string, expect: ExpectedRevision): void {
    if (expect === undefined) return;
    const actual = this.data.get(key)?.revision ?? null;
    if (actual !== expect) throw new RevisionConflictError(key, expect, actual);
  }

  private notify(key: string): void {
    for (const w of this.watchers) if (key.startsWith(`${w.dir}/`)) queueMicrotask(() => w.onChange([key]));
  }
}
