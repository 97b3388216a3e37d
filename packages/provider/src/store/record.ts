/**
 * What a gateway's key holds: the structured gateway definition (not rendered HAProxy text),
 * so the agent renders locally and can tell a weight-only change from a structural one.
 */
export const RECORD_API_VERSION = "vamp.io/v1";

export interface GatewayRecord {
  apiVersion: typeof RECORD_API_VERSION;
  kind: "Gateway";
  /** The gateway's name, as in its definition. */
  name: string;
  /** The gateway definition in the Vamp DSL's shape (port, routes, sticky, ...), with resolved instances. */
  spec: Record<string, unknown>;
  /** Who wrote it last (a Pulumi URN, a reconciler), for humans reading the store. */
  writer?: string;
  /**
   * Route fields owned by someone other than the gateway's writer (a `Route` resource), by
   * route key: the gateway's writer keeps those fields as it finds them. See docs/ownership.md.
   */
  managers?: Record<string, RouteManager>;
  /** What selector discovery found; written only by discovery (provider or reconciler). */
  discovered?: DiscoveredState;
}

/** Who manages which DSL fields (`weight`, `condition`, `condition_strength`) of one route. */
export interface RouteManager {
  owner: string;
  fields: string[];
}

/** The instances a gateway's selector found, per route key (`(1.0.3)`), and when. */
export interface DiscoveredState {
  routes: Record<string, { name?: string; host: string; port: number }[]>;
  /** Instances that matched but could not be used, with the reason (no IP yet, ambiguous port). */
  skipped?: { instance: string; reason: string }[];
  /** Who discovered it (`pulumi` or `reconciler/<host>`), for humans. */
  writer: string;
}

/** Serializes a record with sorted keys, so equal records are equal strings. */
export function encodeRecord(record: GatewayRecord): string {
  return stableStringify(record);
}

/** Parses a record; throws an error naming the key and the problem. */
export function decodeRecord(key: string, value: string): GatewayRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new Error(`${key}: not JSON (${(e as Error).message})`);
  }
  const r = parsed as Partial<GatewayRecord>;
  if (typeof r !== "object" || r === null || r.apiVersion !== RECORD_API_VERSION || r.kind !== "Gateway") {
    throw new Error(`${key}: not a gateway record (expected apiVersion "${RECORD_API_VERSION}", kind "Gateway")`);
  }
  if (typeof r.name !== "string" || typeof r.spec !== "object" || r.spec === null || Array.isArray(r.spec)) {
    throw new Error(`${key}: a gateway record needs a string "name" and an object "spec"`);
  }
  if (r.managers !== undefined && (typeof r.managers !== "object" || r.managers === null)) throw new Error(`${key}: "managers" must be an object`);
  if (r.discovered !== undefined && (typeof r.discovered !== "object" || r.discovered === null || typeof r.discovered.routes !== "object")) {
    throw new Error(`${key}: "discovered" must be an object with "routes"`);
  }
  return r as GatewayRecord;
}

/** JSON with object keys sorted at every level. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
