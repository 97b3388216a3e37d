import { naturalCompare } from "../selector/evaluate";

/**
 * New route weights after discovery, from the current ones (pure):
 * - a route still discovered keeps its weight;
 * - a newly discovered route starts at 0 (a canary is stepped up on purpose, never by surprise);
 * - a route that disappeared gives its weight to the remaining route with the most weight, so
 *   the total stays 100 and no traffic goes to a route without instances;
 * - when nothing carries weight (a fresh gateway), the first route in version order takes 100.
 *
 * @example
 * reconcileWeights({ "(1.0)": 100 }, ["(1.0)", "(1.1)"]) // { "(1.0)": 100, "(1.1)": 0 }
 * reconcileWeights({ "(1.0)": 90, "(1.1)": 10 }, ["(1.1)"]) // { "(1.1)": 100 }
 */
export function reconcileWeights(current: Record<string, number>, discovered: string[]): Record<string, number> {
  const keys = [...new Set(discovered)].sort(naturalCompare);
  const next: Record<string, number> = {};
  for (const k of keys) next[k] = current[k] ?? 0;
  if (!keys.length) return next;
  const lost = Object.entries(current)
    .filter(([k]) => !(k in next))
    .reduce((s, [, w]) => s + w, 0);
  const heaviest = keys.reduce((best, k) => (next[k] > next[best] ? k : best), keys[0]);
  next[heaviest] += lost;
  if (Object.values(next).every((w) => w === 0)) next[keys[0]] = 100;
  return next;
}
