/**
 * Field names by dialect. Programs and stored records use the typed shape's names
 * (`conditionStrength`); Vamp documents use Vamp's (`condition_strength`). Validation reports
 * each problem in the names of the input it was given.
 */
export type Dialect = "program" | "vamp";

/** The Vamp name of each typed field whose name differs. */
export const VAMP_FIELD_NAMES: Readonly<Record<string, string>> = {
  virtualHosts: "virtual_hosts",
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
