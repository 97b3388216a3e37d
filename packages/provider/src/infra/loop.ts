/**
 * The one coalescing loop: `trigger()` runs the job now, or, when it is already running, once
 * more right after it. Any number of triggers during a run become one extra run, so a burst of
 * store events costs at most two syncs, and the job never runs twice at once.
 *
 * @example
 * const sync = new CoalescingLoop(() => agent.syncOnce());
 * store.watch(dir, () => void sync.trigger());
 */
export class CoalescingLoop {
  private running = false;
  private dirty = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly job: () => Promise<void>) {}

  /** Resolves when the run that covers this trigger is done. */
  trigger(): Promise<void> {
    if (this.stopped) return this.idle;
    if (this.running) {
      this.dirty = true;
      return this.idle;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.dirty = false;
          await this.job();
        } while (this.dirty && !this.stopped);
      } finally {
        this.running = false;
      }
    })();
    return this.idle;
  }

  /** No new runs; resolves when the current one is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle;
  }
}

/**
 * Calls `fn` every `everyMs` (the next call is planned when the previous one ends), or sooner
 * while `soonerMs()` says so (a backoff while something is away). Returns a stop function.
 */
export function every(everyMs: number, fn: () => Promise<void>, soonerMs: () => number | undefined = () => undefined): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    await fn().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void tick(), Math.min(everyMs, soonerMs() ?? everyMs));
  };
  timer = setTimeout(() => void tick(), everyMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
