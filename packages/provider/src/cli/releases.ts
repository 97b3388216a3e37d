/**
 * `vamp release status|promote|abort|approve` as text: a tenant's canary releases as their
 * records say (the reading and the commands are `rollout/commands.ts`, shared with the UI).
 */
import type { ReleaseRecord } from "../model/release";
import { table } from "./table";
import { formatTime } from "./time";

const weights = (r: ReleaseRecord) => (r.state ? `${r.spec.canary} ${r.state.weights.canary} / ${r.spec.stable} ${r.state.weights.stable}` : "-");
const phase = (r: ReleaseRecord) => (!r.state ? "waiting" : r.state.phase === "rolledback" && !r.state.confirmedAt ? "rolling back" : r.state.phase);
const lease = (r: ReleaseRecord, now: number) =>
  r.lease ? `${r.lease.holder} (${r.lease.expiresAt >= now ? "held" : `lapsed ${((now - r.lease.expiresAt) / 1000).toFixed(0)} s ago`})` : "-";

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
  }
  return out.join("\n");
}
