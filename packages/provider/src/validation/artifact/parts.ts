/**
 * The parts breeds, services, clusters and workflows share: names, references, environment
 * variables, arguments, health checks, dialects, ports, scales. Each reads one raw value in the
 * input's dialect and reports problems at its path.
 */
import type { BreedPort, Dialects, EnvironmentVariable, HealthCheck, Inline, Ref, Scale } from "../../model/artifact";
import { quote } from "../../model/problem";
import { Check, given, isObject, type Raw } from "../check";
import { cpu, memory, seconds, wholeNumber } from "../units";
import { port as parsePort } from "../values";
import { parseValue } from "./references";

/** Artifact names (breeds, blueprints, scales, ...): no whitespace, `/`, `[` or `]` (Vamp's rule). */
export function checkArtifactName(v: unknown, path: string, c: Check): string | undefined {
  if (typeof v !== "string" || !v.trim()) return void c.err(path, `must be a non-empty name, got ${quote(v)}`);
  if (/[\s/[\]]/.test(v)) return void c.err(path, `may not hold whitespace, '/', '[' or ']', got ${quote(v)}`);
  return v;
}

/** Names that become parts of gateway and Kubernetes names (clusters, ports): letters, digits, `.`, `_`, `-`. */
export function checkPartName(v: unknown, path: string, what: string, c: Check): string | undefined {
  if (typeof v !== "string" || !/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(v))
    return void c.err(
      path,
      `${what} names may only hold letters, digits, '.', '_' and '-' (at most 63, starting and ending with a letter or digit), got ${quote(v)}`,
    );
  return v;
}

/** `name`, `{ ref: name }` → a reference; an object with more → inline, validated by `inline`. */
export function checkInline<T>(v: unknown, path: string, c: Check, what: string, inline: (raw: Raw, path: string) => T | undefined): Inline<T> | undefined {
  if (typeof v === "string") return checkArtifactName(v, path, c) === undefined ? undefined : ({ ref: v } as Ref);
  if (isObject(v) && Object.keys(v).length === 1 && "ref" in v) {
    return checkArtifactName(v.ref, `${path}.ref`, c) === undefined ? undefined : ({ ref: v.ref as string } as Ref);
  }
  if (isObject(v)) return inline(v, path);
  return void c.err(path, `must be a ${what} name, { ref: name } or an inline ${what}, got ${quote(v)}`);
}

const ENV_NAME = /^([A-Za-z_][A-Za-z0-9_.-]*)(?:\[([A-Za-z_][A-Za-z0-9_]*)\])?$/;

/** `{ NAME: value, "NAME[ALIAS]": value, NAME: ~ }` → variables; `~` (null) = to be supplied at deploy time. */
export function checkVariables(v: unknown, path: string, c: Check): EnvironmentVariable[] {
  if (!given(v)) return [];
  if (!isObject(v)) return (c.err(path, `must be a map of NAME: value, got ${quote(v)}`), []);
  const out: EnvironmentVariable[] = [];
  for (const [key, value] of Object.entries(v)) {
    const at = `${path}.${key}`;
    const m = ENV_NAME.exec(key);
    if (!m) c.err(at, `must be a variable name (letters, digits, '_', '.', '-'; optionally NAME[ALIAS]), got ${quote(key)}`);
    else if (value !== null && !["string", "number", "boolean"].includes(typeof value))
      c.err(at, `must be a text, a number or ~ (supplied at deploy time), got ${quote(value)}`);
    else out.push({ name: m[1], ...(m[2] ? { alias: m[2] } : {}), ...(value === null ? {} : { value: String(value) }) });
  }
  return out;
}

/** Vamp's `arguments: [{ name: value }, ...]` (or a map) → ordered pairs. */
export function checkArguments(v: unknown, path: string, c: Check): { name: string; value: string }[] {
  if (!given(v)) return [];
  const items = Array.isArray(v) ? v : isObject(v) ? Object.entries(v).map(([k, x]) => ({ [k]: x })) : undefined;
  if (!items) return (c.err(path, `must be a list of { name: value }, got ${quote(v)}`), []);
  const out: { name: string; value: string }[] = [];
  items.forEach((a, i) => {
    const entries = isObject(a) ? Object.entries(a) : [];
    if (entries.length !== 1 || !["string", "number", "boolean"].includes(typeof entries[0][1]))
      return c.err(`${path}[${i}]`, `must be one { name: value }, got ${quote(a)}`);
    out.push({ name: entries[0][0], value: String(entries[0][1]) });
  });
  return out;
}

const HEALTH_FIELDS = ["port", "path", "protocol", "initialDelay", "timeout", "interval", "failures"] as const;

/** A list of health checks; `[]` given on purpose switches the inherited ones off (undefined = inherit). */
export function checkHealthChecks(v: unknown, path: string, c: Check): HealthCheck[] | undefined {
  if (!given(v)) return undefined;
  if (!Array.isArray(v)) return void c.err(path, `must be a list of health checks, got ${quote(v)}`);
  return v.flatMap((h, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(h)) return (c.err(at, `must be a health check { port, path, ... }, got ${quote(h)}`), []);
    c.unknownFields(h, at, HEALTH_FIELDS, "a health check", "dialect");
    const check = healthCheck(h, at, c);
    return check ? [check] : [];
  });
}

