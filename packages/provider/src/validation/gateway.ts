/**
 * One gateway declaration ({@link GatewaySpec}: a program's arguments, a stored record, a read
 * Vamp document) → the validated {@link Gateway} model. Collects every problem in one pass;
 * each names the source, the field path (in the input's own dialect) and the bad value.
 */
import { toDnf } from "../condition/dnf";
import { parseCondition } from "../condition/parse";
import type { Condition, Gateway, Instance, Protocol, Rewrite, Route } from "../model/gateway";
import { keyPath, quote, type Problem } from "../model/problem";
import { GATEWAY_SPEC_FIELDS, ROUTE_SPEC_FIELDS } from "../model/spec";
import { parseSelector } from "../selector/parse";
import type { Dialect } from "./dialect";
import { Check, given, isObject, type Raw } from "./check";
import { artifactName, BALANCE, externalTarget, hostName, percentage, port as parsePort } from "./values";
import { shareRemainder } from "./weights";

export interface ValidateOptions {
  /** The document or resource, for messages: `shop.yaml#2`, `gateway shop`. */
  source: string;
  /** The gateway's name (a record's, a resource's, a document's `name`). */
  name: unknown;
  /** The path its name is reported under; default `name`. */
  namePath?: string;
  /** Whose field names to report in; default `program`. */
  dialect?: Dialect;
  /** The deployment that owns the gateway: its internal `deployment/cluster/port` names are allowed. */
  deployment?: string;
}

/**
 * @example
 * validateGateway({ port: "9050/http", routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": {} } }, { source: "gateway shop", name: "shop" })
 * // { gateway: { name: "shop", port: { number: 9050, protocol: "http" }, routes: [ ...90, ...10 ] }, problems: [] }
 */
export function validateGateway(spec: unknown, opts: ValidateOptions): { gateway?: Gateway; problems: Problem[] } {
  const c = new Check(opts.source, opts.dialect ?? "program");
  if (!isObject(spec)) {
    c.err("", `a gateway must be an object with port and routes, got ${quote(spec)}`);
    return { problems: c.problems };
  }
  c.unknownFields(spec, "", GATEWAY_SPEC_FIELDS, "a gateway");
  const name = checkName(opts, c);
  const port = given(spec.port) ? checkPort(spec.port, c) : undefined;
  const protocol: Protocol = port?.protocol ?? "http";
  const sticky = checkSticky(spec.sticky, protocol, c);
  const virtualHosts = checkVirtualHosts(spec.virtualHosts, protocol, c);
  const selector = given(spec.selector) ? checkSelector(spec.selector, "selector", c) : undefined;
  const logQueryString = checkLogQueryString(spec.logQueryString, protocol, c);
  const routes = validateRoutes(spec.routes, protocol, c);
  if (c.problems.length || name === undefined) return { problems: c.problems };
  return { gateway: { name, port, protocol, sticky, virtualHosts, selector, ...(logQueryString ? { logQueryString } : {}), routes }, problems: [] };
}

function checkName(opts: ValidateOptions, c: Check): string | undefined {
  const path = opts.namePath ?? "name";
  const n = artifactName(opts.name);
  if (!n.ok) return void c.err(path, n.reason);
  if (n.value.split("/").length === 3 && n.value.split("/")[0] !== opts.deployment)
    return void c.err(path, `"${n.value}" has three segments: deployment/cluster/port names are reserved for the gateways deployments create`);
  return n.value;
}

function checkPort(v: unknown, c: Check): Gateway["port"] {
  const p = parsePort(v);
  if (!p.ok) return void c.err("port", p.reason);
  return p.value;
}

function checkLogQueryString(v: unknown, protocol: Protocol, c: Check): boolean | undefined {
  if (!given(v)) return undefined;
  if (typeof v !== "boolean") return void c.err("logQueryString", `must be true or false, got ${quote(v)}`);
  if (v && protocol === "tcp") return void c.err("logQueryString", "must be false on a tcp gateway (a tcp connection has no query string), got true");
  return v;
}

function checkSticky(v: unknown, protocol: Protocol, c: Check): Gateway["sticky"] {
  if (!given(v)) return undefined;
  if (v !== "route" && v !== "instance") return void c.err("sticky", `must be "route" or "instance", got ${quote(v)}`);
  if (protocol === "tcp") return void c.err("sticky", "sticky sessions need http (cookies); this gateway is tcp");
  return v;
}

