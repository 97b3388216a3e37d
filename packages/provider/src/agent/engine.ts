/**
 * What the agent needs from the gateway engine, as one small interface: check one gateway
 * record, check a set, render a set. The default implementation is the gateway engine of this
 * package; tests and the benchmark's baseline may pass their own.
 */
import type { ServerWeight } from "../proxy/runtime-api";
import type { GatewayRecord } from "../store/record";

/** A rendered configuration and what can change in it without a reload. */
export interface RenderedConfig {
  /** The complete HAProxy configuration. */
  text: string;
  /** Every runtime-tunable server weight in `text`. */
  weights: ServerWeight[];
  /** Equal for two configurations that differ only in those weights. */
  fingerprint: string;
  /** Which backend serves which route, for per-route metrics. */
  routes: { gateway: string; route: string; backend: string }[];
}

/** Where HAProxy's files live; the renderer puts them into `global`. */
export interface RenderPaths {
  statsSocket: string;
  serverStateFile: string;
  /** Scopes HAProxy's internal socket names to this agent. */
  instance: string;
}

export interface GatewayEngine<G = unknown> {
  /** Validates one record; errors are full sentences naming the field path. */
  compile(record: GatewayRecord): { gateway?: G; errors: string[] };
  /** Problems between gateways (shared ports, ...), each naming the gateways involved. */
  checkSet(gateways: G[]): { gateway: string; message: string }[];
  /** Renders the set into a complete configuration. */
  render(gateways: G[], paths: RenderPaths): RenderedConfig;
}
