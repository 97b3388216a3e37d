/**
 * A set of validated gateways → gateways ready to render. Checks what only a set can get wrong
 * (a name or port used twice, a virtual host claimed twice, chaining to a missing gateway or in
 * a cycle), resolves every route to servers or to another gateway, and gives gateways without
 * a port one from the automatic range.
 */
import type { Gateway } from "../model/gateway";
import { keyPath, type Problem } from "../model/problem";
import type { ResolvedGateway, ResolvedRoute } from "../model/resolved";
import { allocatePort } from "./ports";

/** A problem of a set, with the gateway it is reported against. */
export type SetProblem = Problem & { gateway: string };

export interface SetOptions {
  /** The port of the shared virtual-host frontend, which no gateway may take. */
  virtualHostsPort?: number;
  /** Source label per gateway name, for error messages; default `gateway <name>`. */
  sources?: Record<string, string>;
}

/** Problems found so far, each against a gateway and its source. */
class SetCheck {
  readonly problems: SetProblem[] = [];
  constructor(private readonly opts: SetOptions) {}
  err(g: string, path: string, message: string): void {
    this.problems.push({ gateway: g, source: this.opts.sources?.[g] ?? `gateway ${g}`, path, message });
  }
}

/**
 * @example
 * const { gateways, problems } = resolveSet([shop, cart]);
 */
export function resolveSet(input: Gateway[], opts: SetOptions = {}): { gateways: ResolvedGateway[]; problems: SetProblem[] } {
  const c = new SetCheck(opts);
  const byName = new Map<string, Gateway>();
  for (const g of input) {
    if (byName.has(g.name)) c.err(g.name, "name", `the gateway name "${g.name}" is used twice`);
    else byName.set(g.name, g);
  }
  const taken = takePorts(byName, opts, c);
  checkVirtualHosts(byName, c);
  const gateways: ResolvedGateway[] = [];
  for (const g of [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const port = g.port ?? allocatePort(g.name, g.protocol, taken);
    if (!port) c.err(g.name, "port", "no free port left in the automatic range; set one");
    else gateways.push({ ...g, port, routes: resolveRoutes(g, byName, c) });
  }
  const cycle = findCycle(gateways);
  if (cycle) c.err(cycle[0], "routes", `gateways route to each other in a cycle: ${cycle.join(" → ")}`);
  return { gateways, problems: c.problems };
}

/** The ports the gateways set, each once; the virtual-host frontend's port is taken too. */
function takePorts(byName: Map<string, Gateway>, opts: SetOptions, c: SetCheck): Map<number, string> {
  const taken = new Map<number, string>();
  if (opts.virtualHostsPort !== undefined) taken.set(opts.virtualHostsPort, "the virtual hosts frontend");
  for (const g of byName.values()) {
    if (!g.port) continue;
    const other = taken.get(g.port.number);
    if (other) c.err(g.name, "port", `port ${g.port.number} is already taken by ${other}`);
    else taken.set(g.port.number, `gateway "${g.name}"`);
  }
  return taken;
}

function checkVirtualHosts(byName: Map<string, Gateway>, c: SetCheck): void {
  const vhosts = new Map<string, string>();
  for (const g of byName.values()) {
    g.virtualHosts.forEach((h, i) => {
      const other = vhosts.get(h);
      if (other) c.err(g.name, `virtualHosts[${i}]`, `virtual host "${h}" is already served by gateway "${other}"`);
      else vhosts.set(h, g.name);
    });
  }
}

/** Each route to its servers (an address, resolved instances) or to another gateway of the set. */
function resolveRoutes(g: Gateway, byName: Map<string, Gateway>, c: SetCheck): ResolvedRoute[] {
  const routes: ResolvedRoute[] = [];
  for (const r of g.routes) {
    const path = `routes${keyPath(r.key)}`;
    if (r.target.kind === "external") routes.push({ ...r, resolution: { kind: "servers", servers: [{ host: r.target.host, port: r.target.port }] } });
    else if (r.instances) routes.push({ ...r, resolution: { kind: "servers", servers: r.instances } });
    else if (!byName.has(r.target.path))
      c.err(g.name, path, `"${r.key}" is neither "[host:port]" nor a gateway of this set, and no instances were resolved for it`);
    else if (r.target.path === g.name) c.err(g.name, path, "a gateway cannot route to itself");
    else routes.push({ ...r, resolution: { kind: "gateway", gateway: r.target.path } });
  }
  return routes;
}

function findCycle(gateways: ResolvedGateway[]): string[] | undefined {
  const edges = new Map(gateways.map((g) => [g.name, g.routes.flatMap((r) => (r.resolution.kind === "gateway" ? [r.resolution.gateway] : []))]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "visiting");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const g of gateways) {
    const c = visit(g.name);
    if (c) return c;
  }
  return undefined;
}
