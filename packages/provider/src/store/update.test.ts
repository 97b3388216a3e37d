import { MemoryStore } from "./memory";
import { RevisionConflictError } from "./types";
import { updateEntry } from "./update";

describe("updateEntry", () => {
  it("keeps every concurrent writer's change (read-modify-write with CAS and retry)", async () => {
    const store = new MemoryStore();
    await store.put("/k", JSON.stringify({}));
    // Interleave: every writer reads before any writes, so all but one hit a conflict first.
    const real = store.get.bind(store);
    let reads = 0;
    store.get = async (k: string) => {
      const v = await real(k);
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return v;
    };
    await Promise.all(
      Array.from({ length: 8 }, (_, n) => updateEntry(store, "/k", (cur) => ({ put: JSON.stringify({ ...JSON.parse(cur!.value), [`w${n}`]: n }) }))),
    );
    const final = JSON.parse((await real("/k"))!.value);
    expect(final).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, n) => [`w${n}`, n])));
    expect(reads).toBeGreaterThan(8);
  });

  it("creates only when the key is absent, deletes at the read revision, and skips equal writes", async () => {
    const store = new MemoryStore();
    expect((await updateEntry(store, "/k", () => ({ put: "1" }))).changed).toBe(true);
    const same = await updateEntry(store, "/k", () => ({ put: "1" }));
    expect(same.changed).toBe(false);
    expect((await updateEntry(store, "/k", () => ({ delete: true }))).changed).toBe(true);
    expect(await store.get("/k")).toBeUndefined();
  });

  it("gives up with the key named when the key never settles", async () => {
    const store = new MemoryStore();
    store.put = async (key: string) => {
      throw new RevisionConflictError(key, null, "9");
    };
    await expect(updateEntry(store, "/busy", () => ({ put: "x" }), { attempts: 3 })).rejects.toThrow(/store key \/busy: still changing after 3 attempts/);
  });
});
