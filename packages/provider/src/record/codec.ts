/**
 * Gateway records as text: sorted keys (equal records are equal strings), and a reader that
 * names the key and the problem, and upgrades `vamp.io/v1` records (Vamp's field names).
 */
import { VampError } from "../model/problem";
import { RECORD_API_VERSION, type GatewayRecord, type RouteManager } from "../model/record";
import { fromVampFields } from "../validation/dialect";
import { normalizeSpec } from "./spec";
import { typedName } from "../validation/dialect";
import { stableStringify } from "../model/stable";

/** Serializes a record with sorted keys, so equal records are equal strings. */
export function encodeRecord(record: GatewayRecord): string {
  return stableStringify(record);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const bad = (key: string, why: string) => new VampError("invalid", `${key}: ${why}`);

/** Parses a record; throws a {@link VampError} naming the key and the problem. */
export function decodeRecord(key: string, value: string): GatewayRecord {
  let r: unknown;
  try {
    r = JSON.parse(value);
  } catch (e) {
    throw bad(key, `not JSON (${(e as Error).message})`);
  }
  if (!isObject(r) || r.kind !== "Gateway" || (r.apiVersion !== RECORD_API_VERSION && r.apiVersion !== "vamp.io/v1")) {
    throw bad(key, `not a gateway record (expected apiVersion "${RECORD_API_VERSION}" or "vamp.io/v1", kind "Gateway")`);
  }
  if (typeof r.name !== "string" || !isObject(r.spec)) throw bad(key, 'a gateway record needs a string "name" and an object "spec"');
  if (r.managers !== undefined && !isObject(r.managers)) throw bad(key, '"managers" must be an object');
  if (r.discovered !== undefined && !(isObject(r.discovered) && isObject(r.discovered.routes))) throw bad(key, '"discovered" must be an object with "routes"');
  return r.apiVersion === "vamp.io/v1" ? upgradeV1(r) : (r as unknown as GatewayRecord);
}

/** A `vamp.io/v1` record (the spec in Vamp's field names and `"90%"` strings) in today's shape. */
function upgradeV1(r: Record<string, unknown>): GatewayRecord {
  const managers = r.managers as Record<string, RouteManager> | undefined;
  const out = { ...r, apiVersion: RECORD_API_VERSION, spec: normalizeSpec(fromVampFields(r.spec as Record<string, unknown>)) } as GatewayRecord;
  if (managers) {
    out.managers = Object.fromEntries(
      Object.entries(managers).map(([k, m]) => [k, { ...m, fields: m.fields.map((f) => typedName(f)) as RouteManager["fields"] }]),
    );
  }
  return out;
}
