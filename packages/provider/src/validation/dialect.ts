/**
 * Field names by dialect. Programs and stored records use the typed shape's names
 * (`conditionStrength`); Vamp documents use Vamp's (`condition_strength`). Validation reports
 * each problem in the names of the input it was given.
 */
import type { GatewaySpec, RouteSpec } from "../model/spec";

export type Dialect = "program" | "vamp";

/** The Vamp name of each typed field whose name differs. */
export const VAMP_FIELD_NAMES: Readonly<Record<string, string>> = {
  virtualHosts: "virtual_hosts",
  logQueryString: "log_query_string",
  conditionStrength: "condition_strength",
  environmentVariables: "environment_variables",
  healthChecks: "health_checks",
  initialDelay: "initial_delay",
  scaleBy: "scale_by",
  toAll: "to_all",
  toOne: "to_one",
};

/** A typed field's name in the dialect. */
export function fieldName(field: string, dialect: Dialect): string {
  return dialect === "vamp" ? (VAMP_FIELD_NAMES[field] ?? field) : field;
}

/** A Vamp field name's typed name (unknown names unchanged). */
export function typedName(vampName: string): string {
  for (const [typed, vamp] of Object.entries(VAMP_FIELD_NAMES)) if (vamp === vampName) return typed;
  return vampName;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A gateway in Vamp's field names (`virtual_hosts`, `condition_strength`) → the typed shape's
 * names; values as given. Unknown fields keep their names, so validation reports them.
 */
export function fromVampFields(body: Raw): Partial<GatewaySpec> {
  const out: Raw = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === "routes" && isObject(v)) {
      out.routes = Object.fromEntries(Object.entries(v).map(([key, r]) => [key, isObject(r) ? renameKeys(r) : r]));
    } else out[typedName(k)] = v;
  }
  return out as Partial<GatewaySpec>;
}

function renameKeys(r: Raw): RouteSpec {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [typedName(k), v])) as RouteSpec;
}
