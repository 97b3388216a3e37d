/**
 * What the agent needs from the gateway engine, as one small interface: check one gateway
 * record, check a set, render a set. The default implementation is the gateway engine of this
 * package; tests and the benchmark's baseline may pass their own.
 */
import type { GatewayRecord } from "../model/record";
import type { RenderedConfig } from "../model/resolved";

export type { RenderedConfig } from "../model/resolved";

/** Where HAProxy's files live; the renderer puts them into `global`. */
export interface RenderPaths {
  statsSocket: string;
  serverStateFile: string;
  /** Scopes HAProxy's internal socket names to this agent. */
  instance: string;
}

/** A problem of one gateway, found when checking or rendering a set. */
export interface GatewayProblem {
  gateway: string;
  message: string;
}

export interface GatewayEngine<G = unknown> {
  /** Validates one record; errors are full sentences naming the field path. */
  compile(record: GatewayRecord): { gateway?: G; errors: string[] };
  /** Problems between gateways (shared ports, ...), each against the gateway that must yield. */
  checkSet(gateways: G[]): GatewayProblem[];
  /** Renders the set; gateways that cannot be rendered are left out and listed in `failures`. */
  render(gateways: G[], paths: RenderPaths): RenderedConfig & { failures: GatewayProblem[] };
  /**
   * The configuration `previous` (this engine's own rendering) with new versions of some of its
   * gateways, when those differ only in weights; undefined otherwise, and the agent renders the
   * whole set. Optional: an engine without it always renders the set.
   */
  reweigh?(previous: RenderedConfig, changes: { previous: G; next: G }[]): (RenderedConfig & { failures: GatewayProblem[] }) | undefined;
  /**
   * The part of `next` a configuration check must see when `previous` (this engine's own
   * rendering) already passed it; undefined: check all of `next`. Optional.
   */
  checkText?(previous: RenderedConfig, next: RenderedConfig): string | undefined;
}
