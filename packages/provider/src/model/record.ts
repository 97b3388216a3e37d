/**
 * What a gateway's key in the store holds: the declared {@link GatewaySpec} (not rendered
 * HAProxy text), so every agent renders locally and can tell a weight-only change from a
 * structural one, plus the parts other writers own (docs/ownership.md).
 */
import type { GatewaySpec, InstanceSpec, RouteSpec } from "./spec";

/**
 * `vamp.io/v2`: the spec in the typed shape of {@link GatewaySpec}. Records of `vamp.io/v1`
 * (the spec in Vamp's YAML field names) are still read, and upgraded on the next write.
 */
export const RECORD_API_VERSION = "vamp.io/v2";

export interface GatewayRecord {
  apiVersion: typeof RECORD_API_VERSION;
  kind: "Gateway";
  /** The gateway's name. */
  name: string;
  /** The gateway as declared, normalized, with the fields `managers` names set by their owners. */
  spec: GatewaySpec;
  /** Who wrote it last (a Pulumi URN, a reconciler), for humans reading the store. */
  writer?: string;
  /** The deployment that owns it, for its internal `deployment/cluster/port` gateways. */
  deployment?: string;
  /** Route fields owned by someone other than the gateway's writer (a `Route` resource), by route key. */
  managers?: Record<string, RouteManager>;
  /** What selector discovery found; written only by discovery (provider or reconciler). */
  discovered?: DiscoveredState;
}

/** The route fields a `Route` resource may own. */
export const ROUTE_MANAGED_FIELDS = ["weight", "condition", "conditionStrength"] as const satisfies readonly (keyof RouteSpec)[];
export type RouteManagedField = (typeof ROUTE_MANAGED_FIELDS)[number];

/** Who manages which fields of one route. */
export interface RouteManager {
  owner: string;
  fields: RouteManagedField[];
}

/** The instances a gateway's selector found, per route key (`(1.0.3)`), and when. */
export interface DiscoveredState {
  routes: Record<string, InstanceSpec[]>;
  /** Instances that matched but could not be used, with the reason (no IP yet, ambiguous port). */
  skipped?: { instance: string; reason: string }[];
  /** Who discovered it (`pulumi` or `reconciler/<host>`), for humans. */
  writer: string;
}

/**
 * An agent's presence in the store (`/vamp/<org>/<env>/agents/<id>`), rewritten every few seconds:
 * readers treat one older than {@link AGENT_PRESENCE_STALE_MS} as gone.
 */
export interface AgentPresence {
  id: string;
  /** Its status endpoint (`http://127.0.0.1:19100`): `/status`, `/metrics`, `/window`. */
  endpoint: string;
  ready: boolean;
  /** Store revisions served, by gateway. */
  revisions: Record<string, string>;
  /** When it last wrote this, ms since the epoch. */
  at: number;
}

export const AGENT_PRESENCE_STALE_MS = 30_000;

/** One route as HAProxy runs it now: the weight it applies and the requests its backend served. */
export interface AppliedRoute {
  route: string;
  /** The weight of the route's server in the gateway's split, read from HAProxy; undefined when HAProxy does not say. */
  weight?: number;
  /** Requests (sessions for tcp) the route's backend served since HAProxy started. */
  requests?: number;
}