function healthCheck(h: Raw, at: string, c: Check): HealthCheck | undefined {
  const n = c.problems.length;
  const value = <T>(field: string, dflt: T, parse: (v: unknown) => { ok: true; value: T } | { ok: false; reason: string }): T => {
    const raw = c.get(h, field);
    if (raw === undefined) return dflt;
    const r = parse(raw);
    return r.ok ? r.value : (c.err(c.at(at, field), r.reason), dflt);
  };
  const port = value("port", "", (v) =>
    typeof v === "string" && v ? { ok: true, value: v } : { ok: false, reason: `must name one of the breed's ports, got ${quote(v)}` },
  );
  if (!port && h.port === undefined) c.err(`${at}.port`, "must name one of the breed's ports");
  const path = value("path", "/", (v) =>
    typeof v === "string" && v.startsWith("/") ? { ok: true, value: v } : { ok: false, reason: `must be a path starting with '/', got ${quote(v)}` },
  );
  const protocol = value<HealthCheck["protocol"]>("protocol", "HTTP", (v) => {
    const p = String(v).toUpperCase();
    return p === "HTTP" || p === "HTTPS" ? { ok: true, value: p } : { ok: false, reason: `must be HTTP or HTTPS, got ${quote(v)}` };
  });
  const check: HealthCheck = {
    port,
    path,
    protocol,
    initialDelay: value("initialDelay", 0, seconds),
    timeout: value("timeout", 1, seconds),
    interval: value("interval", 10, seconds),
    failures: value("failures", 3, (v) => wholeNumber(v, 1)),
  };
  return c.problems.length > n ? undefined : check;
}

/** `{ docker: {...}, kubernetes: {...} }`: passed through to the scheduler, so only the shape is checked. */
export function checkDialects(v: unknown, path: string, c: Check): Dialects {
  if (!given(v)) return {};
  if (!isObject(v) || !Object.values(v).every(isObject)) return (c.err(path, `must be a map of dialect name → settings, got ${quote(v)}`), {});
  return v as Dialects;
}

/** `{ name: "8080/http" | "8080/tcp" | 8080 }` → ports; names and numbers unique. */
export function checkPorts(v: unknown, path: string, c: Check): BreedPort[] {
  if (!given(v)) return [];
  if (!isObject(v)) return (c.err(path, `must be a map of port name → "8080/http", got ${quote(v)}`), []);
  const out: BreedPort[] = [];
  for (const [name, raw] of Object.entries(v)) {
    const at = `${path}.${name}`;
    if (checkPartName(name, at, "port", c) === undefined) continue;
    const p = parsePort(raw);
    if (!p.ok) c.err(at, p.reason);
    else if (out.some((o) => o.number === p.value.number))
      c.err(at, `port ${p.value.number} is already the breed's port ${out.find((o) => o.number === p.value.number)!.name}`);
    else out.push({ name, ...p.value });
  }
  return out;
}

const SCALE_FIELDS = ["name", "kind", "metadata", "cpu", "memory", "instances"] as const;

/** `{ cpu, memory, instances = 1 }` → a scale. */
export function checkScale(v: Raw, path: string, c: Check): Scale | undefined {
  c.unknownFields(v, path, SCALE_FIELDS, "a scale", "dialect");
  const n = c.problems.length;
  const at = (f: string) => (path ? `${path}.${f}` : f);
  const cores = cpu(v.cpu);
  if (!cores.ok) c.err(at("cpu"), cores.reason);
  const mib = memory(v.memory);
  if (!mib.ok) c.err(at("memory"), mib.reason);
  const instances = v.instances === undefined ? { ok: true as const, value: 1 } : wholeNumber(v.instances, 0);
  if (!instances.ok) c.err(at("instances"), instances.reason);
  if (c.problems.length > n || !cores.ok || !mib.ok || !instances.ok) return undefined;
  return { ...(typeof v.name === "string" ? { name: v.name } : {}), cpu: cores.value, memory: mib.value, instances: instances.value };
}

/**
 * Each value's references name one of `known` (a breed's dependency aliases, a blueprint's
 * clusters); `what` says what they must be, for the message.
 */
export function checkReferenceTargets(vars: EnvironmentVariable[], path: string, known: string[], what: string, c: Check): void {
  for (const v of vars) {
    if (v.value === undefined) continue;
    const p = parseValue(v.value);
    if (!p.ok) {
      c.err(`${path}.${v.name}`, `${p.reason}, got ${quote(v.value)}`);
      continue;
    }
    for (const target of new Set(p.parts.flatMap((r) => (typeof r === "string" ? [] : [r.target]))))
      if (!known.includes(target)) c.err(`${path}.${v.name}`, `refers to "${target}", which is ${what} (${known.join(", ") || "it has none"})`);
  }
}
