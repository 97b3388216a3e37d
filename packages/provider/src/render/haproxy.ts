/**
 * Resolved gateways → a complete HAProxy 2.6 configuration (global and defaults included).
 * Each gateway renders on its own (render/gateway.ts, render/route.ts), so one that fails is
 * left out and named, never the whole set. Every http hop between proxies goes through one
 * shared frontend (`vamp_routes`), so 5,000 gateways of 4 routes need about 5,000 listeners,
 * not 30,000.
 */
import { createHash } from "node:crypto";
import type { RenderedConfig, ResolvedGateway } from "../model/resolved";
import { renderGateway, type GatewayContext } from "./gateway";
import type { Line, Names, Parts } from "./lines";
import { logFormat } from "./log-format";
import { gatewayNames, hopNames } from "./names";

export interface RenderOptions {
  /** Address the gateway ports bind to; default all (`*`). Tests use 127.0.0.1. */
  bind?: string;
  /** Admin stats socket (Runtime API) for the agent. */
  statsSocket?: string;
  /** Where the agent saves `show servers state` before a reload. */
  serverStateFile?: string;
  /** The shared virtual-host frontend's port; default 80. */
  virtualHostsPort?: number;
  /**
   * Access logs: `stdout` (default), a syslog address like `127.0.0.1:514`, false, or a ring
   * HAProxy forwards over TCP to the agent (buffered in HAProxy's memory up to `bytes`, so serving
   * never waits on the reader and nothing is written to disk).
   */
  log?: string | false | LogRing;
  /** A `monitor-uri /health` frontend on this port. */
  healthPort?: number;
  maxconn?: number;
  /** Scopes the internal abstract sockets to this HAProxy (letters and digits); the agent sets it. */
  instance?: string;
}

/** HAProxy's log ring and the TCP address its lines are forwarded to. */
export interface LogRing {
  ring: { server: string; bytes?: number };
}

export interface RenderResult extends RenderedConfig {
  /**
   * Gateways that could not be rendered, left out of `text`: one gateway's failure never holds
   * back the others (a validated gateway always renders; this is the safety net).
   */
  failures: { gateway: string; message: string }[];
  /** The parts the text was assembled from, so a weight change re-renders one gateway (render/reweigh.ts). */
  sections: Sections;
}

/** One rendered gateway: what it was rendered from and what it adds. */
export interface Section {
  gateway: ResolvedGateway;
  ctx: GatewayContext;
  text: string;
  part: Parts;
  /** Where its weights start in the whole configuration's `weights`. */
  weightsAt?: number;
}

/** Everything before the gateways, then each gateway's section in name order. */
export interface Sections {
  head: string;
  gateways: Map<string, Section>;
}

/**
 * @example
 * const { gateways } = resolveSet([validateGateway(raw, "shop.yaml").gateway!]);
 * const { text } = renderConfig(gateways, { bind: "127.0.0.1" });
 */
export function renderConfig(gateways: ResolvedGateway[], opts: RenderOptions = {}): RenderResult {
  const sorted = [...gateways].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = (gateway: string) => gatewayNames(gateway, opts.instance);
  const bind = (port: number) => `${opts.bind && opts.bind !== "*" ? opts.bind : ""}:${port}`;
  const reached = internallyReached(sorted);
  const sections = new Map<string, Section>();
  const failures: RenderResult["failures"] = [];
  for (const g of sorted) {
    const ctx = { address: bind(g.port.number), internal: reached.has(g.name), names, instance: opts.instance };
    try {
      sections.set(g.name, renderSection(g, ctx));
    } catch (e) {
      failures.push({ gateway: g.name, message: `cannot be rendered: ${(e as Error).message}` });
    }
  }
  const head = renderHead(sorted, opts, bind, names);
  return { ...assemble({ head, gateways: sections }, fingerprintOf), failures };
}

/** One gateway into lines of its own: kept only when the whole gateway rendered. */
export function renderSection(g: ResolvedGateway, ctx: GatewayContext): Section {
  const part: Parts = { out: [], weights: [], routes: [], slots: [] };
  renderGateway(g, ctx, (...p: string[]) => part.out.push(p.join(" ")), part);
  return { gateway: g, ctx, text: part.out.join("\n") + "\n", part };
}

/** The configuration from its sections; `fingerprint` is computed from the text unless given. */
export function assemble(sections: Sections, fingerprint: string | ((text: string) => string)): Omit<RenderResult, "failures"> {
  const list = [...sections.gateways.values()];
  const text = joinSections(sections);
  let at = 0;
  for (const s of list) {
    s.weightsAt = at;
    at += s.part.weights.length;
  }
  return {
    text,
    textChunks: () => chunksOf(sections),
    weights: list.flatMap((s) => s.part.weights),
    slots: list.flatMap((s) => s.part.slots),
    routes: list.flatMap((s) => s.part.routes),
    fingerprint: typeof fingerprint === "string" ? fingerprint : fingerprint(text),
    sections,
  };
}

