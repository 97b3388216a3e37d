import { emptyHistogram, observe } from "./histogram";
import { mergeSeries, type SecondCounts } from "./series";

const at = (second: number, route: string, requests: number, fivexx: number, ms: number): SecondCounts => {
  const latency = emptyHistogram();
  observe(latency, ms, requests);
  return { gateway: "shop", route, requests, status: { "2xx": requests - fivexx, "5xx": fivexx }, bytes: 0, latency, second };
};

describe("mergeSeries", () => {
  it("adds the agents' counts per second and route, fills quiet seconds, and drops what is outside the span", () => {
    const a = [at(1000, "v1", 9, 0, 10), at(2000, "v1", 9, 1, 10), at(9000, "v1", 5, 0, 10)];
    const b = [at(1000, "v1", 1, 0, 10), at(1000, "v2", 2, 2, 300)];
    const s = mergeSeries("shop", [a, b], 1000, 4000);
    expect(s.seconds).toEqual([1000, 2000, 3000]);
    expect(s.routes.map((r) => [r.route, r.requests, r.errors])).toEqual([
      ["v1", [10, 9, 0], [0, 1, 0]],
      ["v2", [2, 0, 0], [2, 0, 0]],
    ]);
    expect(s.routes[0].p95[2]).toBeNull();
    expect(s.routes[1].p95[0]).toBeGreaterThan(s.routes[0].p95[0]!);
  });
});
