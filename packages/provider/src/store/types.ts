/**
 * One key-value store interface for every backend (etcd, ZooKeeper, Vault KV v2, memory).
 * Values are strings (the gateway specs are JSON); each entry carries the store's own
 * revision token so writers can compare-and-swap and readers can tell what changed.
 */

/** A stored value and the store's revision of it (etcd mod_revision, ZooKeeper version, Vault version). */
export interface KvEntry {
  key: string;
  value: string;
  revision: string;
}

/**
 * Compare-and-swap condition for a write: `undefined` writes unconditionally, `null` requires
 * that the key does not exist, a string requires the key to be at exactly that revision.
 */
export type ExpectedRevision = string | null | undefined;

/** Raised when a compare-and-swap write finds another revision than the one expected. */
export class RevisionConflictError extends Error {
  constructor(
    public readonly key: string,
    public readonly expected: string | null,
    public readonly actual: string | null,
  ) {
    super(
      `store key ${key}: expected ${expected === null ? "no entry" : `revision ${expected}`}, ` +
        `found ${actual === null ? "no entry" : `revision ${actual}`} (someone else wrote it; refresh and retry)`,
    );
    this.name = "RevisionConflictError";
  }
}

/** The operations the providers and the agent need from a key-value store. */
export interface KeyValueStore {
  /** The entry at `key`, or undefined when there is none. */
  get(key: string): Promise<KvEntry | undefined>;
  /** Every entry below the directory `dir` (keys starting with `dir + "/"`), at any depth. */
  list(dir: string): Promise<KvEntry[]>;
  /** Writes `value`; with `expect` set, only if the current revision matches. Returns the new revision. */
  put(key: string, value: string, expect?: ExpectedRevision): Promise<string>;
  /** Deletes `key`; with `expect` set, only at that revision. Resolves false when there was nothing to delete. */
  delete(key: string, expect?: ExpectedRevision): Promise<boolean>;
  /**
   * Calls `onChange` whenever something below `dir` may have changed, and after the store comes
   * back from an outage. Level-triggered on purpose: the caller re-reads (the named `keys` with
   * {@link get} when the store can name them, else everything with {@link list}), so a missed
   * or coalesced event can never leave it behind. `onError` hears connection trouble; the
   * watch keeps retrying with backoff until closed.
   */
  watch(dir: string, onChange: (keys?: string[]) => void, onError?: (err: Error) => void): Promise<StoreWatch>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** A running watch. */
export interface StoreWatch {
  close(): Promise<void>;
}
