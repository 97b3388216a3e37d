/**
 * One gateway definition (Vamp DSL shape, from YAML or from a program) → validated model.
 * Collects every error in one pass; each names the source, the field path and the reason.
 */
import { parseCondition } from "../condition/parse";
import type { Condition, Gateway, Instance, Protocol, Rewrite, Route, ValidationError } from "../model/gateway";
import { parseSelector } from "../selector/parse";
import { artifactName, BALANCE, externalTarget, hostName, keyPath, percentage, port as parsePort } from "./values";

const GATEWAY_KEYS = ["name", "kind", "metadata", "port", "sticky", "virtual_hosts", "selector", "routes"];
const ROUTE_KEYS = ["weight", "condition", "condition_strength", "rewrites", "balance", "selector", "instances"];

export interface ValidateOptions {
  /** The gateway's name when the definition has none (a map key, a resource name). */
  name?: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * @example
 * validateGateway({ name: "shop", port: "9050/http", routes: { "[10.0.0.1:80]": { weight: "90%" }, "[10.0.0.2:80]": {} } }, "shop.yaml#1")
 * // { gateway: { name: "shop", port: { number: 9050, protocol: "http" }, routes: [ ...90, ...10 ] }, errors: [] }
 */
export function validateGateway(raw: unknown, source: string, opts: ValidateOptions = {}): { gateway?: Gateway; errors: ValidationError[] } {
  const errors: ValidationError[] = [];
  const err = (path: string, message: string) => errors.push({ source, path, message });
  if (!isObject(raw)) {
    err("", `a gateway must be an object with port and routes, got ${JSON.stringify(raw)}`);
    return { errors };
  }
  for (const k of Object.keys(raw)) if (!GATEWAY_KEYS.includes(k)) err(k, `unknown field${suggest(k, GATEWAY_KEYS)}; a gateway has ${GATEWAY_KEYS.join(", ")}`);

  const nameValue = raw.name ?? opts.name;
  const name = artifactName(nameValue);
  if (!name.ok) err("name", name.reason);
  else if (name.value.split("/").length === 3) err("name", `"${name.value}" has three segments: deployment/cluster/port names are reserved for the gateways deployments create`);

  let protocol: Protocol = "http";
  let port: Gateway["port"];
  if (raw.port !== undefined && raw.port !== null) {
    const p = parsePort(raw.port);
    if (!p.ok) err("port", p.reason);
    else ({ value: port } = p), (protocol = p.value.protocol);
  }

  let sticky: Gateway["sticky"];
  if (raw.sticky !== undefined && raw.sticky !== null) {
    if (raw.sticky !== "route" && raw.sticky !== "instance") err("sticky", `must be "route" or "instance", got ${JSON.stringify(raw.sticky)}`);
    else if (protocol === "tcp") err("sticky", "sticky sessions need http (cookies); this gateway is tcp");
    else sticky = raw.sticky;
  }

  const virtualHosts: string[] = [];
  if (raw.virtual_hosts !== undefined && raw.virtual_hosts !== null) {
    if (!Array.isArray(raw.virtual_hosts)) err("virtual_hosts", `must be a list of host names, got ${JSON.stringify(raw.virtual_hosts)}`);
    else if (protocol === "tcp" && raw.virtual_hosts.length) err("virtual_hosts", "virtual hosts need http (the Host header); this gateway is tcp");
    else
      raw.virtual_hosts.forEach((h, i) => {
        const v = hostName(h, true);
        if (!v.ok) err(`virtual_hosts[${i}]`, v.reason);
        else if (virtualHosts.includes(v.value)) err(`virtual_hosts[${i}]`, `"${v.value}" is listed twice`);
        else virtualHosts.push(v.value);
      });
  }

  let selector: string | undefined;
  if (raw.selector !== undefined && raw.selector !== null) selector = checkSelector(raw.selector, "selector", err);

  const routes = validateRoutes(raw.routes, protocol, err);
  if (errors.length || !name.ok) return { errors };
  return { gateway: { name: name.value, port, protocol, sticky, virtualHosts, selector, routes }, errors };
}

function checkSelector(v: unknown, path: string, err: (p: string, m: string) => void): string | undefined {
  if (typeof v !== "string") {
    err(path, `must be a selector string like "label(app)(shop) && label(version)((.*))", got ${JSON.stringify(v)}`);
    return undefined;
  }
  const s = parseSelector(v);
  for (const e of s.errors) err(path, `${e.message} (at offset ${e.offset} of ${JSON.stringify(v)})`);
  return s.errors.length ? undefined : v;
}

function checkCondition(v: unknown, path: string, err: (p: string, m: string) => void): Condition | undefined {
  // Vamp also wrote a condition as { condition: "..." }.
  const text = isObject(v) && typeof v.condition === "string" ? v.condition : v;
  if (typeof text !== "string") {
    err(path, `must be a condition such as "user-agent = Firefox", got ${JSON.stringify(v)}`);
    return undefined;
  }
  const c = parseCondition(text);
  for (const e of c.errors) err(path, `${e.message} (at offset ${e.offset} of ${JSON.stringify(text)})`);
  return c.ast ? { source: text, ast: c.ast } : undefined;
}

function validateRoutes(raw: unknown, protocol: Protocol, err: (p: string, m: string) => void): Route[] {
  if (raw === undefined || raw === null) return [];
  let entries: [string, unknown][];
  if (Array.isArray(raw)) {
    // A list of keys is shorthand for routes with defaults.
    entries = raw.map((k, i) => (typeof k === "string" ? [k, {}] : (err(`routes[${i}]`, `must be a route key string, got ${JSON.stringify(k)}`), ["", undefined])));
    entries = entries.filter(([k]) => k);
  } else if (isObject(raw)) entries = Object.entries(raw);
  else {
    err("routes", `must be a map from route target to route, got ${JSON.stringify(raw)}`);
    return [];
  }
  const routes: Route[] = [];
  const seenTargets = new Map<string, string>();
  const explicit: (number | undefined)[] = [];
  for (const [key, body] of entries) {
    const path = `routes${keyPath(key)}`;
    const r = validateRoute(key, body ?? {}, path, protocol, err);
    if (!r) continue;
    // Two spellings of one target would defeat the weight check (a Vamp bug): compare normalized.
    const norm = r.route.target.kind === "external" ? `[${r.route.target.host}:${r.route.target.port}]` : r.route.target.path;
    const dup = seenTargets.get(norm);
    if (dup !== undefined) err(path, `targets the same place as route ${JSON.stringify(dup)}; each target may have one route`);
    seenTargets.set(norm, key);
    routes.push(r.route);
    explicit.push(r.weight);
  }
  // Unweighted routes share what is left of 100%: integer shares, the last takes the remainder.
  const given = explicit.reduce<number>((s, w) => s + (w ?? 0), 0);
  const open = explicit.map((w, i) => (w === undefined ? i : -1)).filter((i) => i >= 0);
  if (given > 100) err("routes", `route weights add up to ${given}%; they must add up to 0% or 100%`);
  else if (open.length) {
    const left = 100 - given;
    const share = Math.floor(left / open.length);
    open.forEach((i, n) => (routes[i].weight = n === open.length - 1 ? left - share * (open.length - 1) : share));
  } else if (routes.length && given !== 0 && given !== 100) {
    err("routes", `route weights add up to ${given}%; they must add up to 0% (no traffic) or 100%`);
  }
  return routes;
}

function validateRoute(key: string, body: unknown, path: string, protocol: Protocol, report: (p: string, m: string) => void): { route: Route; weight?: number } | undefined {
  let failed = 0;
  const err = (p: string, m: string) => {
    failed++;
    report(p, m);
  };
  let target: Route["target"] | undefined;
  const ext = externalTarget(key);
  if (ext) {
    if (!ext.ok) err(path, ext.reason);
    else target = { kind: "external", ...ext.value };
  } else {
    const n = artifactName(key);
    if (!n.ok && !/^(\([^()\s]+\))+$/.test(key)) err(path, `the route key must be "[host:port]", a gateway or deployment path (1-4 segments), or a selector capture like "(1.0.3)": ${n.reason}`);
    target = { kind: "path", path: key };
  }
  if (!isObject(body)) {
    err(path, `a route must be an object (weight, condition, ...), got ${JSON.stringify(body)}`);
    return undefined;
  }
  for (const k of Object.keys(body)) if (!ROUTE_KEYS.includes(k)) err(`${path}.${k}`, `unknown field${suggest(k, ROUTE_KEYS)}; a route has ${ROUTE_KEYS.join(", ")}`);

  let weight: number | undefined;
  if (body.weight !== undefined && body.weight !== null) {
    const w = percentage(body.weight);
    if (!w.ok) err(`${path}.weight`, w.reason);
    else weight = w.value;
  }
  let condition: Condition | undefined;
  if (body.condition !== undefined && body.condition !== null) {
    if (protocol === "tcp") err(`${path}.condition`, "conditions test http requests; this gateway is tcp");
    else condition = checkCondition(body.condition, `${path}.condition`, err);
  }
  let conditionStrength = condition ? 100 : 0;
  if (body.condition_strength !== undefined && body.condition_strength !== null) {
    const s = percentage(body.condition_strength);
    if (!s.ok) err(`${path}.condition_strength`, s.reason);
    else if (body.condition === undefined || body.condition === null) err(`${path}.condition_strength`, "a condition strength needs a condition on the same route");
    else conditionStrength = s.value;
  }
  const rewrites: Rewrite[] = [];
  if (body.rewrites !== undefined && body.rewrites !== null) {
    if (protocol === "tcp") err(`${path}.rewrites`, "path rewrites need http; this gateway is tcp");
    else if (!Array.isArray(body.rewrites)) err(`${path}.rewrites`, `must be a list like [{ path: "/new if <condition>" }], got ${JSON.stringify(body.rewrites)}`);
    else
      body.rewrites.forEach((rw, i) => {
        const p = `${path}.rewrites[${i}]`;
        const text = isObject(rw) && Object.keys(rw).length === 1 && typeof rw.path === "string" ? rw.path : undefined;
        if (text === undefined) return err(p, `must be { path: "<new path> [if <condition>]" }, got ${JSON.stringify(rw)}`);
        const m = /^\s*(\S+)(?:\s+if\s+(.+))?$/is.exec(text);
        if (!m || !m[1].startsWith("/") || /['"\\]/.test(m[1])) return err(p, `must be "/new/path" or "/new/path if <condition>" (no quotes or backslashes in the path), got ${JSON.stringify(text)}`);
        const c = m[2] === undefined ? undefined : checkCondition(m[2], `${p}.path`, err);
        if (m[2] !== undefined && !c) return;
        rewrites.push({ path: m[1], condition: c });
      });
  }
  let balance = protocol === "http" ? "roundrobin" : "leastconn";
  if (body.balance !== undefined && body.balance !== null) {
    if (typeof body.balance !== "string" || !BALANCE.includes(body.balance)) err(`${path}.balance`, `must be one of ${BALANCE.join(", ")}, got ${JSON.stringify(body.balance)}`);
    else balance = body.balance;
  }
  let selector: string | undefined;
  if (body.selector !== undefined && body.selector !== null) selector = checkSelector(body.selector, `${path}.selector`, err);
  let instances: Instance[] | undefined;
  if (body.instances !== undefined && body.instances !== null) {
    if (!Array.isArray(body.instances)) err(`${path}.instances`, `must be a list of { host, port }, got ${JSON.stringify(body.instances)}`);
    else {
      instances = [];
      body.instances.forEach((inst, i) => {
        const p = `${path}.instances[${i}]`;
        if (!isObject(inst)) return err(p, `must be { host, port }, got ${JSON.stringify(inst)}`);
        const h = hostName(inst.host);
        if (!h.ok) err(`${p}.host`, h.reason);
        if (!Number.isInteger(inst.port) || (inst.port as number) < 1 || (inst.port as number) > 65535) err(`${p}.port`, `must be a port number 1-65535, got ${JSON.stringify(inst.port)}`);
        if (inst.name !== undefined && (typeof inst.name !== "string" || !/^[A-Za-z0-9._-]+$/.test(inst.name))) err(`${p}.name`, `must be a name of letters, digits, '.', '_', '-', got ${JSON.stringify(inst.name)}`);
        instances!.push({ host: String(inst.host).toLowerCase(), port: inst.port as number, name: inst.name as string | undefined });
      });
    }
  }
  if (failed || !target) return undefined;
  return { route: { key, target, weight: weight ?? 0, condition, conditionStrength, rewrites, balance, selector, instances }, weight };
}

/** " (did you mean "x"?)" for a known key within two edits of the unknown one. */
function suggest(key: string, known: string[]): string {
  const k = key.toLowerCase();
  const near = known.find((n) => editDistance(n, k) <= 2);
  return near ? ` (did you mean "${near}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
