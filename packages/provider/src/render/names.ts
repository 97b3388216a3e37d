/**
 * Stable HAProxy names derived from gateway and route names. Deterministic (the same gateway
 * gets the same backend on every host and every render) and injective in practice: a readable
 * part plus a hash of the full text, so `shop/web` and `shop.web` never meet.
 */
import { fnv1a } from "./hash";

/** `shop/web` → `shop_web_8c0b3e2a`: letters, digits and `_`, at most 24 + 9 characters. */
export function ident(text: string): string {
  const readable = text
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 24);
  return `${readable || "x"}_${fnv1a(text)}`;
}

/**
 * The names of one gateway's proxies, servers and internal sockets. Abstract sockets are shared
 * by every process of a network namespace, so their names carry `instance`: two HAProxys on one
 * host (two agents, two tenants) never take each other's sockets.
 */
export function gatewayNames(gateway: string, instance = "") {
  const g = `g_${ident(gateway)}`;
  const sock = `${socketPrefix(instance)}_${g}`;
  return {
    frontend: g,
    split: `${g}__split`,
    vhostBackend: `${g}__vh`,
    /** The gateway's internal listener, for chaining and virtual hosts (only when used). */
    inSocket: sock,
    cookie: `VAMP_${fnv1a(gateway)}`,
    route(key: string) {
      const r = ident(key);
      return {
        /** The route's sticky cookie value (and its server in a tcp split). */
        server: `r_${r}`,
        conditional: `${g}__c_${r}`,
        /** The route's backend (http) or `listen` proxy (tcp); its server in an http split. */
        backend: `${g}__r_${r}`,
        /** tcp routes: the route's own listener. */
        socket: `${sock}__r_${r}`,
        instanceCookie: `VAMPI_${fnv1a(`${gateway}\u0000${key}`)}`,
      };
    },
  };
}

/**
 * The one internal frontend every http hop goes through (split → route, condition → split):
 * the hop names its target backend in a header, so no route needs a listener of its own.
 */
export function hopNames(instance = "") {
  return {
    frontend: "vamp_routes",
    socket: `${socketPrefix(instance)}_routes`,
    /** Where a hop naming no known backend ends: 503. */
    noRoute: "vamp_no_route",
    header: "x-vamp-route",
  };
}

function socketPrefix(instance: string): string {
  return `abns@vamp${instance ? `_${instance}` : ""}`;
}

/** A server name for an instance: its own name when it has one, else its address. */
export function instanceServer(i: { host: string; port: number; name?: string }): string {
  return `s_${ident(i.name ?? `${i.host}:${i.port}`)}`;
}
