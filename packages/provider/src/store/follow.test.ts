import { followDir } from "./follow";
import { MemoryStore } from "./memory";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("followDir", () => {
  it("reads the directory at start, on a change, and at the time the handler asked for, never twice at once", async () => {
    const store = new MemoryStore();
    await store.put("/d/a", "1");
    const seen: { at: number; values: string[] }[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const t0 = Date.now();
    const f = await followDir(
      store,
      "/d",
      async (entries) => {
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        seen.push({ at: Date.now() - t0, values: entries.map((e) => e.value) });
        await sleep(20);
        concurrent--;
        return Date.now() < t0 + 300 ? t0 + 300 : undefined; // one time to wake at, as a lease's end
      },
      { log: () => undefined, what: "test", resyncMs: 60_000 },
    );
    expect(seen).toHaveLength(1);
    await store.put("/d/b", "2");
    await sleep(100);
    expect(seen[seen.length - 1].values).toEqual(["1", "2"]);
    const afterChange = seen.length;
    await sleep(400);
    expect(seen.length).toBe(afterChange + 1); // the timed wake, then nothing until the next change
    expect(seen[seen.length - 1].at).toBeGreaterThanOrEqual(280);
    await sleep(300);
    expect(seen.length).toBe(afterChange + 1);
    f.kick();
    await sleep(50);
    expect(seen.length).toBe(afterChange + 2);
    expect(maxConcurrent).toBe(1);
    await f.close();
    await store.put("/d/c", "3");
    await sleep(50);
    expect(seen.length).toBe(afterChange + 2);
  });

  it("logs a failing handler and tries again a second later", async () => {
    const store = new MemoryStore();
    const lines: Record<string, unknown>[] = [];
    let calls = 0;
    const f = await followDir(
      store,
      "/d",
      async () => {
        if (++calls === 1) throw new Error("store away");
        return undefined;
      },
      { log: (l) => lines.push(l), what: "test", resyncMs: 60_000 },
    );
    await sleep(1200);
    await f.close();
    expect(lines).toEqual([{ event: "test-error", message: "store away" }]);
    expect(calls).toBe(2);
  });
});
