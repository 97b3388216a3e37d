/**
 * Resolved gateways → a complete HAProxy 2.6 configuration (global and defaults included).
 *
 * Layout per http gateway, following Vamp's design so that every weight is a server weight:
 *
 *   frontend g_X            :port and abns@vamp_g_X; conditional routes first (use_backend
 *                           g_X__c_R if <acl>), everything else to the split
 *   backend  g_X__split     one server per route, weight = route weight (roundrobin, so the
 *                           split is exact and changes at run time without reload)
 *   backend  g_X__c_R       condition strength: server "route" weight S, server "split" 100-S
 *   listen   g_X__r_R       the route: its instances (or another gateway), rewrites, sticky
 *                           instance cookie, one JSON access log line per request
 *
 * Internal hops go through abstract unix sockets with the PROXY protocol, so clients' addresses
 * survive and nothing internal listens on the network.
 */
import { createHash } from "node:crypto";
import { toHaproxyCondition, type Acl } from "./acl";
import type { Instance } from "../model/gateway";
import type { RenderedConfig, ResolvedGateway, ResolvedRoute, ServerWeight, SlotState } from "../model/resolved";
import { gatewayNames, instanceServer } from "./names";
import { assignSlots, slotCapacity, slotName, slotsApply, slotStates } from "./slots";

export interface RenderOptions {
  /** Address the gateway ports bind to; default all (`*`). Tests use 127.0.0.1. */
  bind?: string;
  /** Admin stats socket (Runtime API) for the agent. */
  statsSocket?: string;
  /** Where the agent saves `show servers state` before a reload. */
  serverStateFile?: string;
  /** The shared virtual-host frontend's port; default 80. */
  virtualHostsPort?: number;
  /** Access logs: `stdout` (default), a syslog address like `127.0.0.1:514`, or false. */
  log?: string | false;
  /** A `monitor-uri /health` frontend on this port. */
  healthPort?: number;
  maxconn?: number;
  /** Scopes the internal abstract sockets to this HAProxy (letters and digits); the agent sets it. */
  instance?: string;
}

export interface RenderResult extends RenderedConfig {
  /**
   * Gateways that could not be rendered, left out of `text`: one gateway's failure never holds
   * back the others (a validated gateway always renders; this is the safety net).
   */
  failures: { gateway: string; message: string }[];
}

/**
 * @example
 * const { gateways } = resolveSet([validateGateway(raw, "shop.yaml").gateway!]);
 * const { text } = renderConfig(gateways, { bind: "127.0.0.1" });
 */
export function renderConfig(gateways: ResolvedGateway[], opts: RenderOptions = {}): RenderResult {
  const out: string[] = [];
  const weights: ServerWeight[] = [];
  const slots: SlotState[] = [];
  const routes: RenderResult["routes"] = [];
  const bind = (port: number) => `${opts.bind && opts.bind !== "*" ? opts.bind : ""}:${port}`;
  const line = (...parts: string[]) => out.push(parts.join(" "));

  line("# Rendered by @vamp-pulumi/provider. Do not edit: the gateway agent rewrites it.");
  line("global");
  // Without maxconn HAProxy sizes itself from the file-descriptor limit it is given.
  if (opts.maxconn) line(`  maxconn ${opts.maxconn}`);
  if (opts.log !== false) line(opts.log && opts.log !== "stdout" ? `  log ${opts.log} local0` : "  log stdout format raw local0");
  if (opts.statsSocket) line(`  stats socket ${opts.statsSocket} mode 600 level admin expose-fd listeners`);
  if (opts.serverStateFile) line(`  server-state-file ${opts.serverStateFile}`);
  // Old workers finish their connections after a reload, but not forever.
  line("  hard-stop-after 60s");
  line("");
  line("defaults");
  line("  mode http");
  line("  log global");
  line("  option dontlognull");
  // On reload, old workers answer the next request on an idle keep-alive connection with
  // "Connection: close" instead of closing it under the client's feet (HAProxy >= 2.4 default).
  line("  option idle-close-on-response");
  line("  timeout connect 5s");
  line("  timeout client 50s");
  line("  timeout server 50s");
  line("  timeout http-keep-alive 10s");
  if (opts.serverStateFile) line("  load-server-state-from-file global");
  if (opts.healthPort) {
    line("");
    line("frontend vamp_health");
    line(`  bind ${bind(opts.healthPort)}`);
    line("  monitor-uri /health");
  }

  const sorted = [...gateways].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const vhostGateways = sorted.filter((g) => g.virtualHosts.length);
  const names = (gateway: string) => gatewayNames(gateway, opts.instance);
  if (vhostGateways.length) renderVirtualHosts(vhostGateways, bind(opts.virtualHostsPort ?? 80), line, names);
  const failures: RenderResult["failures"] = [];
  for (const g of sorted) {
    // Into buffers of its own, kept only when the whole gateway rendered.
    const part: Parts = { out: [], weights: [], routes: [], slots: [] };
    try {
      renderGateway(g, bind(g.port.number), (...p: string[]) => part.out.push(p.join(" ")), part, names);
    } catch (e) {
      failures.push({ gateway: g.name, message: `cannot be rendered: ${(e as Error).message}` });
      continue;
    }
    out.push(...part.out);
    weights.push(...part.weights);
    slots.push(...part.slots);
    routes.push(...part.routes);
  }

  const text = out.join("\n") + "\n";
  const fingerprint = createHash("sha256")
    .update(text.replace(/ weight \d+/g, " weight _").replace(/^( {2}server slot\d+) \S+( disabled)?/gm, "$1 _"))
    .digest("hex");
  return { text, weights, slots, fingerprint, routes, failures };
}

