import { MemoryStore } from "../store/memory";
import type { ExpectedRevision } from "../store/types";
import { keepLease } from "./lease";
import { claimRelease, readRelease, updateRelease } from "./records";

const tenant = { organization: "acme", environment: "prod" };
const spec = { gateway: "shop", stable: "v1", canary: "v2", steps: { weights: [20, 50] } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the driver's lease, kept beside its work", () => {
  it("never lapses while the driver is busy for three lifetimes (a slow webhook), and carries the latest look", async () => {
    const store = new MemoryStore();
    await claimRelease(store, tenant, "r", spec, "me", 900);
    const lease = keepLease(store, tenant, "r", "me", 900);
    lease.look = { at: 1, step: 0, action: "hold", reason: "holding the step" };
    const lapsed: number[] = [];
    // The driver's work takes three lifetimes of the lease; a reader looks every 20 ms.
    for (const end = Date.now() + 2700; Date.now() < end; await sleep(20)) {
      const rec = (await readRelease(store, tenant, "r"))!;
      if (rec.lease!.expiresAt < Date.now()) lapsed.push(Date.now());
    }
    await lease.stop();
    expect(lapsed).toEqual([]);
    expect((await readRelease(store, tenant, "r"))!.look?.reason).toBe("holding the step");
    // Stopped (the process gone): it lapses.
    await sleep(1000);
    expect((await readRelease(store, tenant, "r"))!.lease!.expiresAt).toBeLessThan(Date.now());
  });

  it("a release taken over by another driver, or deleted, stops the driver at its next look", async () => {
    const store = new MemoryStore();
    await claimRelease(store, tenant, "r", spec, "me", 900);
    const lease = keepLease(store, tenant, "r", "me", 900);
    expect((await lease.current()).name).toBe("r");
    await updateRelease(store, tenant, "r", (cur) => ({ ...cur!, lease: { holder: "workflow-agent/wf-0", expiresAt: Date.now() + 10_000 } }));
    await expect(lease.current()).rejects.toThrow("release r: workflow-agent/wf-0 took it over");
    await sleep(400); // a renewal meanwhile does not take it back
    expect((await readRelease(store, tenant, "r"))!.lease!.holder).toBe("workflow-agent/wf-0");
    await lease.stop();
    await store.delete("/vamp/acme/prod/releases/r");
    const other = keepLease(store, tenant, "r", "me", 900);
    await expect(other.current()).rejects.toThrow("release r: its record was deleted from the store");
    await other.stop();
  });

  it("stopped, it lets a renewal in flight land first: a lease dropped after stop() stays dropped", async () => {
    // A store slow to write leases: the renewal is still in flight when the driver ends.
    class SlowLeases extends MemoryStore {
      override async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
        if (value.includes('"lease"')) await sleep(300);
        return super.put(key, value, expect);
      }
    }
    const store = new SlowLeases();
    await claimRelease(store, tenant, "r", spec, "me", 300);
    const lease = keepLease(store, tenant, "r", "me", 300);
    await sleep(150); // the first renewal (at 100 ms) is writing
    await lease.release();
    await sleep(700);
    expect((await readRelease(store, tenant, "r"))!.lease).toBeUndefined();
  });
});