function checkVirtualHosts(v: unknown, protocol: Protocol, c: Check): string[] {
  const path = c.at("", "virtualHosts");
  const out: string[] = [];
  if (!given(v)) return out;
  if (!Array.isArray(v)) return (c.err(path, `must be a list of host names, got ${quote(v)}`), out);
  if (protocol === "tcp" && v.length) return (c.err(path, "virtual hosts need http (the Host header); this gateway is tcp"), out);
  v.forEach((h, i) => {
    const host = hostName(h, true);
    if (!host.ok) c.err(`${path}[${i}]`, host.reason);
    else if (out.includes(host.value)) c.err(`${path}[${i}]`, `"${host.value}" is listed twice`);
    else out.push(host.value);
  });
  return out;
}

function checkSelector(v: unknown, path: string, c: Check): string | undefined {
  if (typeof v !== "string") return void c.err(path, `must be a selector string like "label(app)(shop) && label(version)((.*))", got ${quote(v)}`);
  const s = parseSelector(v);
  for (const e of s.errors) c.problems.push({ source: c.source, path, offset: e.offset, message: `${e.message} (at offset ${e.offset} of ${quote(v)})` });
  return s.errors.length ? undefined : v;
}

function checkCondition(v: unknown, path: string, c: Check): Condition | undefined {
  // Vamp also wrote a condition as { condition: "..." }.
  const text = isObject(v) && typeof v.condition === "string" ? v.condition : v;
  if (typeof text !== "string") return void c.err(path, `must be a condition such as "user-agent = Firefox", got ${quote(v)}`);
  const parsed = parseCondition(text);
  for (const e of parsed.errors)
    c.problems.push({ source: c.source, path, offset: e.offset, message: `${e.message} (at offset ${e.offset} of ${quote(text)})` });
  if (!parsed.ast) return undefined;
  const dnf = toDnf(parsed.ast);
  if ("error" in dnf) return void c.err(path, `${quote(text, 80)} ${dnf.error}`);
  return { source: text, ast: parsed.ast };
}

function routeEntries(raw: unknown, c: Check): [string, unknown][] {
  if (!given(raw)) return [];
  // A list of keys is shorthand for routes with defaults.
  if (Array.isArray(raw)) {
    return raw.flatMap((k, i): [string, unknown][] =>
      typeof k === "string" ? [[k, {}]] : (c.err(`routes[${i}]`, `must be a route key string, got ${quote(k)}`), []),
    );
  }
  if (isObject(raw)) return Object.entries(raw);
  c.err("routes", `must be a map from route target to route, got ${quote(raw)}`);
  return [];
}

function validateRoutes(raw: unknown, protocol: Protocol, c: Check): Route[] {
  const routes: Route[] = [];
  const explicit: (number | undefined)[] = [];
  const seenTargets = new Map<string, string>();
  for (const [key, body] of routeEntries(raw, c)) {
    const path = `routes${keyPath(key)}`;
    const r = validateRoute(key, body ?? {}, path, protocol, c);
    if (!r) continue;
    // Two spellings of one target ("[A:80]" and "[a:80]") are refused: they would defeat the weight check.
    const norm = r.route.target.kind === "external" ? `[${r.route.target.host}:${r.route.target.port}]` : r.route.target.path;
    const dup = seenTargets.get(norm);
    if (dup !== undefined) c.err(path, `targets the same place as route ${quote(dup)}; each target may have one route`);
    seenTargets.set(norm, key);
    routes.push(r.route);
    explicit.push(r.weight);
  }
  const total = explicit.reduce<number>((s, w) => s + (w ?? 0), 0);
  const open = explicit.some((w) => w === undefined);
  if (total > 100) c.err("routes", `route weights add up to ${total}% (${weightList(routes, explicit)}); they must add up to 100% (or 0%: no traffic)`);
  else if (!open && routes.length && total !== 0 && total !== 100)
    c.err("routes", `route weights add up to ${total}% (${weightList(routes, explicit)}); they must add up to 0% (no traffic) or 100%`);
  else shareRemainder(explicit).forEach((w, i) => (routes[i].weight = w));
  return routes;
}

function weightList(routes: Route[], weights: (number | undefined)[]): string {
  return routes.map((r, i) => `${r.key}: ${weights[i] === undefined ? "unset" : `${weights[i]}%`}`).join(", ");
}

function checkTarget(key: string, path: string, c: Check): Route["target"] | undefined {
  const ext = externalTarget(key);
  if (ext) return ext.ok ? { kind: "external", ...ext.value } : void c.err(path, ext.reason);
  const n = artifactName(key);
  if (!n.ok && !/^(\([^()\s]+\))+$/.test(key)) {
    return void c.err(
      path,
      `the route key must be "[host:port]", a gateway or deployment path (1-4 segments), or a selector capture like "(1.0.3)": ${n.reason}`,
    );
  }
  return { kind: "path", path: key };
}

