/** The span a metrics request names (the agents' `/window` and `/series`, the UI's `/api/series`). */
import { VampError } from "../model/problem";
import { seconds } from "./units";

/** `[from, to)` of a window request: `from`/`to` in ms, or `window` (`30s`) ending at the last whole second. */
export function windowOf(q: URLSearchParams, now = Date.now()): { from: number; to: number } {
  const to = q.has("to") ? Number(q.get("to")) : Math.floor(now / 1000) * 1000;
  if (q.has("from")) {
    const from = Number(q.get("from"));
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to)
      throw new VampError("invalid", `from and to must be times in ms with from < to, got ${q.get("from")}, ${q.get("to")}`);
    return { from, to };
  }
  const w = seconds(q.get("window") ?? "30s");
  if (!w.ok || w.value <= 0) throw new VampError("invalid", `window: ${w.ok ? "must be more than 0" : w.reason}`);
  return { from: to - w.value * 1000, to };
}
