/** What the renderer's modules share: how a line is written, and what one gateway adds. */
import type { ServerWeight, SlotState } from "../model/resolved";
import type { Acl } from "./acl";
import type { gatewayNames } from "./names";

export type Line = (...parts: string[]) => void;
export type Names = (gateway: string) => ReturnType<typeof gatewayNames>;

/** A rendered route: which backend's stats are its own. */
export interface RenderedRoute {
  gateway: string;
  route: string;
  backend: string;
  /** The server in the gateway's split that carries the route's weight. */
  split?: { backend: string; server: string };
}

/** What rendering one gateway adds: its lines, weights, routes and slots. */
export interface Parts {
  out: string[];
  weights: ServerWeight[];
  routes: RenderedRoute[];
  slots: SlotState[];
}

export function writeAcls(acls: Acl[], line: Line): void {
  for (const a of acls) line(`  acl ${a.name} ${a.criterion}`);
}