function validateRoute(key: string, body: unknown, path: string, protocol: Protocol, c: Check): { route: Route; weight?: number } | undefined {
  const before = c.problems.length;
  const target = checkTarget(key, path, c);
  if (!isObject(body)) return void c.err(path, `a route must be an object (weight, condition, ...), got ${quote(body)}`);
  c.unknownFields(body, path, ROUTE_SPEC_FIELDS, "a route");
  const weight = checkPercent(body.weight, c.at(path, "weight"), c);
  const { condition, conditionStrength } = checkConditional(body, path, protocol, c);
  const rewrites = checkRewrites(body.rewrites, `${path}.rewrites`, protocol, c);
  const balance = checkBalance(body.balance, `${path}.balance`, protocol, c);
  const selector = given(body.selector) ? checkSelector(body.selector, `${path}.selector`, c) : undefined;
  const instances = checkInstances(body.instances, `${path}.instances`, c);
  if (c.problems.length > before || !target) return undefined;
  return { route: { key, target, weight: weight ?? 0, condition, conditionStrength, rewrites, balance, selector, instances }, weight };
}

function checkPercent(v: unknown, path: string, c: Check): number | undefined {
  if (!given(v)) return undefined;
  const p = percentage(v);
  if (!p.ok) return void c.err(path, p.reason);
  return p.value;
}

function checkConditional(body: Raw, path: string, protocol: Protocol, c: Check): { condition?: Condition; conditionStrength: number } {
  let condition: Condition | undefined;
  if (given(body.condition)) {
    if (protocol === "tcp") c.err(`${path}.condition`, "conditions test http requests; this gateway is tcp");
    else condition = checkCondition(body.condition, `${path}.condition`, c);
  }
  const strengthPath = c.at(path, "conditionStrength");
  const strength = checkPercent(body.conditionStrength, strengthPath, c);
  if (strength !== undefined && !given(body.condition)) c.err(strengthPath, "a condition strength needs a condition on the same route");
  return { condition, conditionStrength: strength ?? (condition ? 100 : 0) };
}

function checkRewrites(v: unknown, path: string, protocol: Protocol, c: Check): Rewrite[] {
  const out: Rewrite[] = [];
  if (!given(v)) return out;
  if (protocol === "tcp") return (c.err(path, "path rewrites need http; this gateway is tcp"), out);
  if (!Array.isArray(v)) return (c.err(path, `must be a list like [{ path: "/new if <condition>" }], got ${quote(v)}`), out);
  v.forEach((rw, i) => {
    const p = `${path}[${i}]`;
    const text = isObject(rw) && Object.keys(rw).length === 1 && typeof rw.path === "string" ? rw.path : undefined;
    if (text === undefined) return c.err(p, `must be { path: "<new path> [if <condition>]" }, got ${quote(rw)}`);
    const m = /^\s*(\S+)(?:\s+if\s+(.+))?$/is.exec(text);
    if (!m || !m[1].startsWith("/") || /['"\\]/.test(m[1]))
      return c.err(p, `must be "/new/path" or "/new/path if <condition>" (no quotes or backslashes in the path), got ${quote(text)}`);
    const condition = m[2] === undefined ? undefined : checkCondition(m[2], `${p}.path`, c);
    if (m[2] === undefined || condition) out.push({ path: m[1], condition });
  });
  return out;
}

function checkBalance(v: unknown, path: string, protocol: Protocol, c: Check): string {
  const fallback = protocol === "http" ? "roundrobin" : "leastconn";
  if (!given(v)) return fallback;
  if (typeof v !== "string" || !BALANCE.includes(v)) return (c.err(path, `must be one of ${BALANCE.join(", ")}, got ${quote(v)}`), fallback);
  return v;
}

function checkInstances(v: unknown, path: string, c: Check): Instance[] | undefined {
  if (!given(v)) return undefined;
  if (!Array.isArray(v)) return void c.err(path, `must be a list of { host, port }, got ${quote(v)}`);
  const out: Instance[] = [];
  v.forEach((inst, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(inst)) return c.err(p, `must be { host, port }, got ${quote(inst)}`);
    const h = hostName(inst.host);
    if (!h.ok) c.err(`${p}.host`, h.reason);
    const port = inst.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
      c.err(`${p}.port`, `must be a port number 1-65535, got ${quote(port)}`);
    if (inst.name !== undefined && (typeof inst.name !== "string" || !/^[A-Za-z0-9._-]+$/.test(inst.name)))
      c.err(`${p}.name`, `must be a name of letters, digits, '.', '_', '-', got ${quote(inst.name)}`);
    out.push({ host: String(inst.host).toLowerCase(), port: port as number, name: inst.name as string | undefined });
  });
  return out;
}
