import { eventDue, timeDue, type TimeState } from "./due";
import { addPeriods, lastTick, parsePeriod } from "./period";

describe("ISO-8601 periods", () => {
  it("parses fixed lengths and calendar months; refuses the empty and the malformed", () => {
    expect(parsePeriod("PT1M")).toEqual({ months: 0, ms: 60_000 });
    expect(parsePeriod("P1DT2H")).toEqual({ months: 0, ms: 26 * 3600_000 });
    expect(parsePeriod("P1Y2M")).toEqual({ months: 14, ms: 0 });
    expect(parsePeriod("PT0S")).toBeUndefined();
    expect(parsePeriod("1 minute")).toBeUndefined();
    expect(new Date(addPeriods(Date.UTC(2026, 0, 15), parsePeriod("P1M")!, 2)).toISOString()).toBe("2026-03-15T00:00:00.000Z");
    expect(lastTick(0, parsePeriod("PT1S")!, 0, 5_500)).toBe(5);
    expect(lastTick(0, parsePeriod("PT1S")!, 7, 5_500)).toBeUndefined();
  });
});

describe("time schedules", () => {
  const s = { period: "PT1S", repeat: 10 };
  it("run exactly `repeat` times, one per tick", () => {
    let state: TimeState = { nextTick: 0, runs: 0 };
    let runs = 0;
    for (let now = 0; now < 30_000; now += 100) {
      const d = timeDue(s, 0, state, false, now);
      if (d.action === "run") runs++;
      state = d.state;
    }
    expect([runs, state.runs]).toEqual([10, 10]);
    expect(timeDue(s, 0, state, false, 60_000)).toMatchObject({ action: "done", reason: "ran 10 of 10 times" });
  });
  it("say when the next tick comes, and nothing once done", () => {
    expect(timeDue(s, 1_000, { nextTick: 0, runs: 0 }, false, 500)).toMatchObject({ action: "wait", nextAt: 1_000 });
    expect(timeDue(s, 1_000, { nextTick: 0, runs: 0 }, false, 1_200)).toMatchObject({ action: "run", nextAt: 2_000 });
    expect(timeDue(s, 1_000, { nextTick: 2, runs: 2 }, true, 3_100)).toMatchObject({ action: "skip", nextAt: 4_000 });
    expect(timeDue(s, 0, { nextTick: 9, runs: 9 }, false, 9_000).nextAt).toBeUndefined();
  });
  it("skip a tick while the previous run still runs, and collapse missed ticks into one run", () => {
    const skipped = timeDue(s, 0, { nextTick: 3, runs: 3 }, true, 3_200);
    expect([skipped.action, skipped.state, skipped.reason]).toEqual(["skip", { nextTick: 4, runs: 3 }, "tick 4 skipped: the previous run still runs"]);
    expect(timeDue(s, 0, { nextTick: 1, runs: 1 }, false, 9_500)).toMatchObject({ action: "run", state: { nextTick: 10, runs: 2 } });
    expect(timeDue({ period: "PT1M", start: "2026-12-01T00:00:00Z" }, 0, { nextTick: 0, runs: 0 }, false, Date.parse("2026-11-30T23:59:59Z")).action).toBe(
      "wait",
    );
  });
});

describe("event schedules", () => {
  it("start on an event carrying all of the schedule's tags (a:b matches a)", () => {
    const s = { event: { tags: ["deployments:shop", "deployed"] } };
    expect(eventDue(s, { tags: ["deployments:shop", "deployments", "deployed", "environments:prod"] })).toBe(true);
    expect(eventDue(s, { tags: ["deployments:shop"] })).toBe(false);
    expect(eventDue({ daemon: true }, { tags: ["deployed"] })).toBe(false);
  });
});
