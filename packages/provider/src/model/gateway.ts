/**
 * The gateway model: plain, validated data. Produced by validation from a {@link GatewaySpec}
 * (a program's arguments, a stored record, a Vamp document), consumed by the HAProxy renderer.
 */
import type { ConditionNode } from "./condition";

export type Protocol = "http" | "tcp";

export interface Port {
  number: number;
  protocol: Protocol;
}

export type Sticky = "route" | "instance";

/** One address a route sends traffic to. */
export interface Instance {
  host: string;
  port: number;
  /** A stable name (a pod name); the renderer derives server names from it when present. */
  name?: string;
}

/** Where a route sends traffic. */
export type RouteTarget =
  /** `"[host:port]"`: an address outside the platform. */
  | { kind: "external"; host: string; port: number }
  /** A deployment-style path (`deployment/port`, ...) or another gateway's name: resolved per set. */
  | { kind: "path"; path: string };

export interface Condition {
  /** The condition as written. */
  source: string;
  ast: ConditionNode;
}

export interface Rewrite {
  /** The new path. */
  path: string;
  /** Rewrite only when this holds; always when absent. */
  condition?: Condition;
}

export interface Route {
  /** The key the route is written under (`"[10.0.0.1:8080]"`, `shop/web`, `(1.0.3)`, ...). */
  key: string;
  target: RouteTarget;
  /** Integer percent 0-100, defaults already applied. */
  weight: number;
  condition?: Condition;
  /** Integer percent 0-100 of the requests matching `condition` that go to this route. */
  conditionStrength: number;
  rewrites: Rewrite[];
  balance: string;
  /** A selector that picks this route's instances (kept for the reconciler). */
  selector?: string;
  /** Resolved instances (from a selector, a deployment or the caller). */
  instances?: Instance[];
}

export interface Gateway {
  /** 1-4 `/`-separated segments. */
  name: string;
  /** Undefined: assigned from the automatic range when the set is rendered. */
  port?: Port;
  /** Needed when `port` is undefined: the protocol of the auto-assigned port. */
  protocol: Protocol;
  sticky?: Sticky;
  virtualHosts: string[];
  selector?: string;
  /** The access log keeps the query string (off by default: it may carry personal data). */
  logQueryString?: boolean;
  routes: Route[];
}
