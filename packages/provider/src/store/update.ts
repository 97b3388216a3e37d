import { backoffDelay, sleep } from "../infra/retry";
import { RevisionConflictError, type KeyValueStore, type KvEntry } from "./types";

/** Two writers of one key back off with jitter, so they do not collide in lock step. */
const CONFLICT_BACKOFF = { initialMs: 10, maxMs: 200 };

/** What a read-modify-write step decides: write this value, delete the key, or leave it. */
export type EntryChange = { put: string } | { delete: true } | { keep: true };

export interface UpdateOptions {
  /** Attempts before giving up on a key that keeps changing under us (default 20). */
  attempts?: number;
}

/**
 * Read-modify-write of one key with compare-and-swap, retried when another writer got there
 * first. `change` sees the current entry each time, so a concurrent writer's fields are kept
 * as long as `change` keeps what it does not own. Returns the new revision (undefined when the
 * key was deleted or left absent).
 *
 * Why not a lock: every store we support has CAS, and a CAS loop cannot leave a stale lock
 * behind when a `pulumi up` is killed halfway.
 *
 * @example
 * await updateEntry(store, key, (cur) => ({ put: JSON.stringify({ ...JSON.parse(cur!.value), weight: 20 }) }));
 */
export async function updateEntry(
  store: KeyValueStore,
  key: string,
  change: (current: KvEntry | undefined) => EntryChange,
  options: UpdateOptions = {},
): Promise<{ revision: string | undefined; changed: boolean }> {
  const attempts = options.attempts ?? 20;
  let last: RevisionConflictError | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.get(key);
    const next = change(current);
    try {
      if ("keep" in next) return { revision: current?.revision, changed: false };
      if ("delete" in next) {
        if (!current) return { revision: undefined, changed: false };
        await store.delete(key, current.revision);
        return { revision: undefined, changed: true };
      }
      if (current && current.value === next.put) return { revision: current.revision, changed: false };
      return { revision: await store.put(key, next.put, current ? current.revision : null), changed: true };
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
      last = err;
      await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
    }
  }
  throw new Error(`store key ${key}: still changing after ${attempts} attempts (${last?.message ?? "conflict"})`);
}
