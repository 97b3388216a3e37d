/**
 * The one typed shape of a gateway's declaration. A Pulumi program passes it as the `Gateway`
 * resource's arguments, the store keeps it (normalized) in the gateway record, and the Vamp
 * YAML reader produces it from a document. Validation turns it into the {@link Gateway} model.
 */

/** One route as declared. Percentages are whole numbers 0-100; Vamp documents may write `"90%"`. */
export interface RouteSpec {
  /** Percent of the gateway's traffic; routes without a weight share what is left of 100. */
  weight?: number | string;
  /** A condition in Vamp's language, e.g. `user-agent = Firefox or has cookie beta`. */
  condition?: string;
  /** Percent of the requests matching `condition` that go to this route; default 100. */
  conditionStrength?: number | string;
  /** Path rewrites: `{ path: "/v2 if header X-Api has v2" }`. */
  rewrites?: { path: string }[];
  /** HAProxy balance algorithm for the route's instances. */
  balance?: string;
  /** A selector that picks this route's instances. */
  selector?: string;
  /** The route's instances (from a deployment or a selector); `"[host:port]"` keys need none. */
  instances?: InstanceSpec[];
}

/** One address a route sends traffic to. */
export interface InstanceSpec {
  host: string;
  port: number;
  /** A stable name (a pod name); HAProxy's server name is derived from it. */
  name?: string;
}

/** A gateway as declared (without its name, which is the record's or the resource's). */
export interface GatewaySpec {
  /** `9050`, `"9050/http"` or `"9050/tcp"`; omitted: assigned from 40000-45000 by the agent. */
  port?: number | string;
  sticky?: "route" | "instance";
  virtualHosts?: string[];
  /** Discover routes from workloads: `label(app)(shop) && label(version)((.*))`. */
  selector?: string;
  /** Keep the query string in the access log shipped to search (default false: it may carry personal data). */
  logQueryString?: boolean;
  /** Routes keyed by target: `"[host:port]"`, another gateway's name, or a selector capture `(1.0)`. */
  routes: Record<string, RouteSpec>;
}

/** The fields of a {@link GatewaySpec}, in order. */
export const GATEWAY_SPEC_FIELDS = ["port", "sticky", "virtualHosts", "selector", "logQueryString", "routes"] as const;
/** The fields of a {@link RouteSpec}, in order. */
export const ROUTE_SPEC_FIELDS = ["weight", "condition", "conditionStrength", "rewrites", "balance", "selector", "instances"] as const;
