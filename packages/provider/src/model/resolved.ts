/**
 * A gateway set ready to render: every route resolved to servers or to another gateway, every
 * gateway with a port. Shared by resolution, the renderer and the agent.
 */
import type { Gateway, Instance, Port, Route } from "./gateway";

/** Where a route's traffic goes once the set is known. */
export type Resolution = { kind: "servers"; servers: Instance[] } | { kind: "gateway"; gateway: string };

export interface ResolvedRoute extends Route {
  resolution: Resolution;
}

export interface ResolvedGateway extends Omit<Gateway, "routes" | "port"> {
  port: Port;
  routes: ResolvedRoute[];
}

/** A server weight HAProxy can change at run time. */
export interface ServerWeight {
  backend: string;
  server: string;
  weight: number;
}

/** A server slot HAProxy can fill, move or empty at run time: an address, or none (maintenance). */
export interface SlotState {
  backend: string;
  server: string;
  host?: string;
  port?: number;
}

/** A rendered configuration and what can change in it without a reload. */
export interface RenderedConfig {
  /** The complete HAProxy configuration. */
  text: string;
  /**
   * The same text in pieces, when the renderer has them: a file of megabytes can then be
   * written without building (and encoding) one string at once.
   */
  textChunks?: () => Iterable<string>;
  /** Every runtime-tunable server weight in `text`. */
  weights: ServerWeight[];
  /** Every server slot in `text`, with its instance's address or empty. */
  slots: SlotState[];
  /** Equal for two configurations that differ only in those weights and slots. */
  fingerprint: string;
  /** Which proxy serves which route (its stats are the route's). */
  routes: { gateway: string; route: string; backend: string; split?: { backend: string; server: string } }[];
}
