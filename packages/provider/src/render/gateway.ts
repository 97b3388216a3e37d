/**
 * One gateway: its frontend, the split and a backend per conditional route.
 *
 *   frontend g_X         :port (and the internal socket, when chained to or a virtual host);
 *                        conditional routes first (use_backend g_X__c_R if <acl>), then the split
 *   backend  g_X__split  a server per route, weight = the route's weight (roundrobin: the split
 *                        is exact and changes at run time without a reload)
 *   backend  g_X__c_R    condition strength: the route weight S, the split 100 - S
 *
 * A server of the split or of a condition is a hop to another proxy. In http the hop goes
 * through the one shared frontend (render/haproxy.ts), told its target by a header HAProxy sets
 * from the chosen server's name; in tcp (no conditions there) every route has a listener of
 * its own. Hops use
 * abstract sockets and the PROXY protocol, so clients' addresses survive and nothing internal
 * listens on the network.
 */
import type { ResolvedGateway, ResolvedRoute } from "../model/resolved";
import { toHaproxyCondition } from "./acl";
import { LOGGED_HEADER, logFormat } from "./log-format";
import { hopNames } from "./names";
import { renderRoute } from "./route";
import { writeAcls, type Line, type Names, type Parts } from "./lines";

export interface GatewayContext {
  /** `host:port` the gateway binds. */
  address: string;
  /** Whether another proxy reaches this gateway (virtual hosts, chained routes). */
  internal: boolean;
  names: Names;
  instance?: string;
}

export function renderGateway(g: ResolvedGateway, ctx: GatewayContext, line: Line, part: Parts): void {
  const n = ctx.names(g.name);
  const mode = g.port.protocol;
  const conditional = g.routes.filter((r) => r.condition);
  const hop = hopTarget(g, ctx);
  line("");
  line(`# gateway ${g.name} (${g.port.number}/${mode})`);
  line(`frontend ${n.frontend}`);
  line(`  mode ${mode}`);
  line(`  bind ${ctx.address}`);
  if (ctx.internal) line(`  bind ${n.inSocket} accept-proxy`);
  // Every request is logged once, by the route that serves it; here only what fails before.
  line("  option dontlog-normal");
  line(`  log-format ${logFormat({ gateway: g.name, route: "-" }, mode)}`);
  if (mode === "tcp") line("  option tcplog");
  else {
    line(`  http-response set-log-level silent if { res.hdr(${LOGGED_HEADER}) -m found }`);
    line(`  http-response del-header ${LOGGED_HEADER}`);
  }
  for (const r of conditional) {
    const c = toHaproxyCondition(r.condition!.ast);
    writeAcls(c.acls, line);
    line(`  use_backend ${n.route(r.key).conditional} if ${c.expression}`);
  }
  line(`  default_backend ${n.split}`);

  line("");
  line(`backend ${n.split}`);
  line(`  mode ${mode}`);
  line("  balance roundrobin");
  if (mode === "http") line(`  http-send-name-header ${hopNames().header}`);
  if (g.sticky) line(`  cookie ${n.cookie} insert indirect nocache`);
  const splitServers = new Map<string, string>();
  for (const r of g.routes) {
    const to = hop.route(r);
    line(`  server ${to.server} ${to.address} send-proxy-v2 weight ${r.weight}${g.sticky ? ` cookie ${n.route(r.key).server}` : ""}`);
    part.weights.push({ backend: n.split, server: to.server, weight: r.weight });
    splitServers.set(r.key, to.server);
  }
  for (const r of conditional) renderConditional(r, n.route(r.key).conditional, hop, line, part);
  for (const r of g.routes) renderRoute(g, r, line, part, ctx.names);
  // Where each route's weight lives in HAProxy: what the agent reads back to say what it applied.
  for (const pr of part.routes) if (pr.gateway === g.name && splitServers.has(pr.route)) pr.split = { backend: n.split, server: splitServers.get(pr.route)! };
}

/** Where a hop to a route or to the split goes, and the server name that says so. */
interface Hop {
  route(r: ResolvedRoute): { server: string; address: string };
  split(): { server: string; address: string };
}

/** http: every hop to the shared frontend, named by its target; tcp (no conditions): the route's listener. */
function hopTarget(g: ResolvedGateway, ctx: GatewayContext): Hop {
  const n = ctx.names(g.name);
  const shared = hopNames(ctx.instance).socket;
  if (g.port.protocol === "http")
    return { route: (r) => ({ server: n.route(r.key).backend, address: shared }), split: () => ({ server: n.split, address: shared }) };
  return {
    route: (r) => ({ server: n.route(r.key).server, address: n.route(r.key).socket }),
    split: () => {
      throw new Error("tcp gateways have no conditions, so nothing hops back to their split");
    },
  };
}

function renderConditional(r: ResolvedRoute, backend: string, hop: Hop, line: Line, part: Parts): void {
  const route = hop.route(r);
  const split = hop.split();
  line("");
  line(`backend ${backend}`);
  line("  mode http");
  line("  balance roundrobin");
  line(`  http-send-name-header ${hopNames().header}`);
  line(`  server ${route.server} ${route.address} send-proxy-v2 weight ${r.conditionStrength}`);
  line(`  server ${split.server} ${split.address} send-proxy-v2 weight ${100 - r.conditionStrength}`);
  part.weights.push({ backend, server: route.server, weight: r.conditionStrength });
  part.weights.push({ backend, server: split.server, weight: 100 - r.conditionStrength });
}
