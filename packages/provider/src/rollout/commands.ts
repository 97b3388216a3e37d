/**
 * A tenant's canary releases as their records say, and an operator's word to the driver (inside
 * `pulumi up` or the workflow agent), which acts on it at its next look. The CLI and the UI both
 * go through here.
 */
import * as os from "node:os";
import { sleep } from "../infra/retry";
import { VampError } from "../model/problem";
import type { ReleaseRecord } from "../model/release";
import type { Tenant } from "../model/tenant";
import type { KeyValueStore } from "../store/types";
import { listReleases, readRelease, updateRelease } from "./records";

/** Every release, or one with its latest decisions. */
export async function releaseStatus(store: KeyValueStore, tenant: Tenant, name?: string): Promise<{ records: ReleaseRecord[]; unreadable: string[] }> {
  if (!name) return listReleases(store, tenant);
  const r = await readRelease(store, tenant, name);
  if (!r) throw new VampError("not-found", `release ${name}: no such release in ${tenant.organization}/${tenant.environment}`);
  return { records: [r], unreadable: [] };
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
