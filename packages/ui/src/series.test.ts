import type { GatewaySeries } from "@vamp-pulumi/provider";
import { measuredSplit, mergeTail, SPAN_MS } from "./series";

const series = (seconds: number[], routes: Record<string, number[]>): GatewaySeries => ({
  gateway: "shop",
  seconds,
  routes: Object.entries(routes).map(([route, requests]) => ({ route, requests, errors: requests.map(() => 0), p95: requests.map(() => null) })),
});

describe("the page's series", () => {
  it("lays the newest seconds over what it had, keeps the older ones, and adds a route that appeared", () => {
    const now = 100_000;
    const had = series([95_000, 96_000, 97_000], { a: [1, 2, 3] });
    const next = series([96_000, 97_000, 98_000], { a: [2, 4, 5], b: [0, 1, 1] });
    const m = mergeTail(had, next, now);
    expect(m.seconds).toEqual([95_000, 96_000, 97_000, 98_000]);
    expect(m.routes.map((r) => [r.route, r.requests])).toEqual([
      ["a", [1, 2, 4, 5]],
      ["b", [0, 0, 1, 1]],
    ]);
  });
  it("drops seconds older than the span", () => {
    const now = SPAN_MS + 10_000;
    const m = mergeTail(series([1_000, 2_000, 10_000], { a: [1, 1, 1] }), series([now - 1000], { a: [7] }), now);
    expect(m.seconds).toEqual([10_000, now - 1000]);
  });
  it("measures each route's share of the last 10 s", () => {
    const s = series(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((x) => x * 1000),
      { a: Array(11).fill(9), b: Array(11).fill(1) },
    );
    expect(measuredSplit(s)).toEqual({ total: 100, shares: { a: 90, b: 10 } });
    expect(measuredSplit(undefined)).toEqual({ total: 0, shares: {} });
  });
});
