import { parseAccessLine } from "../logs/access-log";
import { emptyHistogram, mergeHistogram, observe, quantile } from "./histogram";
import { LiveBuckets } from "./live";
import { metricsQuery, readMetricsAnswer } from "./search-query";
import { mergeWindows, summarizeWindow } from "./window";

const line = (o: Record<string, unknown>) =>
  JSON.stringify({
    ts: 1_796_077_480_500,
    gateway: "shop",
    route: "v1",
    server: "s1",
    method: "GET",
    path: "/",
    query: "-",
    status: 200,
    time_ms: 10,
    response_ms: 9,
    bytes: 100,
    term: "----",
    ...o,
  });

describe("access-log lines", () => {
  it("reads an http line, keeping the query only when the gateway logged it", () => {
    const r = parseAccessLine(line({ query: "?a=1" }));
    expect(r).toEqual({
      ok: true,
      record: {
        ts: 1_796_077_480_500,
        gateway: "shop",
        route: "v1",
        server: "s1",
        protocol: "http",
        method: "GET",
        path: "/",
        query: "a=1",
        status: 200,
        timeMs: 10,
        responseMs: 9,
        bytes: 100,
        termination: "----",
      },
    });
    expect(parseAccessLine(line({})).ok && (parseAccessLine(line({})) as { record: { query?: string } }).record.query).toBeUndefined();
  });
  it("reads a tcp line and a request that got no response", () => {
    const tcp = parseAccessLine(JSON.stringify({ ts: 1, gateway: "db", route: "r", server: "s", time_ms: 5, bytes: 7, term: "--" }));
    expect(tcp.ok && tcp.record.protocol).toBe("tcp");
    const aborted = parseAccessLine(line({ status: -1, response_ms: -1, time_ms: -1 }));
    expect(aborted.ok && [aborted.record.status, aborted.record.responseMs, aborted.record.timeMs]).toEqual([undefined, undefined, 0]);
  });
  it("refuses what is not a log line, naming it", () => {
    expect(parseAccessLine("<134>garbage")).toEqual({ ok: false, reason: "not JSON: <134>garbage" });
    expect(parseAccessLine('{"ts":1}').ok).toBe(false);
  });
});

describe("histogram", () => {
  it("reads every quantile within 1% of the exact nearest-rank value", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 5000) / 10);
    const h = emptyHistogram();
    for (const v of values) observe(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      expect(Math.abs(quantile(h, q)! - exact) / exact).toBeLessThan(0.01);
    }
  });
  it("merges by adding counts: two halves read as the whole", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    const whole = emptyHistogram();
    for (let i = 0; i < 1000; i++) {
      observe(i % 2 ? a : b, i);
      observe(whole, i);
    }
    mergeHistogram(a, b);
    expect(a).toEqual(whole);
    expect(quantile(emptyHistogram(), 0.5)).toBeUndefined();
  });
});

describe("live buckets and windows", () => {
  const t0 = 1_796_077_480_000;
  const rec = (s: number, route: string, status: number, ms: number) => ({
    ts: t0 + s * 1000 + 300,
    gateway: "shop",
    route,
    protocol: "http" as const,
    status,
    timeMs: ms,
    bytes: 10,
    termination: "----",
  });
  it("counts each request in the second it completed; a window takes whole seconds [from, to)", () => {
    const live = new LiveBuckets();
    for (let s = 0; s < 10; s++) for (let i = 0; i < 9; i++) live.add(rec(s, "v1", 200, 10));
    for (let s = 0; s < 10; s++) live.add(rec(s, "v2", s === 5 ? 503 : 200, 20));
    const w = live.window(t0 + 2000, t0 + 7000, "shop");
    const m = summarizeWindow(w, "shop");
    expect(m.requests).toBe(50);
    expect(m.routes.map((r) => [r.route, r.requests, r.status, r.health])).toEqual([
      ["v1", 45, { "2xx": 45 }, 1],
      ["v2", 5, { "2xx": 4, "5xx": 1 }, 0],
    ]);
    expect(m.health).toBe(0); // the product of its routes'
    expect(m.rate).toBe(10);
    expect(summarizeWindow(live.window(t0 + 6000, t0 + 10_000), "shop").health).toBe(1);
  });
  it("merges the windows of several agents per route", () => {
    const a = new LiveBuckets();
    const b = new LiveBuckets();
    a.add(rec(0, "v1", 200, 10));
    b.add(rec(0, "v1", 500, 30));
    b.add(rec(0, "v2", 200, 30));
    const merged = summarizeWindow(mergeWindows([a.window(t0, t0 + 1000), b.window(t0, t0 + 1000)]), "shop", "v1");
    expect(merged.routes).toHaveLength(1);
    expect(merged.routes[0]).toMatchObject({ requests: 2, status: { "2xx": 1, "5xx": 1 }, errorRate: 0.5, health: 0 });
  });
  it("forgets seconds past its retention", () => {
    const live = new LiveBuckets(5000);
    live.add(rec(0, "v1", 200, 1));
    live.prune(t0 + 10_000);
    expect(live.window(t0, t0 + 10_000).routes).toEqual([]);
  });
});

describe("the windowed source's query and answer", () => {
  it("filters the gateway, the route and [from, to) in ms", () => {
    const q = metricsQuery("shop", 1000, 2000, "v1") as { query: { bool: { filter: unknown[] } } };
    expect(q.query.bool.filter).toEqual([
      { term: { gateway: "shop" } },
      { term: { route: "v1" } },
      { range: { "@timestamp": { gte: 1000, lt: 2000, format: "epoch_millis" } } },
    ]);
  });
  it("reads the aggregation answer as the same metrics as the live source", () => {
    const answer = {
      aggregations: {
        routes: {
          buckets: [
            {
              key: "v2",
              doc_count: 10,
              status: { buckets: { "1xx": { doc_count: 0 }, "2xx": { doc_count: 9 }, "5xx": { doc_count: 1 } } },
              bytes: { value: 1000 },
              latency: { values: { "50.0": 10, "95.0": 20, "99.0": 30 } },
            },
          ],
        },
      },
    };
    expect(readMetricsAnswer(answer, "shop", 0, 10_000)).toEqual({
      gateway: "shop",
      from: 0,
      to: 10_000,
      source: "search",
      requests: 10,
      rate: 1,
      errorRate: 0.1,
      health: 0,
      routes: [
        {
          gateway: "shop",
          route: "v2",
          requests: 10,
          rate: 1,
          status: { "2xx": 9, "5xx": 1 },
          errorRate: 0.1,
          bytes: 1000,
          p50: 10,
          p95: 20,
          p99: 30,
          health: 0,
        },
      ],
    });
  });
});
