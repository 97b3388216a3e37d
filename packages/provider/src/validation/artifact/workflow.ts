/** A workflow (program or Vamp document) → the validated {@link Workflow}. */
import type { Schedule, Workflow } from "../../model/artifact";
import { quote, type Problem } from "../../model/problem";
import { Check, isObject, type Raw } from "../check";
import { wholeNumber } from "../units";
import { checkBreed } from "./breed";
import { checkArguments, checkArtifactName, checkDialects, checkHealthChecks, checkInline, checkScale, checkVariables } from "./parts";

const WORKFLOW_FIELDS = [
  "name",
  "kind",
  "metadata",
  "breed",
  "schedule",
  "scale",
  "environmentVariables",
  "arguments",
  "healthChecks",
  "dialects",
  "network",
] as const;
const ISO_PERIOD = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** A workflow at `path`: a breed to run and when (daemon, on events with tags, or on a time period). */
export function checkWorkflow(raw: Raw, path: string, c: Check): Workflow | undefined {
  const at = (f: string) => c.at(path, f);
  const n = c.problems.length;
  c.unknownFields(raw, path, WORKFLOW_FIELDS, "a workflow", "dialect");
  const name = checkArtifactName(raw.name, at("name"), c);
  const breed = checkInline(raw.breed, at("breed"), c, "breed", (b, p) => checkBreed(b, p, c));
  const schedule = checkSchedule(raw.schedule, at("schedule"), c);
  const scale = raw.scale === undefined ? undefined : checkInline(raw.scale, at("scale"), c, "scale", (s, p) => checkScale(s, p, c));
  const environmentVariables = checkVariables(c.get(raw, "environmentVariables"), at("environmentVariables"), c);
  const args = checkArguments(raw.arguments, at("arguments"), c);
  const healthChecks = checkHealthChecks(c.get(raw, "healthChecks"), at("healthChecks"), c);
  const dialects = checkDialects(raw.dialects, at("dialects"), c);
  if (c.problems.length > n || !name || !breed || !schedule) return undefined;
  return { name, breed, schedule, ...(scale ? { scale } : {}), environmentVariables, arguments: args, ...(healthChecks ? { healthChecks } : {}), dialects };
}

/** `daemon`, `{ event: { tags: [...] } }` (or a tag list), `{ time: { period: PT1M, start?, repeat? } }`. */
function checkSchedule(v: unknown, path: string, c: Check): Schedule | undefined {
  if (v === "daemon" || (isObject(v) && "daemon" in v)) return { daemon: true };
  if (isObject(v) && "event" in v) {
    const e = v.event;
    const tags = Array.isArray(e) ? e : isObject(e) && Array.isArray(e.tags) ? e.tags : undefined;
    if (!tags || !tags.length || !tags.every((t) => typeof t === "string" && t))
      return void c.err(`${path}.event`, `must list the event tags to run on, got ${quote(e)}`);
    return { event: { tags: tags as string[] } };
  }
  if (isObject(v) && isObject(v.time)) {
    const { period, start, repeat } = v.time;
    if (typeof period !== "string" || !ISO_PERIOD.test(period))
      return void c.err(`${path}.time.period`, `must be an ISO-8601 period like "PT1M", got ${quote(period)}`);
    if (start !== undefined && (typeof start !== "string" || Number.isNaN(Date.parse(start))))
      return void c.err(`${path}.time.start`, `must be a date-time, got ${quote(start)}`);
    const r = repeat === undefined ? undefined : wholeNumber(repeat, 1);
    if (r && !r.ok) return void c.err(`${path}.time.repeat`, r.reason);
    return { time: { period, ...(start ? { start: start as string } : {}), ...(r?.ok ? { repeat: r.value } : {}) } };
  }
  return void c.err(path, `must be daemon, { event: { tags: [...] } } or { time: { period: PT1M } }, got ${quote(v)}`);
}

/**
 * A workflow as a program gives it (or a Vamp document, with `dialect: "vamp"`), checked.
 *
 * @example
 * validateWorkflow({ name: "tick", breed: "tick-script", schedule: { time: { period: "PT1M" } } }, { source: "" })
 */
export function validateWorkflow(raw: unknown, opts: { source: string; dialect?: "program" | "vamp" }): { workflow?: Workflow; problems: Problem[] } {
  const c = new Check(opts.source, opts.dialect ?? "program");
  if (!isObject(raw)) return (c.err("", `a workflow must be a map with a name, a breed and a schedule, got ${quote(raw)}`), { problems: c.problems });
  const workflow = checkWorkflow(raw, "", c);
  return workflow && !c.problems.length ? { workflow, problems: [] } : { problems: c.problems };
}
