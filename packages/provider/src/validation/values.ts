/** Parsers for the DSL's small value types. Each returns the value or a reason (with the bad value). */
import type { Port } from "../model/gateway";

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** `90%`, `90`, 90 → 90 (an integer 0-100). */
export function percentage(v: unknown): Parsed<number> {
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim().replace(/%$/, "").trim() : undefined;
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return no(`must be a percentage like "90%", got ${JSON.stringify(v)}`);
  const n = Number(text);
  if (n < 0 || n > 100) return no(`must be between 0% and 100%, got ${JSON.stringify(v)}`);
  if (!Number.isInteger(n)) return no(`must be a whole percentage (HAProxy weights are integers), got ${JSON.stringify(v)}`);
  return ok(n);
}

/** `9050/http`, `9050/tcp`, `9050`, 9050 → { number, protocol }; a bare number is http. */
export function port(v: unknown): Parsed<Port> {
  const m = typeof v === "number" ? [String(v), String(v), undefined] : typeof v === "string" ? /^\s*(\d+)\s*(?:\/\s*(http|tcp)\s*)?$/i.exec(v) : null;
  if (!m) return no(`must be a port like "9050/http" or "9050/tcp", got ${JSON.stringify(v)}`);
  const number = Number(m[1]);
  if (!Number.isInteger(number) || number < 1 || number > 65535)
    return no(`must be a port number from 1 to 65535 (port 0 would bind a random port), got ${JSON.stringify(v)}`);
  return ok({ number, protocol: (m[2]?.toLowerCase() as "http" | "tcp" | undefined) ?? "http" });
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An artifact name: 1 to `maxSegments` `/`-separated segments of letters, digits, `.`, `_`, `-`. */
export function artifactName(v: unknown, maxSegments = 4): Parsed<string> {
  if (typeof v !== "string" || !v) return no(`must be a non-empty name, got ${JSON.stringify(v)}`);
  const segments = v.split("/");
  if (segments.length > maxSegments) return no(`must have at most ${maxSegments} "/"-separated segments, got ${JSON.stringify(v)}`);
  if (!segments.every((s) => SEGMENT.test(s))) {
    return no(
      `segments may only hold letters, digits, '.', '_' and '-', starting with a letter or digit (no whitespace, '[' or ']'), got ${JSON.stringify(v)}`,
    );
  }
  return ok(v);
}

/** `"[host:port]"` → host and port, or undefined when the text is not of that form. */
export function externalTarget(v: string): Parsed<{ host: string; port: number }> | undefined {
  const m = /^\[(.*)\]$/.exec(v.trim());
  if (!m) return undefined;
  const hp = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d+)$/.exec(m[1]);
  if (!hp) return no(`must be "[host:port]" with a host name or IP address, got ${JSON.stringify(v)}`);
  const p = Number(hp[2]);
  if (p < 1 || p > 65535) return no(`port must be 1-65535, got ${JSON.stringify(v)}`);
  return ok({ host: hp[1].toLowerCase(), port: p });
}

/** A host name for virtual hosts and instances (optionally `*.` for a wildcard virtual host). */
export function hostName(v: unknown, allowWildcard = false): Parsed<string> {
  const re = allowWildcard
    ? /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/
    : /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
  if (typeof v !== "string" || v.length > 253 || !re.test(v)) return no(`must be a host name like "shop.example.com", got ${JSON.stringify(v)}`);
  return ok(v.toLowerCase());
}

/** HAProxy balance algorithms that support run-time weight changes or make sense per route. */
export const BALANCE = ["roundrobin", "leastconn", "first", "source", "random", "uri", "static-rr", "hdr(host)"];

/** Organization, environment and namespace names: DNS labels (an environment is a Kubernetes namespace). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A DNS label (lower-case letters, digits, '-', at most 63). */
export function dnsLabel(v: unknown): Parsed<string> {
  return typeof v === "string" && DNS_LABEL.test(v) ? ok(v) : no(`must be a DNS label (lower-case letters, digits, '-', at most 63), got ${JSON.stringify(v)}`);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9a-fA-F:.]{2,45}$/;

/** Whether `host` is an IP address (v4, or v6 with or without brackets) rather than a name. */
export function isIpAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return IPV4.test(h) || (IPV6.test(h) && (h.match(/::/g) ?? []).length <= 1);
}
