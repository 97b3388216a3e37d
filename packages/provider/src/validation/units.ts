/** Vamp's units: cpu, memory and time. Each parser returns the value or a reason naming the bad value. */
import { quote } from "../model/problem";
import type { Parsed } from "./values";

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** `0.5`, `"0.5"`, `"500m"` → cores (more than 0). */
export function cpu(v: unknown): Parsed<number> {
  const m = typeof v === "number" ? [String(v), String(v), ""] : typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(m?)\s*$/.exec(v) : null;
  const cores = m ? Number(m[1]) / (m[2] === "m" ? 1000 : 1) : NaN;
  if (!m || !(cores > 0)) return no(`must be a number of cores more than 0 like 0.5 or "500m", got ${quote(v)}`);
  return ok(cores);
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3 / 2 ** 20,
  kb: 1e3 / 2 ** 20,
  m: 1e6 / 2 ** 20,
  mb: 1e6 / 2 ** 20,
  g: 1e9 / 2 ** 20,
  gb: 1e9 / 2 ** 20,
  ki: 1 / 1024,
  kib: 1 / 1024,
  mi: 1,
  mib: 1,
  gi: 1024,
  gib: 1024,
};

/** `"256MB"`, `"1GB"`, `"64Mi"`, `"1Gi"`, 512 (MiB) → MiB (more than 0; MB is 10^6 bytes, Mi 2^20). */
export function memory(v: unknown): Parsed<number> {
  const m = typeof v === "number" ? [String(v), String(v), ""] : typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v) : null;
  const factor = m ? MEMORY_UNITS[m[2].toLowerCase()] : undefined;
  const mib = m && factor !== undefined ? Number(m[1]) * factor : NaN;
  if (!(mib > 0)) return no(`must be memory more than 0 like "256MB", "1GB" or "64Mi", got ${quote(v)}`);
  return ok(mib);
}

const TIME_UNITS: Record<string, number> = { "": 1, ms: 0.001, s: 1, m: 60, h: 3600 };

/** `"10s"`, `"1m"`, `"1h"`, `"500ms"`, 30 (seconds) → seconds (0 or more). */
export function seconds(v: unknown): Parsed<number> {
  const m = typeof v === "number" ? [String(v), String(v), ""] : typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(v) : null;
  const s = m ? Number(m[1]) * TIME_UNITS[(m[2] ?? "").toLowerCase()] : NaN;
  if (!(s >= 0)) return no(`must be a time like "10s", "1m", "1h" or a number of seconds, got ${quote(v)}`);
  return ok(s);
}

/** A whole number at least `min`. */
export function wholeNumber(v: unknown, min = 0): Parsed<number> {
  const n = typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) return no(`must be a whole number of at least ${min}, got ${quote(v)}`);
  return ok(n);
}
