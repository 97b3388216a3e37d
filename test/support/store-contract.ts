/**
 * The contract every KeyValueStore must pass: one suite, run against the memory store (unit)
 * and each real server (e2e).
 */
import { RevisionConflictError, type KeyValueStore } from "../../packages/provider/src/store";

export function storeContract(name: string, open: () => KeyValueStore): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;
    let base: string;
    beforeAll(() => {
      store = open();
    });
    beforeEach(() => {
      base = `/vamp-contract/${name}/${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    });
    afterAll(async () => {
      await store.close();
    });

    it("get of a missing key is undefined", async () => {
      expect(await store.get(`${base}/missing`)).toBeUndefined();
    });

    it("put then get returns the value and the same revision", async () => {
      const rev = await store.put(`${base}/a`, "hello");
      expect(await store.get(`${base}/a`)).toEqual({ key: `${base}/a`, value: "hello", revision: rev });
    });

    it("keeps an empty string and unicode as they are", async () => {
      await store.put(`${base}/empty`, "");
      await store.put(`${base}/uni`, "weight → 90% ✓");
      expect((await store.get(`${base}/empty`))?.value).toBe("");
      expect((await store.get(`${base}/uni`))?.value).toBe("weight → 90% ✓");
    });

    it("keeps a key segment holding URL escapes as one segment (gateway names with '/')", async () => {
      const key = `${base}/gateways/shop%2Fweb`;
      await store.put(key, "x");
      expect((await store.get(key))?.value).toBe("x");
      expect((await store.list(`${base}/gateways`)).map((e) => e.key)).toEqual([key]);
    });

    it("every write changes the revision", async () => {
      const r1 = await store.put(`${base}/k`, "1");
      const r2 = await store.put(`${base}/k`, "2");
      expect(r2).not.toBe(r1);
    });

    it("create-only (expect null) fails when the key exists", async () => {
      await store.put(`${base}/c`, "first", null);
      await expect(store.put(`${base}/c`, "second", null)).rejects.toBeInstanceOf(RevisionConflictError);
      expect((await store.get(`${base}/c`))?.value).toBe("first");
    });

    it("compare-and-swap fails on a stale revision and leaves the value", async () => {
      const r1 = await store.put(`${base}/cas`, "1");
      await store.put(`${base}/cas`, "2", r1);
      await expect(store.put(`${base}/cas`, "3", r1)).rejects.toBeInstanceOf(RevisionConflictError);
      expect((await store.get(`${base}/cas`))?.value).toBe("2");
    });

    it("of concurrent compare-and-swap writers exactly one wins", async () => {
      const r = await store.put(`${base}/race`, "0");
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => store.put(`${base}/race`, String(i), r)));
      expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
      for (const x of results) if (x.status === "rejected") expect(x.reason).toBeInstanceOf(RevisionConflictError);
    });

    it("a deleted and re-created key does not match its old revision", async () => {
      const old = await store.put(`${base}/aba`, "x");
      await store.delete(`${base}/aba`);
      await store.put(`${base}/aba`, "x");
      await expect(store.put(`${base}/aba`, "y", old)).rejects.toBeInstanceOf(RevisionConflictError);
    });

    it("delete reports whether there was something, honours expect", async () => {
      const r = await store.put(`${base}/d`, "x");
      await expect(store.delete(`${base}/d`, "not-" + r)).rejects.toBeInstanceOf(RevisionConflictError);
      expect(await store.delete(`${base}/d`, r)).toBe(true);
      expect(await store.delete(`${base}/d`)).toBe(false);
      expect(await store.get(`${base}/d`)).toBeUndefined();
    });

    it("list returns entries below the directory at any depth, not siblings sharing the prefix", async () => {
      await store.put(`${base}/dir/a`, "1");
      await store.put(`${base}/dir/sub/b`, "2");
      await store.put(`${base}/dirx/c`, "3");
      const keys = (await store.list(`${base}/dir`)).map((e) => e.key).sort();
      expect(keys).toEqual([`${base}/dir/a`, `${base}/dir/sub/b`]);
      expect(await store.list(`${base}/nothing`)).toEqual([]);
    });

    it("watch signals puts and deletes below the directory, not outside it", async () => {
      let signals = 0;
      const w = await store.watch(`${base}/w`, () => signals++);
      try {
        await store.put(`${base}/other`, "x");
        await sleep(300);
        expect(signals).toBe(0);
        await store.put(`${base}/w/g1`, "1");
        await waitFor(() => signals > 0, 3000);
        const before = signals;
        await store.delete(`${base}/w/g1`);
        await waitFor(() => signals > before, 3000);
      } finally {
        await w.close();
      }
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
