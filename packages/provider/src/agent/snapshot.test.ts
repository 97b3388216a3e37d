import { MemoryStore } from "../store/memory";
import type { KvEntry } from "../store/types";
import { StoreSnapshot } from "./snapshot";

describe("StoreSnapshot", () => {
  let store: MemoryStore;
  let snapshot: StoreSnapshot;
  let lists: number;
  beforeEach(async () => {
    store = new MemoryStore();
    await store.put("/d/a", "1");
    await store.put("/d/b", "1");
    const list = store.list.bind(store);
    lists = 0;
    store.list = (dir: string) => (lists++, list(dir));
    snapshot = new StoreSnapshot(store, "/d");
  });
  const keys = (xs: KvEntry[]) => xs.map((e) => e.key).sort();

  it("lists everything first, then reads only the keys named as changed", async () => {
    expect(keys((await snapshot.read()).entries)).toEqual(["/d/a", "/d/b"]);
    await store.put("/d/a", "2");
    await store.delete("/d/b");
    await store.put("/d/c", "1");
    snapshot.changed(["/d/a", "/d/b", "/d/c"]);
    const r = await snapshot.read();
    expect(lists).toBe(1);
    expect(keys(r.entries)).toEqual(["/d/a", "/d/c"]);
    expect(keys(r.changed.puts)).toEqual(["/d/a", "/d/c"]);
    expect(r.changed.deletes).toEqual(["/d/b"]);
  });

  it("reports what a full list changed, and nothing for a key signalled twice", async () => {
    await snapshot.read();
    await store.put("/d/b", "2");
    snapshot.changed();
    expect(keys((await snapshot.read()).changed.puts)).toEqual(["/d/b"]);
    snapshot.changed(["/d/b"]);
    expect((await snapshot.read()).changed).toEqual({ puts: [], deletes: [] });
  });

  it("keeps the changes pending when a read fails", async () => {
    await snapshot.read();
    await store.put("/d/a", "2");
    snapshot.changed(["/d/a"]);
    const get = store.get.bind(store);
    store.get = async () => {
      throw new Error("down");
    };
    await expect(snapshot.read()).rejects.toThrow("down");
    store.get = get;
    expect(keys((await snapshot.read()).changed.puts)).toEqual(["/d/a"]);
  });
});
