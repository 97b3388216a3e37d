import { shared } from "./shared";

describe("shared: one answer for the callers within a short time", () => {
  it("shares a running load and a recent answer per key; asks again after the time, and after a failure", async () => {
    let clock = 0;
    const asked: string[] = [];
    let fail = false;
    const load = shared(
      1000,
      async (k) => {
        asked.push(k);
        await new Promise((r) => setImmediate(r));
        if (fail) throw new Error("away");
        return `${k}@${clock}`;
      },
      () => clock,
    );
    expect(await Promise.all([load("a"), load("a"), load("b")])).toEqual(["a@0", "a@0", "b@0"]);
    expect(asked).toEqual(["a", "b"]);
    clock = 1000;
    expect(await load("a")).toBe("a@0"); // within the time
    clock = 1001;
    fail = true;
    await expect(load("a")).rejects.toThrow("away");
    fail = false;
    expect(await load("a")).toBe("a@1001"); // the failure was not kept
    expect(asked).toEqual(["a", "b", "a", "a"]);
  });
});
