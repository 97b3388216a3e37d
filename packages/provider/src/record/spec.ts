/**
 * The normal form of a {@link GatewaySpec}: what the store keeps and what `diff` and `refresh`
 * compare, so `9050` equals `"9050/http"` and `"90%"` equals `90`.
 */
import type { GatewaySpec } from "../model/spec";
import { percentage, port as parsePort } from "../validation/values";

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** A percentage as a number when it is one; anything else as given, so validation can name it. */
function percent(v: unknown): unknown {
  const p = percentage(v);
  return p.ok ? p.value : v;
}

function normalizeRoute(r: unknown): unknown {
  if (!isObject(r)) return r;
  const out: Raw = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined || v === null) continue;
    out[k] = k === "weight" || k === "conditionStrength" ? percent(v) : v;
  }
  return out;
}

/**
 * @example
 * normalizeSpec({ port: 9050, routes: { "[a:1]": { weight: "90%" } } }) // { port: "9050/http", routes: { "[a:1]": { weight: 90 } } }
 */
export function normalizeSpec(spec: Partial<GatewaySpec>): GatewaySpec {
  const out: Raw = {};
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || v === null) continue;
    if (k === "port") {
      const p = parsePort(v);
      out.port = p.ok ? `${p.value.number}/${p.value.protocol}` : v;
    } else if (k === "virtualHosts" && Array.isArray(v) && !v.length) continue;
    else if (k === "routes" && isObject(v)) out.routes = Object.fromEntries(Object.entries(v).map(([key, r]) => [key, normalizeRoute(r)]));
    else out[k] = v;
  }
  out.routes ??= {};
  return out as unknown as GatewaySpec;
}