/**
 * What `haproxy -c` needs to see of `next` when `previous` already passed it: everything before
 * the gateways and the gateways that are new or changed. Each gateway's section is
 * self-contained (its proxies refer only to each other, to the shared hop frontend, or to
 * internal socket addresses), and names and ports are unique across the set by construction,
 * so unchanged sections need no second check.
 *
 * @example
 * await haproxy.check(changedText(applied, next)); // a few gateways, not all 5,000
 */
export function changedText(previous: RenderResult, next: RenderResult): string {
  let text = next.sections.head;
  for (const [name, s] of next.sections.gateways) if (previous.sections.gateways.get(name)?.text !== s.text) text += s.text;
  return text;
}

/** The text section by section. */
export function* chunksOf(sections: Sections): Iterable<string> {
  yield sections.head;
  for (const s of sections.gateways.values()) yield s.text;
}

export function joinSections(sections: Sections): string {
  let text = sections.head;
  for (const s of sections.gateways.values()) text += s.text;
  return text;
}

/** Equal for two texts that differ only in weights and slot addresses. */
function fingerprintOf(text: string): string {
  return createHash("sha256")
    .update(text.replace(/ weight \d+/g, " weight _").replace(/^( {2}server slot\d+) \S+( disabled)?/gm, "$1 _"))
    .digest("hex");
}

/** global, defaults, health, virtual hosts and the shared hop frontend. */
function renderHead(sorted: ResolvedGateway[], opts: RenderOptions, bind: (port: number) => string, names: Names): string {
  const out: string[] = [];
  const line = (...parts: string[]) => out.push(parts.join(" "));
  line("# Rendered by @vamp-pulumi/provider. Do not edit: the gateway agent rewrites it.");
  line("global");
  // Without maxconn HAProxy sizes itself from the file-descriptor limit it is given.
  if (opts.maxconn) line(`  maxconn ${opts.maxconn}`);
  renderLog(line, opts.log);
  if (opts.statsSocket) line(`  stats socket ${opts.statsSocket} mode 600 level admin expose-fd listeners`);
  if (opts.serverStateFile) line(`  server-state-file ${opts.serverStateFile}`);
  // Old workers finish their connections after a reload, but not forever.
  line("  hard-stop-after 60s");
  renderRing(line, opts.log);
  renderDefaults(line, opts);
  if (opts.healthPort) {
    line("");
    line("frontend vamp_health");
    line(`  bind ${bind(opts.healthPort)}`);
    line("  monitor-uri /health");
  }
  const vhostGateways = sorted.filter((g) => g.virtualHosts.length);
  if (vhostGateways.length) renderVirtualHosts(vhostGateways, bind(opts.virtualHostsPort ?? 80), line, names);
  if (sorted.some((g) => g.port.protocol === "http")) renderHopFrontend(line, opts.instance);
  return out.join("\n") + "\n";
}

function renderLog(line: Line, log: RenderOptions["log"]): void {
  if (log === false) return;
  if (typeof log === "object") line("  log ring@vamp_access_log local0");
  else line(log && log !== "stdout" ? `  log ${log} local0` : "  log stdout format raw local0");
}

/** The ring section: after `defaults`' siblings, at the end of the head. */
function renderRing(line: Line, log: RenderOptions["log"]): void {
  if (typeof log !== "object" || !log) return;
  line("");
  line("ring vamp_access_log");
  line("  format raw");
  line("  maxlen 8192");
  line(`  size ${log.ring.bytes ?? 16 * 2 ** 20}`);
  line("  timeout connect 1s");
  line("  timeout server 10s");
  line(`  server agent ${log.ring.server}`);
}

function renderDefaults(line: Line, opts: RenderOptions): void {
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
}

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

/** The one frontend every http hop goes through: it serves the backend the hop names. */
function renderHopFrontend(line: Line, instance?: string): void {
  const h = hopNames(instance);
  line("");
  line(`frontend ${h.frontend}`);
  line("  mode http");
  line(`  bind ${h.socket} accept-proxy`);
  line(`  log-format ${logFormat("from-variables", "http")}`);
  line(`  http-request set-var(txn.vamp_hop) req.hdr(${h.header})`);
  line(`  http-request del-header ${h.header}`);
  // A hop to a split is half-way: the route it reaches next logs the request.
  line("  http-request set-log-level silent if { var(txn.vamp_hop) -m end __split }");
  line("  use_backend %[var(txn.vamp_hop)]");
  line(`  default_backend ${h.noRoute}`);
  line("");
  line(`backend ${h.noRoute}`);
  line("  mode http");
  line("  http-request deny deny_status 503");
}

/** Gateways another proxy reaches: virtual-host gateways and the targets of chained routes. */
function internallyReached(gateways: ResolvedGateway[]): Set<string> {
  const reached = new Set(gateways.filter((g) => g.virtualHosts.length).map((g) => g.name));
  for (const g of gateways) for (const r of g.routes) if (r.resolution.kind === "gateway") reached.add(r.resolution.gateway);
  return reached;
}
