/**
 * `vamp release status|promote|abort`: a tenant's canary releases as their records say, and an
 * operator's word to the driver (inside `pulumi up` or the workflow agent), which acts on it at
 * its next look.
 */
import * as os from "node:os";
import { sleep } from "../infra/retry";
import { VampError } from "../model/problem";
import type { ReleaseRecord } from "../model/release";
import type { Tenant } from "../model/tenant";
import { listReleases, readRelease, updateRelease } from "../rollout/records";
import type { KeyValueStore } from "../store/types";
import { table } from "./table";
import { formatTime } from "./time";

const weights = (r: ReleaseRecord) => (r.state ? `${r.spec.canary} ${r.state.weights.canary} / ${r.spec.stable} ${r.state.weights.stable}` : "-");
const phase = (r: ReleaseRecord) => (!r.state ? "waiting" : r.state.phase === "rolledback" && !r.state.confirmedAt ? "rolling back" : r.state.phase);
const lease = (r: ReleaseRecord, now: number) =>
  r.lease ? `${r.lease.holder} (${r.lease.expiresAt >= now ? "held" : `lapsed ${((now - r.lease.expiresAt) / 1000).toFixed(0)} s ago`})` : "-";

/** Every release, or one with its latest decisions. */
export async function releaseStatus(store: KeyValueStore, tenant: Tenant, name?: string): Promise<{ records: ReleaseRecord[]; unreadable: string[] }> {
  if (!name) return listReleases(store, tenant);
  const r = await readRelease(store, tenant, name);
  if (!r) throw new VampError("not-found", `release ${name}: no such release in ${tenant.organization}/${tenant.environment}`);
  return { records: [r], unreadable: [] };
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
  }
  return out.join("\n");
}

/**
 * Asks the release's driver to promote or abort; with `waitMs`, waits until it did (an abort:
 * until every agent confirmed the canary drained).
 *
 * @example
 * await commandRelease(store, tenant, "shop-1-1-0", "abort", 30_000)
 */
export async function commandRelease(store: KeyValueStore, tenant: Tenant, name: string, action: "promote" | "abort" | "approve", waitMs: number, by?: string) {
  const who = by ?? `${os.userInfo().username}@${os.hostname()}`;
  await updateRelease(store, tenant, name, (cur) => {
    if (!cur) throw new VampError("not-found", `release ${name}: no such release in ${tenant.organization}/${tenant.environment}`);
    if (cur.state && cur.state.phase !== "progressing")
      throw new VampError("conflict", `release ${name} already ${cur.state.phase}: ${cur.state.reason ?? ""}`);
    return { ...cur, command: { action, by: who, at: Date.now() } };
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const r = await readRelease(store, tenant, name);
    const done =
      r?.state &&
      (action === "promote" ? r.state.phase === "promoted" : action === "approve" ? !r.command : r.state.phase === "rolledback" && !!r.state.confirmedAt);
    if (done || Date.now() >= deadline) return { record: r!, done: !!done };
    await sleep(200);
  }
}
