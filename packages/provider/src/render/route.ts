/**
 * One route: an http backend reached through the shared hop frontend, or a tcp `listen` proxy
 * with a listener of its own. Either holds the route's instances (or the gateway it chains to),
 * rewrites and the sticky instance cookie.
 */
import type { Instance } from "../model/gateway";
import type { ResolvedGateway, ResolvedRoute, SlotState } from "../model/resolved";
import { toHaproxyCondition } from "./acl";
import { literal, LOG_VARS, LOGGED_HEADER, logFormat } from "./log-format";
import { instanceServer } from "./names";
import { assignSlots, slotCapacity, slotName, slotsApply, slotStates } from "./slots";
import { writeAcls, type Line, type Names, type Parts } from "./lines";

export function renderRoute(g: ResolvedGateway, r: ResolvedRoute, line: Line, part: Parts, names: Names): void {
  const rn = names(g.name).route(r.key);
  const mode = g.port.protocol;
  line("");
  if (mode === "http") {
    line(`backend ${rn.backend}`);
    line("  mode http");
    // The shared hop frontend logs the request with these names.
    line(`  http-request set-var-fmt(${LOG_VARS.gateway}) "${literal(g.name)}"`);
    line(`  http-request set-var-fmt(${LOG_VARS.route}) "${literal(r.key)}"`);
    line(`  http-response set-header ${LOGGED_HEADER} 1`);
    if (g.logQueryString) line(`  http-request set-var-fmt(${LOG_VARS.query}) "?%[query]" if { query -m found }`);
  } else {
    line(`listen ${rn.backend}`);
    line("  mode tcp");
    line(`  bind ${rn.socket} accept-proxy`);
    line(`  log-format ${logFormat({ gateway: g.name, route: r.key }, "tcp")}`);
  }
  line(`  balance ${r.balance}`);
  for (const rw of r.rewrites) {
    if (!rw.condition) {
      line(`  http-request set-path ${rw.path}`);
      continue;
    }
    const c = toHaproxyCondition(rw.condition.ast);
    writeAcls(c.acls, line);
    line(`  http-request set-path ${rw.path} if ${c.expression}`);
  }
  const stickyInstance = g.sticky === "instance" && r.resolution.kind === "servers";
  if (stickyInstance) line(`  cookie ${rn.instanceCookie} insert indirect nocache`);
  if (r.resolution.kind === "gateway") line(`  server gateway ${names(r.resolution.gateway).inSocket} send-proxy-v2`);
  else if (r.instances && slotsApply(r.instances)) renderSlots(rn.backend, r.instances, stickyInstance, line, part.slots);
  else renderServers(r.resolution.servers, stickyInstance, line);
  part.routes.push({ gateway: g.name, route: r.key, backend: rn.backend });
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
