import { validateCanary } from "../validation/canary";
import type { Decision } from "./judge";
import { emptyCounts } from "../metrics/window";
import { emptyHistogram } from "../metrics/histogram";
import { evidenceOf } from "./evidence";
import { approve, commanded, decide, gateDecision, split, startRelease } from "./release";

const spec = { gateway: "shop", stable: "v1", canary: "v2", steps: { increment: 25 } };
const decision = (action: Decision["action"], reason: string = action): Decision => ({ action, reason, report: {} as Decision["report"] });

describe("a canary release's declaration", () => {
  it("expands steps; 100% is the promotion after the last step", () => {
    expect(validateCanary(spec, "c").canary?.weights).toEqual([25, 50, 75]);
    expect(validateCanary({ ...spec, steps: { increment: 10, max: 30 } }, "c").canary?.weights).toEqual([10, 20, 30]);
    expect(validateCanary({ ...spec, steps: { weights: ["5%", 20, 50] } }, "c").canary).toMatchObject({
      weights: [5, 20, 50],
      intervalMs: 30_000,
      minSamples: 20,
      noTrafficDeadlineMs: 300_000,
    });
  });
  it("names each bad field with its value", () => {
    const r = validateCanary(
      { ...spec, canary: "v1", steps: { weights: [20, 10] }, interval: "soon", analysis: { errors: { alpha: 2 } }, extra: 1 },
      "canary shop",
    );
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "extra: unknown field; a canary release has gateway, stable, canary, steps, interval, minSamples, noTrafficDeadline, analysis, sliceStable, gates, webhooks",
      'canary: must be another route than stable, got "v1" for both',
      "steps.weights[1]: must be more than 0 and more than the step before (20%), got 10",
      'interval: must be a time like "10s", "1m", "1h" or a number of seconds, got "soon"',
      "analysis.errors.alpha: must be a probability above 0 and at most 0.5, got 2",
    ]);
    expect(validateCanary({ ...spec, steps: { weights: [100] } }, "c").problems[0].message).toMatch(/^needs at least one step below 100%/);
    expect(validateCanary({ ...spec, sliceStable: true }, "c").problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "sliceStable: true is refused: slicing is the program's step: after the promotion, remove the stable route from the Gateway (or the stable service from the blueprint) and run pulumi up",
    ]);
  });
  it("gates and webhooks: steps 2..N or promotion, moments, URLs, each problem named", () => {
    const ok = validateCanary(
      {
        ...spec,
        gates: { before: [3, "promotion", 2], timeout: "10m", onTimeout: "promote" },
        webhooks: [{ url: "http://ci:8080/hook", on: ["step", "rollback"] }],
      },
      "c",
    );
    expect(ok.canary?.gates).toEqual({ before: [1, 2, 3], timeoutMs: 600_000, onTimeout: "promote" });
    expect(ok.canary?.webhooks).toEqual([{ url: "http://ci:8080/hook", on: ["step", "rollback"], timeoutMs: 5000, retries: 2 }]);
    const bad = validateCanary({ ...spec, gates: { before: [1, 9], onTimeout: "wait" }, webhooks: [{ url: "ci", on: ["deploy"], retries: -1 }] }, "c");
    expect(bad.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'gates.before[0]: must be a step from 2 to 3 (step 1 starts with the release) or "promotion", got 1',
      'gates.before[1]: must be a step from 2 to 3 (step 1 starts with the release) or "promotion", got 9',
      'gates.onTimeout: must be "rollback" or "promote", got "wait"',
      'webhooks[0].url: must be an http(s) URL, got "ci"',
      'webhooks[0].on: must list moments among start, step, promotion, rollback, got ["deploy"]',
      expect.stringMatching(/^webhooks\[0\]\.retries: /),
    ]);
  });
});

