/**
 * A latency histogram with a bounded relative error, mergeable by adding counts: buckets grow
 * geometrically (as in DDSketch), so a quantile read from it is within 1% of the true value at
 * any scale, and the histograms of many agents and many seconds add up exactly. Plain data, so it
 * travels as JSON between agents and the CLI. Pure.
 *
 * Why not a library: the sketch libraries serialize to protobuf, and a window merged from agents
 * over HTTP needs plain JSON; the whole structure is the two functions below.
 */

/** Counts by bucket index; values at or below {@link MIN_MS} count in `zero`. */
export interface Histogram {
  zero: number;
  buckets: Record<string, number>;
}

const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
const MIN_MS = 0.01;

export function emptyHistogram(): Histogram {
  return { zero: 0, buckets: {} };
}

/** Adds `count` observations of `ms` (in place). */
export function observe(h: Histogram, ms: number, count = 1): void {
  if (!(ms > MIN_MS)) {
    h.zero += count;
    return;
  }
  const i = String(Math.ceil(Math.log(ms) / LOG_GAMMA));
  h.buckets[i] = (h.buckets[i] ?? 0) + count;
}

/** Adds `from` into `into` (in place). */
export function mergeHistogram(into: Histogram, from: Histogram): void {
  into.zero += from.zero;
  for (const [i, n] of Object.entries(from.buckets)) into.buckets[i] = (into.buckets[i] ?? 0) + n;
}

export function histogramCount(h: Histogram): number {
  let n = h.zero;
  for (const c of Object.values(h.buckets)) n += c;
  return n;
}

/**
 * The `q` quantile (0-1), within 1% of the value at that rank; undefined when empty.
 *
 * @example
 * const h = emptyHistogram(); for (let ms = 1; ms <= 100; ms++) observe(h, ms);
 * quantile(h, 0.95) // ≈ 95
 */
export function quantile(h: Histogram, q: number): number | undefined {
  const total = histogramCount(h);
  if (!total) return undefined;
  // The nearest rank, as a client computing its own percentile does.
  const rank = Math.max(1, Math.ceil(q * total));
  if (rank <= h.zero) return 0;
  let seen = h.zero;
  const sorted = Object.entries(h.buckets)
    .map(([i, n]) => [Number(i), n] as const)
    .sort((a, b) => a[0] - b[0]);
  for (const [i, n] of sorted) {
    seen += n;
    if (seen >= rank) return (2 * GAMMA ** i) / (GAMMA + 1);
  }
  return undefined;
}

/**
 * The mean, within 1% (each bucket counted at its representative value); undefined when empty.
 * Vamp's response-time SLA judges the mean.
 */
export function mean(h: Histogram): number | undefined {
  const total = histogramCount(h);
  if (!total) return undefined;
  let sum = 0;
  for (const [i, n] of Object.entries(h.buckets)) sum += n * ((2 * Math.pow(GAMMA, Number(i))) / (GAMMA + 1));
  return sum / total;
}
