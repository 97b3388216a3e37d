/**
 * Release records in the store: claimed with a lease, renewed beside the driver's work (rollout/lease.ts), written with
 * compare-and-swap so an operator's command (`vamp release promote|abort`) written between two
 * ticks is never lost.
 */
import type { CanarySpec } from "../model/canary";
import { VampError } from "../model/problem";
import { RELEASE_API_VERSION, type LookEntry, type ReleaseDriver, type ReleaseRecord } from "../model/release";
import { stableStringify } from "../model/stable";
import type { Tenant } from "../model/tenant";
import { decodeRelease, encodeRelease, withLease } from "../record/release";
import { releaseKey, releasesDir } from "../record/keys";
import type { KeyValueStore, KvEntry } from "../store/types";
import { updateEntry } from "../store/update";

/** Read-modify-write of one release record; `change` returning undefined leaves it. */
export async function updateRelease(
  store: KeyValueStore,
  tenant: Tenant,
  name: string,
  change: (current: ReleaseRecord | undefined) => ReleaseRecord | undefined,
): Promise<ReleaseRecord | undefined> {
  const key = releaseKey(tenant, name);
  let out: ReleaseRecord | undefined;
  await updateEntry(store, key, (cur) => {
    out = change(cur ? decodeRelease(key, cur.value) : undefined);
    return out ? { put: encodeRelease(out) } : { keep: true };
  });
  return out;
}

export async function readRelease(store: KeyValueStore, tenant: Tenant, name: string): Promise<ReleaseRecord | undefined> {
  const key = releaseKey(tenant, name);
  const e = await store.get(key);
  return e ? decodeRelease(key, e.value) : undefined;
}

/** Every release record of a tenant (one that cannot be read is reported, not thrown). */
export async function listReleases(store: KeyValueStore, tenant: Tenant): Promise<{ records: ReleaseRecord[]; unreadable: string[] }> {
  return decodeReleases(await store.list(releasesDir(tenant)));
}

/** The release records of listed entries, by name (one that cannot be read is reported, not thrown). */
export function decodeReleases(entries: KvEntry[]): { records: ReleaseRecord[]; unreadable: string[] } {
  const records: ReleaseRecord[] = [];
  const unreadable: string[] = [];
  for (const e of entries) {
    try {
      records.push(decodeRelease(e.key, e.value));
    } catch (err) {
      unreadable.push((err as Error).message);
    }
  }
  return { records: records.sort((a, b) => a.name.localeCompare(b.name)), unreadable };
}

const sameSpec = (a: CanarySpec, b: CanarySpec) => stableStringify(a) === stableStringify(b);

/**
 * Takes the release for `holder` (`ttlMs` 0: writes it for the workflow agent to take): a new record when there is none or the last release ended;
 * the running one (to resume it) when its spec is the same and no other holder's lease runs.
 * A running release of another spec is refused: two releases must not fight over the weights.
 *
 * @example
 * const rec = await claimRelease(store, tenant, "shop", spec, "pulumi/acme/prod/shop@laptop:4242", 2500);
 */
export async function claimRelease(
  store: KeyValueStore,
  tenant: Tenant,
  name: string,
  spec: CanarySpec | undefined,
  holder: string,
  ttlMs: number,
  driver: ReleaseDriver = "pulumi",
): Promise<ReleaseRecord> {
  const rec = await updateRelease(store, tenant, name, (cur) => {
    const now = Date.now();
    if (cur?.state?.phase === "progressing") {
      if (spec && !sameSpec(cur.spec, spec))
        throw new VampError(
          "conflict",
          `release ${name} is in progress with another declaration (${cur.spec.stable} → ${cur.spec.canary} on ${cur.spec.gateway}); ` +
            `let it finish or abort it (vamp release abort ${name}) first`,
        );
      return withLease(cur, holder, ttlMs, now);
    }
    if (!cur && !spec) throw new VampError("not-found", `release ${name}: no such release`);
    const fresh: ReleaseRecord = { apiVersion: RELEASE_API_VERSION, kind: "Release", name, spec: spec ?? cur!.spec, driver, decisions: [] };
    // Without a lease (ttl 0) the record waits for the workflow agent to claim it.
    return ttlMs > 0 ? withLease(fresh, holder, ttlMs, now) : fresh;
  });
  return rec!;
}

/** Renews `holder`'s lease and returns the record (with any operator command); throws when another holder took it. */
export async function renewLease(store: KeyValueStore, tenant: Tenant, name: string, holder: string, ttlMs: number, look?: LookEntry): Promise<ReleaseRecord> {
  const rec = await updateRelease(store, tenant, name, (cur) => {
    if (!cur) throw new VampError("not-found", `release ${name}: its record was deleted from the store`);
    if (cur.lease && cur.lease.holder !== holder) throw new VampError("conflict", `release ${name}: ${cur.lease.holder} took it over`);
    const renewed = withLease(cur, holder, ttlMs, Date.now());
    return look ? { ...renewed, look } : renewed;
  });
  return rec!;
}