type Line = (...parts: string[]) => void;
type Names = (gateway: string) => ReturnType<typeof gatewayNames>;

function renderVirtualHosts(gateways: ResolvedGateway[], address: string, line: Line, gatewayNames: Names): void {
  line("");
  line("frontend vamp_virtual_hosts");
  line("  mode http");
  line(`  bind ${address}`);
  line("  option dontlog-normal");
  for (const g of gateways) {
    const n = gatewayNames(g.name);
    const exact = g.virtualHosts.filter((h) => !h.startsWith("*."));
    const wild = g.virtualHosts.filter((h) => h.startsWith("*.")).map((h) => h.slice(1));
    if (exact.length) line(`  acl vh_${n.frontend} req.hdr(host),field(1,:) -i ${exact.join(" ")}`);
    if (wild.length) line(`  acl vh_${n.frontend} req.hdr(host),field(1,:) -i -m end ${wild.join(" ")}`);
    line(`  use_backend ${n.vhostBackend} if vh_${n.frontend}`);
  }
  for (const g of gateways) {
    const n = gatewayNames(g.name);
    line("");
    line(`backend ${n.vhostBackend}`);
    line("  mode http");
    line(`  server gateway ${n.inSocket} send-proxy-v2`);
  }
}

/** What rendering one gateway adds: its lines, weights, routes and slots. */
interface Parts {
  out: string[];
  weights: ServerWeight[];
  routes: RenderResult["routes"];
  slots: SlotState[];
}

function renderGateway(g: ResolvedGateway, address: string, line: Line, part: Parts, gatewayNames: Names): void {
  const { weights } = part;
  const n = gatewayNames(g.name);
  const mode = g.port.protocol;
  const conditional = g.routes.filter((r) => r.condition);
  line("");
  line(`# gateway ${g.name} (${g.port.number}/${mode})`);
  line(`frontend ${n.frontend}`);
  line(`  mode ${mode}`);
  line(`  bind ${address}`);
  line(`  bind ${n.inSocket} accept-proxy`);
  // Every request is logged once, by the route that serves it; here only what fails before.
  line("  option dontlog-normal");
  line(`  log-format ${logFormat(g.name, "-", mode)}`);
  if (mode === "tcp") line("  option tcplog");
  for (const r of conditional) {
    const c = toHaproxyCondition(r.condition!.ast);
    writeAcls(c.acls, line);
    line(`  use_backend ${n.route(r.key).conditional} if ${c.expression}`);
  }
  line(`  default_backend ${n.split}`);

  if (conditional.length) {
    line("");
    line(`frontend ${n.splitIn}`);
    line(`  mode ${mode}`);
    line(`  bind ${n.splitSocket} accept-proxy`);
    line("  option dontlog-normal");
    line(`  default_backend ${n.split}`);
  }

  line("");
  line(`backend ${n.split}`);
  line(`  mode ${mode}`);
  line(`  balance roundrobin`);
  if (g.sticky) line(`  cookie ${n.cookie} insert indirect nocache`);
  for (const r of g.routes) {
    const rn = n.route(r.key);
    line(`  server ${rn.server} ${rn.socket} send-proxy-v2 weight ${r.weight}${g.sticky ? ` cookie ${rn.server}` : ""}`);
    weights.push({ backend: n.split, server: rn.server, weight: r.weight });
  }

  for (const r of conditional) {
    const rn = n.route(r.key);
    line("");
    line(`backend ${rn.conditional}`);
    line(`  mode ${mode}`);
    line("  balance roundrobin");
    line(`  server route ${rn.socket} send-proxy-v2 weight ${r.conditionStrength}`);
    line(`  server split ${n.splitSocket} send-proxy-v2 weight ${100 - r.conditionStrength}`);
    weights.push({ backend: rn.conditional, server: "route", weight: r.conditionStrength });
    weights.push({ backend: rn.conditional, server: "split", weight: 100 - r.conditionStrength });
  }

  for (const r of g.routes) renderRoute(g, r, line, part, gatewayNames);
}

