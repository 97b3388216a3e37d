/**
 * Release records as text, and the rules of their lease: one driver at a time, renewed often, and
 * a lapsed lease is the signal to take the release back to stable. Pure.
 */
import { VampError } from "../model/problem";
import { DECISIONS_KEPT, RELEASE_API_VERSION, type DecisionEntry, type ReleaseRecord } from "../model/release";
import { stableStringify } from "../model/stable";

export function encodeRelease(r: ReleaseRecord): string {
  return stableStringify(r);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a release record; throws a {@link VampError} naming the key and the problem. */
export function decodeRelease(key: string, value: string): ReleaseRecord {
  let r: unknown;
  try {
    r = JSON.parse(value);
  } catch (e) {
    throw new VampError("invalid", `${key}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(r) || r.kind !== "Release" || r.apiVersion !== RELEASE_API_VERSION)
    throw new VampError("invalid", `${key}: not a release record (expected apiVersion "${RELEASE_API_VERSION}", kind "Release")`);
  if (typeof r.name !== "string" || !isObject(r.spec)) throw new VampError("invalid", `${key}: a release record needs a string "name" and an object "spec"`);
  return {
    ...(r as unknown as ReleaseRecord),
    driver: r.driver === "cluster" ? "cluster" : "pulumi",
    decisions: Array.isArray(r.decisions) ? (r.decisions as DecisionEntry[]) : [],
  };
}

/** Whether the lease has lapsed at `now` (a release without a lease has none to lapse). */
export function leaseLapsed(r: ReleaseRecord, now: number): boolean {
  return r.lease !== undefined && r.lease.expiresAt < now;
}

/**
 * The record with `holder`'s lease renewed until `now + ttlMs`; refused while another holder's
 * lease runs (two drivers would fight over the weights).
 *
 * @example
 * withLease(record, "pulumi/acme/prod/shop-canary", 3000, Date.now())
 */
export function withLease(r: ReleaseRecord, holder: string, ttlMs: number, now: number): ReleaseRecord {
  if (r.lease && r.lease.holder !== holder && r.lease.expiresAt >= now)
    throw new VampError("conflict", `release ${r.name} is driven by ${r.lease.holder} until ${new Date(r.lease.expiresAt).toISOString()}; not taking it over`);
  return { ...r, lease: { holder, expiresAt: now + ttlMs } };
}

/** The record with a decision appended (the oldest go past {@link DECISIONS_KEPT}). */
export function withDecision(r: ReleaseRecord, d: DecisionEntry): ReleaseRecord {
  return { ...r, decisions: [...r.decisions, d].slice(-DECISIONS_KEPT) };
}
