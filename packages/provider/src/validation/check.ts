/**
 * The problems of one input, collected in one pass, with field names in the input's dialect
 * (a program's `environmentVariables`, a Vamp document's `environment_variables`).
 */
import type { Problem } from "../model/problem";
import { fieldName, type Dialect } from "./dialect";
import { suggest } from "./suggest";

export type Raw = Record<string, unknown>;
export const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
export const given = (v: unknown) => v !== undefined && v !== null;

/** Problems found so far, and the field names of the input's dialect. */
export class Check {
  readonly problems: Problem[] = [];
  constructor(
    readonly source: string,
    readonly dialect: Dialect,
  ) {}
  err(path: string, message: string): void {
    this.problems.push({ source: this.source, path, message });
  }
  /** `field`'s name in this input's dialect, after `prefix`. */
  at(prefix: string, field: string): string {
    const f = fieldName(field, this.dialect);
    return prefix ? `${prefix}.${f}` : f;
  }
  /** The value of a typed field of `value`, read under its name in this input's dialect. */
  get(value: Raw, field: string): unknown {
    return value[fieldName(field, this.dialect)];
  }
  /**
   * Fields of `value` not in `known` (typed names), reported in this input's dialect. `keys`:
   * whether `value`'s keys are already typed names (a gateway, renamed by its reader) or the
   * dialect's own (the artifacts, read with {@link get}).
   */
  unknownFields(value: Raw, prefix: string, known: readonly string[], what: string, keys: "typed" | "dialect" = "typed"): void {
    const names = known.map((k) => fieldName(k, this.dialect));
    const accepted = keys === "typed" ? known : names;
    for (const k of Object.keys(value)) {
      if (!accepted.includes(k)) this.err(prefix ? `${prefix}.${k}` : k, `unknown field${suggest(k, names)}; ${what} has ${names.join(", ")}`);
    }
  }
}
