/**
 * The one retry policy: exponential backoff with jitter, so two writers of one key or many
 * agents after an outage do not retry in lock step.
 */
export interface Backoff {
  /** First delay, ms. */
  initialMs: number;
  /** Largest delay, ms. */
  maxMs: number;
}

/** The delay before attempt `n` (0-based): initial·2ⁿ capped at max, with ±50% jitter. */
export function backoffDelay(n: number, b: Backoff): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** n);
  return base / 2 + Math.random() * base;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `fn` until it succeeds, `retryable(err)` says no, or `attempts` run out; then throws the last error.
 *
 * @example
 * await retry(() => store.put(key, value, rev), { attempts: 20, initialMs: 5, maxMs: 200, retryable: (e) => e instanceof RevisionConflictError });
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: Backoff & { attempts: number; retryable?: (e: unknown) => boolean }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 >= opts.attempts || (opts.retryable && !opts.retryable(e))) throw e;
      await sleep(backoffDelay(attempt, opts));
    }
  }
}

/** A delay that doubles on every failure and resets on success. */
export class BackoffState {
  private n = 0;
  constructor(private readonly b: Backoff) {}
  failed(): void {
    this.n++;
  }
  succeeded(): void {
    this.n = 0;
  }
  /** The next delay, or undefined when nothing failed. */
  next(): number | undefined {
    return this.n ? Math.min(this.b.maxMs, this.b.initialMs * 2 ** (this.n - 1)) : undefined;
  }
}
