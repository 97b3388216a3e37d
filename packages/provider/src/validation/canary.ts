/**
 * A canary release's declaration → {@link Canary}: steps expanded (`{ increment: 20 }` → 20, 40,
 * 60, 80, 100), durations parsed, thresholds in range; every problem names the field and the value.
 */
import type { Canary, CanarySpec } from "../model/canary";
import { CANARY_SPEC_FIELDS } from "../model/canary";
import { quote, type Problem } from "../model/problem";
import { Check, given, isObject } from "./check";
import { checkGates, checkWebhooks } from "./release-hooks";
import { seconds, wholeNumber } from "./units";
import { artifactName, percentage } from "./values";

/**
 * @example
 * validateCanary({ gateway: "shop", stable: "v1", canary: "v2", steps: { increment: 25 } }, "canary shop")
 * // { canary: { weights: [25, 50, 75, 100], intervalMs: 30000, ... }, problems: [] }
 */
export function validateCanary(spec: unknown, source: string): { canary?: Canary; problems: Problem[] } {
  const c = new Check(source, "program");
  if (!isObject(spec)) {
    c.err("", `a canary release must be an object with gateway, stable, canary and steps, got ${quote(spec)}`);
    return { problems: c.problems };
  }
  c.unknownFields(spec, "", CANARY_SPEC_FIELDS, "a canary release");
  const s = spec as Partial<CanarySpec>;
  const gateway = artifactName(s.gateway);
  if (!gateway.ok) c.err("gateway", gateway.reason);
  for (const f of ["stable", "canary"] as const)
    if (typeof s[f] !== "string" || !s[f]!.trim()) c.err(f, `must be the key of a route of the gateway, got ${quote(s[f])}`);
  if (typeof s.stable === "string" && s.stable === s.canary) c.err("canary", `must be another route than stable, got ${quote(s.canary)} for both`);
  const all = stepWeights(s.steps, c);
  // 100% is the promotion after the last step, not a step of its own.
  const weights = all?.filter((w) => w < 100);
  if (all && !weights!.length) c.err("steps", `needs at least one step below 100% (the promotion to 100% follows the last step), got ${quote(s.steps)}`);
  const intervalMs = duration(s.interval, "interval", 30_000, c);
  const noTrafficDeadlineMs = duration(s.noTrafficDeadline, "noTrafficDeadline", 300_000, c);
  const minSamples = given(s.minSamples) ? whole(s.minSamples, "minSamples", 1, c) : 20;
  checkAnalysis(s.analysis, c);
  if (given(s.sliceStable) && typeof s.sliceStable !== "boolean") c.err("sliceStable", `must be true or false, got ${quote(s.sliceStable)}`);
  // Refused rather than ignored: which routes and workloads exist is the stack's to say, so a
  // release that removed them would leave the stack drifted.
  if (s.sliceStable === true)
    c.err(
      "sliceStable",
      "true is refused: slicing is the program's step: after the promotion, remove the stable route from the Gateway (or the stable service from the blueprint) and run pulumi up",
    );
  const gates = checkGates(s.gates, weights?.length ?? 0, c);
  const webhooks = checkWebhooks(s.webhooks, c);
  if (c.problems.length) return { problems: c.problems };
  return {
    canary: {
      gateway: (gateway as { value: string }).value,
      stable: s.stable!,
      canary: s.canary!,
      weights: weights!,
      intervalMs: intervalMs!,
      minSamples: minSamples!,
      noTrafficDeadlineMs: noTrafficDeadlineMs!,
      analysis: s.analysis ?? {},
      sliceStable: s.sliceStable ?? false,
      gates,
      webhooks,
    },
    problems: [],
  };
}

/** The canary's weight at each step. */
function stepWeights(steps: unknown, c: Check): number[] | undefined {
  if (!isObject(steps)) return void c.err("steps", `must be { increment, max? } or { weights: [...] }, got ${quote(steps)}`);
  if ("weights" in steps) {
    if (!Array.isArray(steps.weights) || !steps.weights.length)
      return void c.err("steps.weights", `must be a list of percentages like [5, 25, 50, 100], got ${quote(steps.weights)}`);
    const out: number[] = [];
    steps.weights.forEach((w, i) => {
      const p = percentage(w);
      if (!p.ok) c.err(`steps.weights[${i}]`, p.reason);
      else if (p.value === 0 || (out.length && p.value <= out[out.length - 1]))
        c.err(`steps.weights[${i}]`, `must be more than 0 and more than the step before (${out[out.length - 1] ?? 0}%), got ${quote(w)}`);
      else out.push(p.value);
    });
    return out;
  }
  const inc = percentage(steps.increment);
  const max = given(steps.max) ? percentage(steps.max) : { ok: true as const, value: 100 };
  if (!inc.ok || inc.value === 0) return void c.err("steps.increment", inc.ok ? `must be more than 0%, got ${quote(steps.increment)}` : inc.reason);
  if (!max.ok || max.value === 0) return void c.err("steps.max", max.ok ? `must be more than 0%, got ${quote(steps.max)}` : max.reason);
  const out: number[] = [];
  for (let w = inc.value; w < max.value; w += inc.value) out.push(w);
  return [...out, max.value];
}

