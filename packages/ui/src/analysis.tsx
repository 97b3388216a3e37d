import type { AnalysisReport } from "@vamp-pulumi/provider";

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ms = (x?: number) => (x === undefined ? "–" : `${x.toFixed(1)} ms`);

/** The tests' results in a line: what the judge weighed, not only its verdict. */
function testsLine(r: AnalysisReport): string {
  const e = r.errors;
  const errors = `error test ${e.verdict === "fail" ? "failed" : "undecided"}: log-likelihood ratio ${e.llr.toFixed(2)} of ${e.threshold.toFixed(2)} (stable bound ${pct(e.p0)}, alternative ${pct(e.p1)})`;
  const l = r.latency;
  const latency =
    l.verdict === "insufficient"
      ? "latency test: too few samples"
      : `latency test ${l.verdict === "fail" ? "failed" : "passed"}: median x${l.medianRatio?.toFixed(2)}, p=${l.pValue?.toExponential(1)}`;
  return `${errors}; ${latency}`;
}

/**
 * One look's evidence: requests of both versions (this step and the whole release), their 5xx
 * rates, their medians, and the two tests.
 */
export function Analysis({ report, canary, stable }: { report: AnalysisReport; canary: string; stable: string }) {
  const s = report.samples;
  return (
    <div class="analysis">
      <table>
        <thead>
          <tr>
            <th scope="col">version</th>
            <th scope="col">requests (step / release)</th>
            <th scope="col">5xx (release)</th>
            <th scope="col">median (step)</th>
          </tr>
        </thead>
        <tbody>
          <tr class="canary">
            <th scope="row">canary {canary}</th>
            <td>
              {s.canary} / {s.canaryTotal}
            </td>
            <td>{pct(report.errors.canaryRate)}</td>
            <td>{ms(report.latency.canaryP50)}</td>
          </tr>
          <tr class="stable">
            <th scope="row">stable {stable}</th>
            <td>
              {s.stable} / {s.stableTotal}
            </td>
            <td>{pct(report.errors.stableRate)}</td>
            <td>{ms(report.latency.stableP50)}</td>
          </tr>
        </tbody>
      </table>
      <p class="tests">
        after {(report.elapsedMs / 1000).toFixed(1)} s of the step: {testsLine(report)}
      </p>
      {report.logs?.length ? (
        <ul class="log-checks" aria-label="log checks">
          {report.logs.map((l) => (
            <li key={l.name} class={`log-check ${l.verdict}`}>
              <strong>{l.verdict}</strong> {l.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
