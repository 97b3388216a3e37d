/**
 * One access-log line of HAProxy (rendered by render/log-format.ts) → an {@link AccessRecord},
 * and a record → the document indexed in the tenant's search cluster. Pure.
 */

/** One request (http) or connection (tcp) as the gateway logged it. */
export interface AccessRecord {
  /** When the request completed, ms since the epoch. */
  ts: number;
  gateway: string;
  /** The route that served it; `-` when it failed before reaching one. */
  route: string;
  server?: string;
  protocol: "http" | "tcp";
  method?: string;
  path?: string;
  /** Present only for gateways that log it (`logQueryString`). */
  query?: string;
  /** The HTTP status; absent for tcp and for requests that got no response. */
  status?: number;
  /** Total time, ms (HAProxy's %Ta for http, %Tt for tcp). */
  timeMs: number;
  /** Time to the response headers, ms (http). */
  responseMs?: number;
  bytes: number;
  /** HAProxy's termination state (`----` for a normal end). */
  termination: string;
}

export type ParsedLine = { ok: true; record: AccessRecord } | { ok: false; reason: string };

const absent = (v: unknown) => v === undefined || v === null || v === "-" || v === "";

/**
 * @example
 * parseAccessLine('{"ts":1796077480792,"gateway":"shop","route":"v1","server":"s1","method":"GET","path":"/","query":"-","status":200,"time_ms":5,"response_ms":4,"bytes":120,"term":"----"}')
 * // { ok: true, record: { ts: 1796077480792, gateway: "shop", route: "v1", protocol: "http", status: 200, timeMs: 5, ... } }
 */
export function parseAccessLine(line: string): ParsedLine {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: `not JSON: ${line.slice(0, 120)}` };
  }
  if (typeof o !== "object" || o === null) return { ok: false, reason: "not an object" };
  const ts = Number(o.ts);
  if (!Number.isFinite(ts) || typeof o.gateway !== "string" || !o.gateway) return { ok: false, reason: `no time or gateway: ${line.slice(0, 120)}` };
  const http = "method" in o;
  const num = (v: unknown) => (typeof v === "number" && v >= 0 ? v : undefined);
  const record: AccessRecord = {
    ts,
    gateway: o.gateway,
    route: typeof o.route === "string" && o.route ? o.route : "-",
    protocol: http ? "http" : "tcp",
    timeMs: num(o.time_ms) ?? 0,
    bytes: num(o.bytes) ?? 0,
    termination: typeof o.term === "string" ? o.term : "",
  };
  if (!absent(o.server)) record.server = String(o.server);
  if (http) {
    if (!absent(o.method)) record.method = String(o.method);
    if (!absent(o.path)) record.path = String(o.path);
    if (typeof o.query === "string" && o.query.startsWith("?")) record.query = o.query.slice(1);
    const status = num(o.status);
    if (status !== undefined && status >= 100) record.status = status;
    const response = num(o.response_ms);
    if (response !== undefined) record.responseMs = response;
  }
  return { ok: true, record };
}

/** The search document of a record (the `gateway-logs` mapping of logs/indices.ts). */
export function accessDocument(r: AccessRecord, agent: string): Record<string, unknown> {
  return {
    "@timestamp": new Date(r.ts).toISOString(),
    agent,
    gateway: r.gateway,
    route: r.route,
    protocol: r.protocol,
    duration_ms: r.timeMs,
    bytes: r.bytes,
    termination: r.termination,
    ...(r.server !== undefined ? { server: r.server } : {}),
    ...(r.method !== undefined ? { method: r.method } : {}),
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.query !== undefined ? { query: r.query } : {}),
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.responseMs !== undefined ? { response_ms: r.responseMs } : {}),
  };
}