function renderRoute(g: ResolvedGateway, r: ResolvedRoute, line: Line, part: Parts, gatewayNames: Names): void {
  const { routes, slots } = part;
  const n = gatewayNames(g.name);
  const rn = n.route(r.key);
  const mode = g.port.protocol;
  line("");
  line(`listen ${rn.listen}`);
  line(`  mode ${mode}`);
  line(`  bind ${rn.socket} accept-proxy`);
  line(`  log-format ${logFormat(g.name, r.key, mode)}`);
  line(`  balance ${r.balance}`);
  for (const rw of r.rewrites) {
    if (rw.condition) {
      const c = toHaproxyCondition(rw.condition.ast);
      writeAcls(c.acls, line);
      line(`  http-request set-path ${rw.path} if ${c.expression}`);
    } else line(`  http-request set-path ${rw.path}`);
  }
  const stickyInstance = g.sticky === "instance" && r.resolution.kind === "servers";
  if (stickyInstance) line(`  cookie ${rn.instanceCookie} insert indirect nocache`);
  if (r.resolution.kind === "gateway") line(`  server gateway ${gatewayNames(r.resolution.gateway).inSocket} send-proxy-v2`);
  else if (r.instances && slotsApply(r.instances)) renderSlots(rn.listen, r.instances, stickyInstance, line, slots);
  else renderServers(r.resolution.servers, stickyInstance, line);
  routes.push({ gateway: g.name, route: r.key, backend: rn.listen });
}

const hostPort = (i: Instance) => `${i.host.includes(":") && !i.host.startsWith("[") ? `[${i.host}]` : i.host}:${i.port}`;

/** One named server per instance: a change of instances is a change of configuration. */
function renderServers(servers: Instance[], sticky: boolean, line: Line): void {
  const seen = new Set<string>();
  for (const i of servers) {
    let name = instanceServer(i);
    while (seen.has(name)) name += "_";
    seen.add(name);
    line(`  server ${name} ${hostPort(i)}${sticky ? ` cookie ${name}` : ""}`);
  }
}

/** Server slots (render/slots.ts): empty ones in maintenance, so replicas change at run time. */
function renderSlots(backend: string, instances: Instance[], sticky: boolean, line: Line, slots: SlotState[]): void {
  const assigned = assignSlots(instances, slotCapacity(instances.length));
  assigned.forEach((i, n) => {
    const name = slotName(n);
    line(`  server ${name} ${i ? hostPort(i) : `${EMPTY_SLOT} disabled`}${sticky ? ` cookie ${name}` : ""}`);
  });
  slots.push(...slotStates(backend, assigned));
}

/** Where an empty slot points: nowhere that answers, and it is in maintenance anyway. */
const EMPTY_SLOT = "127.0.0.1:1";

function writeAcls(acls: Acl[], line: Line): void {
  for (const a of acls) line(`  acl ${a.name} ${a.criterion}`);
}

/** One JSON object per request, with the gateway's and the route's names as the join keys. */
function logFormat(gateway: string, route: string, mode: "http" | "tcp"): string {
  const fields =
    mode === "http"
      ? `{"ts":"%tr","gateway":"${gateway}","route":"${route}","client":"%ci","server":"%s","method":"%HM","path":"%HP","status":%ST,"time_ms":%Ta,"response_ms":%Tr,"bytes":%B}`
      : `{"ts":"%t","gateway":"${gateway}","route":"${route}","client":"%ci","server":"%s","time_ms":%Tt,"bytes":%B}`;
  return `"${fields.replace(/"/g, '\\"')}"`;
}
