/**
 * The judge on simulated traffic (seeded, so every run of the suite sees the same 1,000 releases):
 * A/A false rollbacks, detection of errors rising from 1% to 5%, the stable version's own errors,
 * latency regressions and non-regressions, no traffic.
 */
import { emptyHistogram, observe, type Histogram } from "../metrics/histogram";
import { errorTest } from "./error-test";
import { judge, type Evidence } from "./judge";
import { latencyTest, mannWhitney } from "./latency-test";

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One simulated release's error test, looked at every second: `canaryRps` and `stableRps` requests
 * per second with the given error rates, for up to `seconds`. Returns the request count of the
 * canary when it failed, or undefined.
 */
function simulateErrors(seed: number, o: { canaryP: number; stableP: number; canaryRps: number; stableRps: number; seconds: number }): number | undefined {
  const r = rng(seed);
  const canary = { requests: 0, errors: 0 };
  const stable = { requests: 0, errors: 0 };
  let carry = 0;
  for (let s = 0; s < o.seconds; s++) {
    carry += o.canaryRps;
    const n = Math.floor(carry);
    carry -= n;
    canary.requests += n;
    canary.errors += binomial(n, o.canaryP, r);
    stable.requests += o.stableRps;
    stable.errors += binomial(o.stableRps, o.stableP, r);
    if (errorTest(canary, stable).verdict === "fail") return canary.requests;
  }
  return undefined;
}

/** Errors among `n` requests each failing with `p`: one draw, by inversion of the binomial distribution. */
function binomial(n: number, p: number, r: () => number): number {
  if (n === 0) return 0;
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  const u = r();
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    cdf += pmf;
    k++;
  }
  return k;
}

describe("the error test on 1,000 simulated releases each", () => {
  const runs = (f: (seed: number) => number | undefined) => Array.from({ length: 1000 }, (_, i) => f(1000 + i));

  it("A/A at 1% errors, the canary at 0.5 requests/s for 30 minutes: at most 1% false rollbacks", () => {
    const failed = runs((seed) => simulateErrors(seed, { canaryP: 0.01, stableP: 0.01, canaryRps: 0.5, stableRps: 20, seconds: 1800 })).filter(
      (x) => x !== undefined,
    );
    console.log(`figures: A/A at 0.5 canary requests/s for 30 min: ${failed.length} false rollbacks in 1,000 runs`);
    expect(failed.length).toBeLessThanOrEqual(10);
  });

  it("A/A at 1% errors and 10 canary requests/s for 10 minutes: at most 1% false rollbacks", () => {
    const failed = runs((seed) => simulateErrors(seed, { canaryP: 0.01, stableP: 0.01, canaryRps: 10, stableRps: 90, seconds: 600 })).filter(
      (x) => x !== undefined,
    );
    console.log(`figures: A/A at 10 canary requests/s for 10 min: ${failed.length} false rollbacks in 1,000 runs`);
    expect(failed.length).toBeLessThanOrEqual(10);
  });

  it("errors rising from 1% to 5%: detected in at least 99% of runs within 1,000 canary requests", () => {
    const at = runs((seed) => simulateErrors(seed, { canaryP: 0.05, stableP: 0.01, canaryRps: 10, stableRps: 90, seconds: 100 }));
    const detected = at.filter((n) => n !== undefined && n <= 1000) as number[];
    const sorted = [...detected].sort((a, b) => a - b);
    console.log(
      `figures: 1% → 5% errors detected in ${detected.length} of 1,000 runs within 1,000 canary requests (median at ${sorted[Math.floor(sorted.length / 2)]} requests)`,
    );
    expect(detected.length).toBeGreaterThanOrEqual(990);
  });

  it("the stable version's own errors never roll back the canary", () => {
    const failed = runs((seed) => simulateErrors(seed, { canaryP: 0.01, stableP: 0.3, canaryRps: 10, stableRps: 90, seconds: 120 })).filter(
      (x) => x !== undefined,
    );
    expect(failed).toEqual([]);
  });

  it("a canary answering only 5xx fails within a handful of requests", () => {
    expect(errorTest({ requests: 7, errors: 7 }, { requests: 500, errors: 0 }).verdict).toBe("fail");
    expect(errorTest({ requests: 3, errors: 3 }, { requests: 500, errors: 0 }).verdict).toBe("continue"); // 3 could be chance
  });
});

