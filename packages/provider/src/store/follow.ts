/**
 * The one way the workflow agent follows a directory of records: `handle` reads every entry
 * after each change the store's watch reports, when the time it asked for comes (a lease lapses,
 * an SLA window ends, a schedule ticks), and every `resyncMs` whatever happens (a lost watch
 * event never leaves it behind), never twice at once. A store that lists nothing new costs one
 * list per resync, not one per poll.
 */
import type { Logger } from "../infra/logger";
import { CoalescingLoop } from "../infra/loop";
import { messageOf } from "../model/problem";
import type { KeyValueStore, KvEntry } from "./types";

/** A running follower. */
export interface DirFollower {
  /** Reads the directory again now (something besides the store changed: an event came, a run ended). */
  kick(): void;
  close(): Promise<void>;
}

export interface FollowOptions {
  log: Logger;
  /** Names the log lines (`<what>-error`). */
  what: string;
  /** The longest time between two reads (default 10 s). */
  resyncMs?: number;
}

/**
 * @example
 * const f = await followDir(store, releasesDir(tenant), async (entries) => earliestLeaseEnd(entries), { log, what: "releases" });
 * await f.close();
 */
export async function followDir(
  store: KeyValueStore,
  dir: string,
  handle: (entries: KvEntry[]) => Promise<number | undefined>,
  o: FollowOptions,
): Promise<DirFollower> {
  const resyncMs = o.resyncMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const loop = new CoalescingLoop(async () => {
    let wakeAt: number | undefined;
    try {
      wakeAt = await handle(await store.list(dir));
    } catch (e) {
      o.log({ event: `${o.what}-error`, message: messageOf(e) });
      wakeAt = Date.now() + 1000;
    }
    if (closed) return;
    clearTimeout(timer);
    // Never sooner than 20 ms: a time already passed must not spin the loop.
    const ms = Math.max(20, Math.min(resyncMs, (wakeAt ?? Infinity) - Date.now()));
    timer = setTimeout(() => void loop.trigger(), ms);
  });
  const watch = await store.watch(
    dir,
    () => void loop.trigger(),
    (e) => o.log({ event: `${o.what}-watch-error`, message: messageOf(e) }),
  );
  await loop.trigger();
  return {
    kick: () => void loop.trigger(),
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await watch.close();
      await loop.stop();
      clearTimeout(timer);
    },
  };
}
