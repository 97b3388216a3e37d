/**
 * ISO-8601 periods (`PT1M`, `P1D`, `P1M`, `P1Y2M10DT2H30M`) as calendar arithmetic: years and
 * months move the calendar date (in UTC), the rest are fixed lengths. Pure.
 */
const ISO = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export interface Period {
  months: number;
  ms: number;
}

/** The period, or undefined when it is not ISO-8601 or is empty (a period of 0 would run forever at once). */
export function parsePeriod(text: string): Period | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  const p = { months: n(1) * 12 + n(2), ms: ((n(3) * 7 + n(4)) * 24 * 3600 + n(5) * 3600 + n(6) * 60 + n(7)) * 1000 };
  return p.months || p.ms ? p : undefined;
}

/**
 * `start` plus `k` periods.
 *
 * @example
 * addPeriods(Date.UTC(2026, 0, 31), parsePeriod("P1M")!, 1) // 2026-03-03 (31 January + 1 month, as JavaScript's calendar counts)
 */
export function addPeriods(start: number, p: Period, k: number): number {
  const d = new Date(start);
  if (p.months) d.setUTCMonth(d.getUTCMonth() + p.months * k);
  return d.getTime() + p.ms * k;
}

/** The last tick `k` (≥ `from`) whose time has come at `now`, or undefined when tick `from` has not. */
export function lastTick(start: number, p: Period, from: number, now: number): number | undefined {
  if (addPeriods(start, p, from) > now) return undefined;
  // Fixed lengths jump there at once; calendar periods walk (months are few).
  let k = p.months ? from : Math.max(from, Math.floor((now - start) / p.ms));
  while (addPeriods(start, p, k + 1) <= now) k++;
  return k;
}