describe("a release's course", () => {
  const canary = validateCanary(spec, "c").canary!;
  it("steps through the weights on advance, holds on hold, promotes after the last step", () => {
    let s = startRelease(canary, { stable: 100, canary: 0 }, 0);
    expect([s.step, s.weights]).toEqual([0, { stable: 75, canary: 25 }]);
    expect(decide(s, canary, decision("hold"), 1000)).toBe(s);
    const none = { requests: 0, errors: 0, latency: emptyHistogram() };
    const evidence = { canaryTotal: { requests: 30, errors: 1 }, stableTotal: { requests: 90, errors: 2 }, canaryStep: none, stableStep: none, elapsedMs: 0 };
    s = decide(s, canary, decision("advance"), 2000, evidence);
    expect([s.step, s.weights, s.stepStartedAt, s.counts]).toEqual([
      1,
      { stable: 50, canary: 50 },
      2000,
      { stable: { requests: 90, errors: 2 }, canary: { requests: 30, errors: 1 } },
    ]);
    s = decide(decide(s, canary, decision("advance"), 3000), canary, decision("advance", "all good"), 4000);
    expect(s).toMatchObject({ phase: "promoted", weights: { stable: 0, canary: 100 }, reason: "all good" });
    expect(decide(s, canary, decision("rollback"), 5000)).toBe(s); // over is over
  });
  it("a release run again after it succeeded moves nothing back", () => {
    expect(startRelease(canary, { stable: 0, canary: 100 }, 0)).toMatchObject({ phase: "promoted", weights: { stable: 0, canary: 100 } });
  });
  it("gates: an advance into a gated step waits, rollbacks pass, approval lets it go, the timeout takes the configured action", () => {
    const gated = validateCanary({ ...spec, gates: { before: [2], timeout: "60s" } }, "c").canary!;
    const s0 = startRelease(gated, { stable: 100, canary: 0 }, 0);
    const wait = gateDecision(gated, s0, decision("advance", "good"), 1000);
    expect([wait.decision.action, wait.state.gate]).toEqual(["hold", { step: 1, since: 1000 }]);
    expect(wait.decision.reason).toBe("waiting for approval before step 2 (vamp release approve), 60 s left; the failure checks keep running");
    expect(gateDecision(gated, wait.state, decision("rollback", "errors"), 2000).decision.action).toBe("rollback");
    const ok = gateDecision(gated, approve(wait.state, "ops", 3000), decision("advance", "good"), 3000);
    expect([ok.decision.action, ok.decision.reason]).toEqual(["advance", "good; approved by ops"]);
    expect(decide(ok.state, gated, ok.decision, 3000)).toMatchObject({ step: 1, weights: { canary: 50 } });
    expect(decide(ok.state, gated, ok.decision, 3000).gate).toBeUndefined();
    const late = gateDecision(gated, wait.state, decision("advance", "good"), 61_000).decision;
    expect([late.action, late.reason]).toEqual(["rollback", "no approval before step 2 in 60 s: rolling back as configured"]);
    // Not gated: the promotion after step 3.
    expect(gateDecision(gated, { ...s0, step: 2 }, decision("advance"), 0).decision.action).toBe("advance");
  });
  it("an operator's promote goes to 100% at once; an abort rolls back", () => {
    const s = startRelease(canary, { stable: 100, canary: 0 }, 0);
    expect(decide(s, canary, commanded("promote", "ops", {} as Decision["report"]), 1)).toMatchObject({
      phase: "promoted",
      weights: { canary: 100 },
      reason: "promoted by ops",
    });
    expect(decide(s, canary, commanded("abort", "ops", {} as Decision["report"]), 1)).toMatchObject({
      phase: "rolledback",
      weights: { canary: 0 },
      reason: "aborted by ops",
    });
  });
  it("puts everything back on stable on rollback, and moves only what the two routes carried", () => {
    const s = startRelease(canary, { stable: 60, canary: 0 }, 0); // another route carries 40%
    expect(s.weights).toEqual({ stable: 45, canary: 15 });
    expect(decide(s, canary, decision("rollback", "errors"), 1)).toMatchObject({ phase: "rolledback", weights: { stable: 60, canary: 0 }, reason: "errors" });
    expect(split(60, 100)).toEqual({ stable: 0, canary: 60 });
  });
});

describe("the judge's evidence from live windows", () => {
  it("takes the release's totals and the step's counts of the two routes, nothing of the others", () => {
    const canary = validateCanary(spec, "c").canary!;
    const route = (r: string, requests: number, e5: number) => ({ ...emptyCounts("shop", r), requests, status: { "2xx": requests - e5, "5xx": e5 } });
    const before = { stable: { requests: 500, errors: 5 }, canary: { requests: 40, errors: 2 } };
    const sinceStep = { from: 30_000, to: 60_000, routes: [route("v1", 400, 4), route("v2", 60, 3), route("other", 50, 50)] };
    const e = evidenceOf(canary, before, sinceStep, 30_000);
    expect([e.canaryTotal, e.stableTotal, e.canaryStep.requests, e.canaryStep.errors, e.stableStep.requests, e.elapsedMs]).toEqual([
      { requests: 100, errors: 5 },
      { requests: 900, errors: 9 },
      60,
      3,
      400,
      30_000,
    ]);
    const none = { requests: 0, errors: 0 };
    expect(evidenceOf(canary, { stable: none, canary: none }, { from: 0, to: 1, routes: [] }, 0).canaryTotal).toEqual(none);
  });
});