function duration(v: unknown, field: string, fallback: number, c: Check): number | undefined {
  if (!given(v)) return fallback;
  const s = seconds(v);
  if (!s.ok || s.value <= 0) return void c.err(field, s.ok ? `must be more than 0, got ${quote(v)}` : s.reason);
  return s.value * 1000;
}

function whole(v: unknown, field: string, min: number, c: Check): number | undefined {
  const n = wholeNumber(v, min);
  if (!n.ok) return void c.err(field, n.reason);
  return n.value;
}

/** Probabilities in (0, 0.5], a slowdown and an increase above 0, a factor of at least 1. */
function checkAnalysis(a: unknown, c: Check): void {
  if (!given(a)) return;
  if (!isObject(a)) return c.err("analysis", `must be { errors?, latency?, logs? }, got ${quote(a)}`);
  const prob = (v: unknown, path: string) => {
    if (given(v) && !(typeof v === "number" && v > 0 && v <= 0.5)) c.err(path, `must be a probability above 0 and at most 0.5, got ${quote(v)}`);
  };
  const positive = (v: unknown, path: string) => {
    if (given(v) && !(typeof v === "number" && v > 0)) c.err(path, `must be a number above 0, got ${quote(v)}`);
  };
  const e = isObject(a.errors) ? a.errors : {};
  const l = isObject(a.latency) ? a.latency : {};
  prob(e.alpha, "analysis.errors.alpha");
  prob(e.beta, "analysis.errors.beta");
  positive(e.minIncrease, "analysis.errors.minIncrease");
  if (given(e.factor) && !(typeof e.factor === "number" && e.factor >= 1))
    c.err("analysis.errors.factor", `must be a number of at least 1, got ${quote(e.factor)}`);
  prob(l.alpha, "analysis.latency.alpha");
  positive(l.maxSlowdown, "analysis.latency.maxSlowdown");
  if (given(l.minSamples)) whole(l.minSamples, "analysis.latency.minSamples", 1, c);
  checkLogChecks(a.logs, c);
}

/** Each log check: a unique name, a query, at least one limit as a share from 0 to 1. */
function checkLogChecks(logs: unknown, c: Check): void {
  if (!given(logs)) return;
  if (!Array.isArray(logs)) return c.err("analysis.logs", `must be a list of { name, query, maxShare?, maxIncrease?, minSamples? }, got ${quote(logs)}`);
  const names = new Set<string>();
  logs.forEach((l, i) => {
    const at = `analysis.logs[${i}]`;
    if (!isObject(l)) return c.err(at, `must be { name, query, maxShare?, maxIncrease?, minSamples? }, got ${quote(l)}`);
    c.unknownFields(l, at, ["name", "query", "maxShare", "maxIncrease", "minSamples"], "a log check");
    if (typeof l.name !== "string" || !l.name.trim()) c.err(`${at}.name`, `must be a name for the reports, got ${quote(l.name)}`);
    else if (names.has(l.name)) c.err(`${at}.name`, `must be unique among the log checks, got ${quote(l.name)} twice`);
    else names.add(l.name);
    if (typeof l.query !== "string" || !l.query.trim())
      c.err(`${at}.query`, `must be a query string on the access log's fields (e.g. "duration_ms:>500"), got ${quote(l.query)}`);
    for (const f of ["maxShare", "maxIncrease"] as const)
      if (given(l[f]) && !(typeof l[f] === "number" && l[f] >= 0 && l[f] <= 1))
        c.err(`${at}.${f}`, `must be a share from 0 to 1 (0.01 is 1%), got ${quote(l[f])}`);
    if (!given(l.maxShare) && !given(l.maxIncrease)) c.err(at, `needs a limit: maxShare (of the canary's requests) or maxIncrease (over stable's share)`);
    if (given(l.minSamples)) whole(l.minSamples, `${at}.minSamples`, 1, c);
  });
}
