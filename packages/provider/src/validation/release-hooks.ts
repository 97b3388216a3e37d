/**
 * A canary release's gates (manual approval before some steps) and webhooks, as declared →
 * validated; every problem names the field and the value. Pure.
 */
import { HOOK_MOMENTS, type Canary, type HookMoment, type Webhook } from "../model/canary";
import { quote } from "../model/problem";
import { type Check, given, isObject } from "./check";
import { seconds, wholeNumber } from "./units";

function ms(v: unknown, field: string, fallback: number, c: Check): number {
  if (!given(v)) return fallback;
  const s = seconds(v);
  if (!s.ok || s.value <= 0) {
    c.err(field, s.ok ? `must be more than 0, got ${quote(v)}` : s.reason);
    return fallback;
  }
  return s.value * 1000;
}

/** `gates` → the step indices that wait (2..N → 1..N-1, "promotion" → N), with the timeout. */
export function checkGates(g: unknown, steps: number, c: Check): Canary["gates"] {
  const none: Canary["gates"] = { before: [], timeoutMs: 3_600_000, onTimeout: "rollback" };
  if (!given(g)) return none;
  if (!isObject(g) || !Array.isArray(g.before)) {
    c.err("gates", `must be { before: [2, "promotion"], timeout?, onTimeout? }, got ${quote(g)}`);
    return none;
  }
  const before: number[] = [];
  g.before.forEach((b, i) => {
    if (b === "promotion") before.push(steps);
    else if (typeof b === "number" && Number.isInteger(b) && b >= 2 && b <= steps) before.push(b - 1);
    else c.err(`gates.before[${i}]`, `must be a step from 2 to ${steps} (step 1 starts with the release) or "promotion", got ${quote(b)}`);
  });
  if (given(g.onTimeout) && g.onTimeout !== "rollback" && g.onTimeout !== "promote")
    c.err("gates.onTimeout", `must be "rollback" or "promote", got ${quote(g.onTimeout)}`);
  return {
    before: [...new Set(before)].sort((a, b) => a - b),
    timeoutMs: ms(g.timeout, "gates.timeout", none.timeoutMs, c),
    onTimeout: g.onTimeout === "promote" ? "promote" : "rollback",
  };
}

export function checkWebhooks(w: unknown, c: Check): Webhook[] {
  if (!given(w)) return [];
  if (!Array.isArray(w)) {
    c.err("webhooks", `must be a list of { url, on, timeout?, retries? }, got ${quote(w)}`);
    return [];
  }
  return w.flatMap((h, i): Webhook[] => {
    const at = `webhooks[${i}]`;
    if (!isObject(h)) {
      c.err(at, `must be { url, on, timeout?, retries? }, got ${quote(h)}`);
      return [];
    }
    if (typeof h.url !== "string" || !/^https?:\/\/\S+$/.test(h.url)) c.err(`${at}.url`, `must be an http(s) URL, got ${quote(h.url)}`);
    const on = Array.isArray(h.on) ? h.on : [];
    if (!on.length || on.some((m) => !HOOK_MOMENTS.includes(m as HookMoment)))
      c.err(`${at}.on`, `must list moments among ${HOOK_MOMENTS.join(", ")}, got ${quote(h.on)}`);
    let retries = 2;
    if (given(h.retries)) {
      const r = wholeNumber(h.retries, 0);
      if (r.ok) retries = r.value;
      else c.err(`${at}.retries`, r.reason);
    }
    return [{ url: String(h.url), on: on as HookMoment[], timeoutMs: ms(h.timeout, `${at}.timeout`, 5000, c), retries }];
  });
}
