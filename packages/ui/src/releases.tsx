import { useState } from "preact/hooks";
import { Analysis } from "./analysis";
import { post, type ReleaseRecord, type Tenant } from "./api";

const time = (ms: number) => new Date(ms).toLocaleTimeString();

/** What a release is doing, in words a glance can take. */
function phaseOf(r: ReleaseRecord): string {
  if (!r.state) return "waiting for its driver";
  if (r.state.phase === "rolledback") return r.state.confirmedAt ? "rolled back" : "rolling back";
  if (r.state.gate && !r.state.gate.approvedBy) return `waiting for approval before step ${r.state.gate.step + 1}`;
  return r.state.phase;
}

export function Releases({ tenant, releases, token, readOnly }: { tenant: Tenant; releases: ReleaseRecord[]; token?: string; readOnly: boolean }) {
  if (!releases.length)
    return (
      <p class="empty">
        No releases in {tenant.organization}/{tenant.environment}.
      </p>
    );
  return (
    <div class="cards">
      {[...releases]
        .sort((a, b) => (b.state?.startedAt ?? 0) - (a.state?.startedAt ?? 0))
        .map((r) => (
          <ReleaseCard key={r.name} tenant={tenant} r={r} token={token} readOnly={readOnly} />
        ))}
    </div>
  );
}

function ReleaseCard({ tenant, r, token, readOnly }: { tenant: Tenant; r: ReleaseRecord; token?: string; readOnly: boolean }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const running = r.state?.phase === "progressing" || !r.state;
  const act = async (action: "promote" | "abort" | "approve") => {
    try {
      await post("/api/release", { ...tenant, release: r.name, action }, token);
      setMessage({ ok: true, text: `${action} asked; the driver acts at its next look` });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const phase = phaseOf(r);
  return (
    <section class={`card release phase-${r.state?.phase ?? "waiting"}`} aria-labelledby={`rel-${r.name}`} data-release={r.name}>
      <h3 id={`rel-${r.name}`}>
        {r.name} <span class="badge">{phase}</span>
      </h3>
      <dl class="facts">
        <dt>gateway</dt>
        <dd>{r.spec.gateway}</dd>
        <dt>step</dt>
        <dd class="step">{r.state ? r.state.step + 1 : "-"}</dd>
        <dt>weights</dt>
        <dd class="weights">{r.state ? `${r.spec.canary} ${r.state.weights.canary}% · ${r.spec.stable} ${r.state.weights.stable}%` : "-"}</dd>
        <dt>driver</dt>
        <dd>
          {r.driver}
          {r.lease ? ` (${r.lease.holder}, lease ${r.lease.expiresAt >= Date.now() ? "held" : "lapsed"})` : ""}
        </dd>
        {r.state?.reason && (
          <>
            <dt>reason</dt>
            <dd class="reason">{r.state.reason}</dd>
          </>
        )}
        {r.command && (
          <>
            <dt>asked</dt>
            <dd>
              {r.command.action} by {r.command.by} at {time(r.command.at)}
            </dd>
          </>
        )}
      </dl>
      {!readOnly && running && (
        <div class="actions">
          {r.state?.gate && !r.state.gate.approvedBy && (
            <button type="button" disabled={!token} onClick={() => void act("approve")}>
              Approve step {r.state.gate.step + 1}
            </button>
          )}
          <button type="button" disabled={!token} onClick={() => void act("promote")}>
            Promote
          </button>
          <button type="button" class="danger" disabled={!token} onClick={() => void act("abort")}>
            Abort
          </button>
          {!token && <span class="muted">changes need the token</span>}
        </div>
      )}
      {/* "asked" is news only while the release runs; once it ended, its phase and reason say what the driver did. */}
      {message && (running || !message.ok) && (
        <p role="status" class={message.ok ? "ok" : "error"}>
          {message.text}
        </p>
      )}
      {running && r.look && (
        <section class="now" aria-label={`analysis of step ${r.look.step + 1} so far`}>
          <h4>
            Step {r.look.step + 1} so far <span class="muted">({time(r.look.at)})</span>
          </h4>
          <p class={`decision ${r.look.action}`}>
            <strong>{r.look.action}</strong>: {r.look.reason}
          </p>
          {r.look.report && <Analysis report={r.look.report} canary={r.spec.canary} stable={r.spec.stable} />}
        </section>
      )}
      <h4>Timeline</h4>
      <ol class="timeline" aria-label={`decisions of ${r.name}`}>
        {[...r.decisions].reverse().map((d, i) => (
          <li key={`${d.at}-${i}`} class={`decision ${d.action}`}>
            <details>
              <summary>
                <time dateTime={new Date(d.at).toISOString()}>{time(d.at)}</time> step {d.step + 1} <strong>{d.action}</strong>: {d.reason}
              </summary>
              {d.report ? (
                <Analysis report={d.report} canary={r.spec.canary} stable={r.spec.stable} />
              ) : (
                <p class="muted">taken without a look at the metrics</p>
              )}
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