/** A histogram of `n` request times drawn around `median` ms (log-normal, as request times go). */
function times(seed: number, n: number, median: number): Histogram {
  const r = rng(seed);
  const h = emptyHistogram();
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    observe(h, median * Math.exp(0.3 * z));
  }
  return h;
}

describe("the latency test", () => {
  it("rolls back a canary 50% slower at the median", () => {
    const r = latencyTest(times(1, 200, 30), times(2, 2000, 20));
    expect(r.verdict).toBe("fail");
    expect(r.medianRatio).toBeGreaterThan(1.4);
  });
  it("keeps a canary slower by less than the threshold, even when the difference is significant", () => {
    const r = latencyTest(times(3, 5000, 22), times(4, 20000, 20));
    expect(r.pValue).toBeLessThan(0.001); // significant...
    expect(r.verdict).toBe("pass"); // ...but within the 20% allowed
  });
  it("A/A over 1,000 simulated steps: at most 1% false rollbacks", () => {
    const failed = Array.from({ length: 1000 }, (_, i) => latencyTest(times(10 + 2 * i, 100, 20), times(11 + 2 * i, 1000, 20)).verdict).filter(
      (v) => v === "fail",
    );
    expect(failed.length).toBeLessThanOrEqual(10);
  });
  it("says nothing on too few samples; the rank statistic is symmetric", () => {
    expect(latencyTest(times(5, 5, 50), times(6, 500, 20)).verdict).toBe("insufficient");
    const a = times(7, 300, 20);
    const b = times(8, 300, 25);
    expect(mannWhitney(a, b).z).toBeCloseTo(-mannWhitney(b, a).z, 6);
  });
});

describe("the judge's decisions", () => {
  const stableStep = { requests: 1000, errors: 10, latency: times(20, 1000, 20) };
  const healthy = (requests: number, elapsedMs: number): Evidence => ({
    canaryTotal: { requests, errors: 0 },
    stableTotal: { requests: 5000, errors: 50 },
    canaryStep: { requests, errors: 0, latency: times(21, requests, 20) },
    stableStep,
    elapsedMs,
  });
  it("holds while the step's interval runs, then advances, with the report", () => {
    expect(judge(healthy(100, 5000), { intervalMs: 10_000 }).action).toBe("hold");
    const d = judge(healthy(100, 12_000), { intervalMs: 10_000 });
    expect(d.action).toBe("advance");
    expect(d.reason).toMatch(/^step held 12\.0 s with 100 canary requests: errors 0\.00% vs 1\.00%, median x/);
    expect(d.report.samples).toEqual({ canary: 100, stable: 1000, canaryTotal: 100, stableTotal: 5000 });
  });
  it("never promotes without data: too little traffic holds, none for the deadline fails", () => {
    const hold = judge(healthy(3, 60_000), { minSamples: 20, noTrafficDeadlineMs: 120_000 });
    expect([hold.action, hold.reason]).toEqual(["hold", "too little traffic: 3 of 20 canary requests this step"]);
    const none = judge(healthy(0, 130_000), { minSamples: 20, noTrafficDeadlineMs: 120_000 });
    expect(none.action).toBe("rollback");
    expect(none.reason).toMatch(/never promoted/);
  });
  it("rolls back on errors, naming the rates", () => {
    const d = judge({ ...healthy(50, 3000), canaryTotal: { requests: 50, errors: 10 } });
    expect(d.action).toBe("rollback");
    expect(d.reason).toMatch(/^canary errors 20\.00% \(10 of 50\) against stable 1\.00%/);
  });
  it("does not advance a canary failing more than the alternative before the error test decides", () => {
    // 6 of 20 failed against stable's 0 of 180: not yet proven bad (too few requests), far from good.
    const e = { ...healthy(20, 12_000), canaryTotal: { requests: 20, errors: 6 }, stableTotal: { requests: 180, errors: 0 } };
    const d = judge(e, { intervalMs: 10_000 });
    expect(d.action).toBe("hold");
    expect(d.reason).toMatch(/^canary errors 30\.00% \(6 of 20\) above .*: waiting for the error test to decide/);
  });
});
