/**
 * Canary releases against a real agent process, HAProxy, etcd and two versions, with the
 * release driver at its production settings (a look every 500 ms).
 *   npm run bench:canary [-- --runs 20 --aa-runs 20]
 * - rollback: the canary (25%, 10 req/s of 40) turns to 100% 5xx mid-step; the time from its first
 *   5xx (as the client saw it) to weight 0 confirmed at HAProxy, and the requests that failed;
 * - apply (the baseline, same run): a weight of 0 written straight to the store until HAProxy
 *   applies it, the floor of any rollback;
 * - promotion: a healthy canary through 5 steps (20, 40, 60, 80, 100%), each held 2 s;
 * - A/A: two identical versions, 0.5 req/s to the canary (5% of 10 req/s), a 2-step release with 5
 *   samples a step: a rollback would be false.
 * Last line: canary: rollback_p95_ms=… failed_p95=… false_rollbacks=… promotion_s=… rollback_vs_apply=…
 */
import { parseArgs } from "node:util";
import { driveRelease } from "../packages/provider/src/rollout/driver";
import { claimRelease } from "../packages/provider/src/rollout/records";
import { startServices } from "../testbed/services";
import { until } from "../test/e2e/agent/harness";
import { startCanaryBed, startTraffic } from "../test/e2e/canary/harness";
import { nearestRank } from "../test/e2e/logs/harness";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, "aa-runs": { type: "string", default: "20" } } });
const runs = Number(values.runs);
const aaRuns = Number(values["aa-runs"]);

type Bed = Awaited<ReturnType<typeof startCanaryBed>>;
const tenant = { organization: "bench", environment: `canary${Date.now().toString(36)}` };

const release = (name: string, spec: Record<string, unknown>, bed: Bed) =>
  claimRelease(bed.gw.store, tenant, name, { gateway: "shop", ...bed.routes, steps: { weights: [25] }, ...spec }, "bench", 2500).then((rec) =>
    driveRelease(rec, { store: bed.gw.store, tenant, holder: "bench" }),
  );

async function rollbacks(bed: Bed) {
  const times: number[] = [];
  const failed: number[] = [];
  for (let i = 0; i < runs; i++) {
    await bed.reset();
    const traffic = startTraffic(bed.gw.url, 40);
    const run = release(`rollback-${i}`, { steps: { weights: [25, 50] }, interval: "60s", minSamples: 10 }, bed);
    await until(async () => (await bed.applied()) === 25, 10_000, "the first step");
    await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
    bed.v2.mode = { status: 500, delayMs: 5 };
    const out = await run;
    const confirmedAt = Date.now();
    bed.v2.mode = { status: 200, delayMs: 5 };
    const samples = await traffic.stop();
    if (out.state.phase !== "rolledback") throw new Error(`run ${i}: ${out.state.phase}: ${out.state.reason}`);
    const bad = samples.filter((s) => s.status !== 200);
    times.push(confirmedAt - Math.min(...bad.map((s) => s.at)));
    failed.push(bad.length);
  }
  return { times, failed };
}

/** The floor: weight 0 written to the store until HAProxy applies it. */
async function applies(bed: Bed) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await bed.setCanary(25);
    const t0 = Date.now();
    await bed.setCanary(0);
    times.push(Date.now() - t0);
  }
  return times;
}

async function promotion(bed: Bed) {
  await bed.reset();
  const traffic = startTraffic(bed.gw.url, 40);
  const t0 = Date.now();
  const out = await release("promotion", { steps: { weights: [20, 40, 60, 80] }, interval: "2s", minSamples: 10 }, bed);
  const ms = Date.now() - t0;
  const samples = await traffic.stop();
  if (out.state.phase !== "promoted") throw new Error(`promotion: ${out.state.phase}: ${out.state.reason}`);
  return { ms, failed: samples.filter((s) => s.status !== 200).length };
}

async function aa(bed: Bed) {
  let falseRollbacks = 0;
  const ms: number[] = [];
  for (let i = 0; i < aaRuns; i++) {
    await bed.reset();
    const traffic = startTraffic(bed.gw.url, 10);
    const t0 = Date.now();
    const out = await release(`aa-${i}`, { steps: { weights: [5, 10] }, interval: "5s", minSamples: 5, noTrafficDeadline: "60s" }, bed);
    ms.push(Date.now() - t0);
    await traffic.stop();
    if (out.state.phase === "rolledback") {
      falseRollbacks++;
      console.error(`A/A run ${i}: rolled back: ${out.state.reason}`);
    }
  }
  return { falseRollbacks, ms };
}

async function main(): Promise<void> {
  await startServices(["etcd"]);
  const bed = await startCanaryBed(tenant);
  try {
    const rb = await rollbacks(bed);
    const base = await applies(bed);
    const promo = await promotion(bed);
    const aaResult = await aa(bed);
    const q = (xs: number[]) => [nearestRank(xs, 0.5), nearestRank(xs, 0.95), Math.max(...xs)].map((x) => x.toFixed(0));
    const rows = [
      ["rollback: first 5xx → weight 0 confirmed", String(runs), ...q(rb.times), `${nearestRank(rb.failed, 0.5)} / ${nearestRank(rb.failed, 0.95)}`],
      ["apply (baseline): weight 0 written → applied", String(runs), ...q(base), "-"],
      ["promotion: 5 steps, each held 2 s", "1", String(promo.ms), String(promo.ms), String(promo.ms), String(promo.failed)],
      [`A/A: 0.5 req/s to the canary (false rollbacks: ${aaResult.falseRollbacks})`, String(aaRuns), ...q(aaResult.ms), "-"],
    ];
    const head = ["run", "runs", "p50 ms", "p95 ms", "max ms", "failed req p50 / p95"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows]) console.log(r.map((x, i) => x.padEnd(widths[i])).join("  "));
    const p95 = nearestRank(rb.times, 0.95);
    console.log(
      `canary: rollback_p95_ms=${p95.toFixed(0)} failed_p95=${nearestRank(rb.failed, 0.95)} false_rollbacks=${aaResult.falseRollbacks} ` +
        `promotion_s=${(promo.ms / 1000).toFixed(1)} rollback_vs_apply=${(p95 / nearestRank(base, 0.95)).toFixed(1)}`,
    );
    process.exitCode = p95 <= 5000 && aaResult.falseRollbacks === 0 ? 0 : 1;
  } finally {
    await bed.stop();
  }
}

main().then(
  () => process.exit(),
  (e) => {
    console.error(`bench:canary: ${(e as Error).message}`);
    process.exit(1);
  },
);
