/**
 * Routes without a weight share what is left of 100%: whole-number shares, the last takes the
 * remainder. The one rule for validation and for selector discovery's merge.
 *
 * @example
 * shareRemainder([50, undefined, undefined]) // [50, 25, 25]
 * shareRemainder([70, undefined, 10])       // [70, 20, 10]
 */
export function shareRemainder(weights: (number | undefined)[]): number[] {
  const given = weights.reduce<number>((s, w) => s + (w ?? 0), 0);
  const open = weights.map((w, i) => (w === undefined ? i : -1)).filter((i) => i >= 0);
  const left = Math.max(0, 100 - given);
  const share = open.length ? Math.floor(left / open.length) : 0;
  const last = open[open.length - 1];
  return weights.map((w, i) => w ?? (i === last ? left - share * (open.length - 1) : share));
}
