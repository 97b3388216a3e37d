/** SLAs and escalations (programs or Vamp documents) → the validated {@link Sla} / {@link Escalation}. */
import type { Escalation, Inline, Sla } from "../../model/artifact";
import { quote } from "../../model/problem";
import { Check, given, isObject, type Raw } from "../check";
import { seconds, wholeNumber } from "../units";
import { checkArtifactName, checkInline } from "./parts";

const SLA_FIELDS = ["name", "kind", "metadata", "type", "threshold", "window", "escalations"] as const;
const ESCALATION_FIELDS = ["name", "kind", "metadata", "type", "minimum", "maximum", "scaleBy", "target", "escalations"] as const;
const SCALING = ["scale_instances", "scale_cpu", "scale_memory"];
const GROUPS = ["to_all", "to_one"];

/** An SLA at `path`: `response_time_sliding_window` with threshold (ms), window (s) and escalations. */
export function checkSla(raw: Raw, path: string, c: Check): Sla | undefined {
  const at = (f: string) => c.at(path, f);
  const n = c.problems.length;
  c.unknownFields(raw, path, SLA_FIELDS, "an SLA", "dialect");
  if (given(raw.name)) checkArtifactName(raw.name, at("name"), c);
  const type = raw.type ?? "response_time_sliding_window";
  if (type !== "response_time_sliding_window") c.err(at("type"), `must be response_time_sliding_window (the SLA type Vamp shipped), got ${quote(type)}`);
  const upper = number(raw, ["threshold", "upper"], at("threshold.upper"), c);
  const lower = number(raw, ["threshold", "lower"], at("threshold.lower"), c);
  if (upper !== undefined && lower !== undefined && lower >= upper) c.err(at("threshold"), `lower (${lower} ms) must be below upper (${upper} ms)`);
  const interval = time(raw, ["window", "interval"], at("window.interval"), c);
  const cooldown = time(raw, ["window", "cooldown"], at("window.cooldown"), c);
  const escalations = checkEscalations(raw.escalations, at("escalations"), c);
  if (c.problems.length > n) return undefined;
  return {
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    type: "response_time_sliding_window",
    threshold: { upper: upper!, lower: lower! },
    window: { interval: interval!, cooldown: cooldown! },
    escalations,
  };
}

function field(raw: Raw, [a, b]: string[]): unknown {
  return isObject(raw[a]) ? (raw[a] as Raw)[b] : undefined;
}

function number(raw: Raw, keys: string[], path: string, c: Check): number | undefined {
  const r = wholeNumber(field(raw, keys), 0);
  return r.ok ? r.value : void c.err(path, `${r.reason} (milliseconds)`);
}

function time(raw: Raw, keys: string[], path: string, c: Check): number | undefined {
  const r = seconds(field(raw, keys));
  return r.ok ? r.value : void c.err(path, r.reason);
}

export function checkEscalations(v: unknown, path: string, c: Check): Inline<Escalation>[] {
  if (!given(v)) return [];
  if (!Array.isArray(v)) return (c.err(path, `must be a list of escalations, got ${quote(v)}`), []);
  return v.flatMap((e, i) => {
    const x = checkInline(e, `${path}[${i}]`, c, "escalation", (raw, p) => checkEscalation(raw, p, c));
    return x ? [x] : [];
  });
}

/** `scale_instances | scale_cpu | scale_memory` with minimum, maximum, scale_by, target; `to_all` / `to_one` groups. */
export function checkEscalation(raw: Raw, path: string, c: Check): Escalation | undefined {
  const at = (f: string) => c.at(path, f);
  const n = c.problems.length;
  c.unknownFields(raw, path, ESCALATION_FIELDS, "an escalation", "dialect");
  const type = raw.type;
  if (typeof type !== "string" || ![...SCALING, ...GROUPS].includes(type)) {
    c.err(at("type"), `must be one of ${[...SCALING, ...GROUPS].join(", ")}, got ${quote(type)}`);
    return undefined;
  }
  const name = typeof raw.name === "string" ? { name: raw.name } : {};
  if (GROUPS.includes(type)) {
    const escalations = checkEscalations(raw.escalations, at("escalations"), c);
    return c.problems.length > n ? undefined : { ...name, type: type as Escalation["type"], escalations };
  }
  // Instances step in whole numbers; cpu (cores) and memory (MiB) need not.
  const limit = (f: string, min: number) => {
    const v = c.get(raw, f);
    if (type !== "scale_instances" && typeof v === "number" && v >= min) return v;
    const r = wholeNumber(v, min);
    return r.ok ? r.value : void c.err(at(f), r.reason);
  };
  const [minimum, maximum, scaleBy] = [limit("minimum", 0), limit("maximum", 1), limit("scaleBy", 1)];
  if (minimum !== undefined && maximum !== undefined && minimum > maximum) c.err(at("minimum"), `must not exceed maximum (${maximum}), got ${minimum}`);
  if (given(raw.target) && typeof raw.target !== "string") c.err(at("target"), `must be a cluster name, got ${quote(raw.target)}`);
  if (c.problems.length > n) return undefined;
  return { ...name, type: type as Escalation["type"], minimum, maximum, scaleBy, ...(typeof raw.target === "string" ? { target: raw.target } : {}) };
}
