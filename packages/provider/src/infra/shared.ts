/**
 * One answer shared by the callers that ask for the same thing within a short time: the page's
 * tabs and its charts each ask every second, and the store and the agents should hear it once.
 */

/**
 * `load(key)` shared: a call while one for the same key runs, or within `ttlMs` of its answer,
 * gets that answer; a failure is not kept (the next call asks again).
 *
 * @example
 * const agents = shared(1000, (t: string) => liveAgents(store, tenantOf(t)));
 * await Promise.all([agents("acme/prod"), agents("acme/prod")]); // one list of the store
 */
export function shared<T>(ttlMs: number, load: (key: string) => Promise<T>, now: () => number = Date.now): (key: string) => Promise<T> {
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = kept.get(key);
    if (hit && now() - hit.at <= ttlMs) return hit.value;
    const value = load(key);
    // Kept from when it was asked; its expiry counts from the answer so a slow load is not asked again at once.
    const entry = { at: Number.POSITIVE_INFINITY, value };
    kept.set(key, entry);
    value.then(
      () => (entry.at = now()),
      () => kept.get(key) === entry && kept.delete(key),
    );
    // Forget the old keys now and then (tenants come and go).
    if (kept.size > 256) for (const [k, e] of kept) if (now() - e.at > ttlMs) kept.delete(k);
    return value;
  };
}
