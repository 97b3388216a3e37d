/**
 * `vamp release status|promote|abort|approve` as text: a tenant's canary releases as their
 * records say (the reading and the commands are `rollout/commands.ts`, shared with the UI).
 */
import type { AnalysisReport } from "../model/analysis";
import type { ReleaseRecord } from "../model/release";
import { table } from "./table";
import { formatTime } from "./time";

const weights = (r: ReleaseRecord) => (r.state ? `${r.spec.canary} ${r.state.weights.canary} / ${r.spec.stable} ${r.state.weights.stable}` : "-");
const phase = (r: ReleaseRecord) => (!r.state ? "waiting" : r.state.phase === "rolledback" && !r.state.confirmedAt ? "rolling back" : r.state.phase);
const lease = (r: ReleaseRecord, now: number) =>
  r.lease ? `${r.lease.holder} (${r.lease.expiresAt >= now ? "held" : `lapsed ${((now - r.lease.expiresAt) / 1000).toFixed(0)} s ago`})` : "-";

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ms = (x?: number) => (x === undefined ? "-" : `${x.toFixed(1)} ms`);

/** A look's evidence as a table: both versions' requests, 5xx and medians, then the tests. */
function analysisText(r: ReleaseRecord, a: AnalysisReport): string {
  const s = a.samples;
  const l = a.latency;
  return [
    table(
      ["VERSION", "REQUESTS (STEP / RELEASE)", "5XX (RELEASE)", "MEDIAN (STEP)"],
      [
        [`canary ${r.spec.canary}`, `${s.canary} / ${s.canaryTotal}`, pct(a.errors.canaryRate), ms(l.canaryP50)],
        [`stable ${r.spec.stable}`, `${s.stable} / ${s.stableTotal}`, pct(a.errors.stableRate), ms(l.stableP50)],
      ],
    ),
    `error test: ${a.errors.verdict}, log-likelihood ratio ${a.errors.llr.toFixed(2)} of ${a.errors.threshold.toFixed(2)}; ` +
      `latency test: ${l.verdict}${l.medianRatio === undefined ? "" : `, median x${l.medianRatio.toFixed(2)}, p=${l.pValue?.toExponential(1)}`}`,
    ...(a.logs ?? []).map((x) => `log check ${x.verdict}: ${x.reason}`),
  ].join("\n");
}

export function releaseStatusText(s: { records: ReleaseRecord[]; unreadable: string[] }, detail: boolean, now = Date.now()): string {
  if (!s.records.length && !s.unreadable.length) return "no releases";
  const rows = s.records.map((r) => [
    r.name,
    r.spec.gateway,
    r.driver,
    phase(r),
    r.state ? String(r.state.step + 1) : "-",
    weights(r),
    lease(r, now),
    r.decisions.at(-1)?.reason ?? r.state?.reason ?? "",
  ]);
  const out = [
    table(["RELEASE", "GATEWAY", "DRIVER", "PHASE", "STEP", "WEIGHTS", "LEASE", "LAST DECISION"], rows),
    ...s.unreadable.map((u) => `unreadable: ${u}`),
  ];
  if (detail && s.records[0]) {
    const r = s.records[0];
    out.push(
      "",
      table(
        ["AT", "STEP", "ACTION", "REASON"],
        r.decisions.slice(-15).map((d) => [formatTime(d.at), String(d.step + 1), d.action, d.reason]),
      ),
    );
    // The running step's analysis so far, else the evidence of the last decision.
    const latest =
      r.state?.phase === "progressing" && r.look
        ? { ...r.look, title: `step ${r.look.step + 1} so far` }
        : r.decisions.at(-1) && { ...r.decisions.at(-1)!, title: "the last decision" };
    if (latest?.report) out.push("", `${latest.title} (${formatTime(latest.at)}): ${latest.action}: ${latest.reason}`, analysisText(r, latest.report));
  }
  return out.join("\n");
}
