/**
 * Access logs → live metrics and the search cluster, on both flavours users run (OpenSearch and
 * Elasticsearch 8), with real HAProxy, agent and backends: 10,000 requests at a known mix through
 * a 90/10 gateway give exact per-route and 5xx counts and a p95 within 5% of the client's own, from
 * the agents' live buckets and from the search cluster alike; a 60 s search outage under
 * 200 requests/s loses no line and does not slow serving.
 */
import { openTestStore } from "../../support/testbed";
import { requireServices } from "../../support/testbed";
import { writeGateway } from "../agent/harness";
import { liveMetrics, searchMetrics } from "../../../packages/provider/src/cli/traffic";
import type { GatewayMetrics } from "../../../packages/provider/src/metrics/window";
import {
  countDocs,
  deleteIndices,
  measure,
  nearestRank,
  searchNode,
  startAgentProcess,
  startMixBackend,
  startTcpProxy,
  steady,
  type Flavor,
  type Sample,
} from "./harness";
import { freePort } from "../../support/traffic";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT, testbedEnv } from "../../support/testbed";

jest.setTimeout(300_000);

/** The known mix: 4% 500, about 6% 404, the rest 200; delays spread over 0-99 ms. */
function mixPaths(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `/s/${i % 25 === 0 ? 500 : i % 17 === 0 ? 404 : 200}/${(i * 37) % 100}`);
}

/** Per backend: requests, 5xx, the client's p95 (ms). */
function clientView(samples: Sample[]) {
  const out: Record<string, { requests: number; s5xx: number; p95: number }> = {};
  for (const id of new Set(samples.map((s) => s.backend))) {
    const mine = samples.filter((s) => s.backend === id);
    out[id] = {
      requests: mine.length,
      s5xx: mine.filter((s) => s.status >= 500).length,
      p95: nearestRank(
        mine.map((s) => s.ms),
        0.95,
      ),
    };
  }
  return out;
}

/** The measured figures, one line each, for the closing notes. */
function figures(what: string, values: Record<string, unknown>): void {
  process.stdout.write(`figures: ${what}: ${JSON.stringify(values, (_k, v: unknown) => (typeof v === "number" ? Math.round(v * 100) / 100 : v))}\n`);
}

const within = (a: number, b: number, tolerance: number) => Math.abs(a - b) / b <= tolerance;

describe.each<Flavor>(["opensearch", "elasticsearch"])("access logs on %s", (flavor) => {
  const node = () => searchNode(flavor);
  const tenant = { organization: "acme", environment: `l${flavor.slice(0, 2)}${Date.now().toString(36)}` };
  const index = `vamp-acme-${tenant.environment}-gateway-logs-*`;

  beforeAll(async () => {
    await requireServices("etcd", node().service);
  });
  afterAll(async () => {
    await deleteIndices(node().url, `vamp-acme-${tenant.environment}-*`);
  });

  it("10,000 requests at a known mix through 90/10: exact counts and a p95 within 5% of the client's, live and from search", async () => {
    const [v1, v2] = [await startMixBackend("v1"), await startMixBackend("v2")];
    const agent = await startAgentProcess(tenant, ["--search-url", node().url, "--search-flavor", flavor, "--agent-id", `mix-${flavor}`]);
    const store = openTestStore("etcd");
    try {
      const port = await freePort();
      await writeGateway(store, tenant, "shop", {
        port: `${port}/http`,
        routes: { [`[127.0.0.1:${v1.port}]`]: { weight: 90 }, [`[127.0.0.1:${v2.port}]`]: { weight: 10 } },
      });
      for (let i = 0; !(await agent.status()).inSync || !Object.keys((await agent.status()).revisions).length; i++) {
        if (i > 100) throw new Error("the agent did not apply the gateway");
        await new Promise((r) => setTimeout(r, 100));
      }
      const from = Math.floor(Date.now() / 1000) * 1000;
      const samples = await measure(`http://127.0.0.1:${port}`, mixPaths(10_000), 32);
      const to = Math.ceil((Date.now() + 1) / 1000) * 1000;
      expect(samples.filter((s) => s.status === 0)).toEqual([]); // every request answered
      const client = clientView(samples);
      expect(client.v1.requests + client.v2.requests).toBe(10_000);
      expect(client.v2.requests / 10_000).toBeGreaterThan(0.08); // the split is real: about 10%
      expect(client.v2.requests / 10_000).toBeLessThan(0.12);

      // Every line received and shipped.
      for (let i = 0; ; i++) {
        const s = (await agent.status()).logs;
        if (s.received >= 10_000 && s.shipped >= s.received && s.spoolBytes === 0) break;
        if (i > 300) throw new Error(`not shipped within 30 s: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await agent.status()).logs).toMatchObject({ received: 10_000, malformed: 0, shipped: 10_000, refused: 0, dropped: 0 });
      expect(await countDocs(node().url, index)).toBe(10_000);

      const live = (await liveMetrics(store, tenant, "shop", { from, to })).metrics;
      const search = await searchMetrics({ url: node().url, flavor }, tenant, "shop", { from, to });
      const route = (m: GatewayMetrics, b: { port: number }) => m.routes.find((r) => r.route === `[127.0.0.1:${b.port}]`)!;
      for (const m of [live, search]) {
        expect(m.requests).toBe(10_000);
        for (const [b, id] of [
          [v1, "v1"],
          [v2, "v2"],
        ] as const) {
          const r = route(m, b);
          expect([m.source, id, r.requests, r.status["5xx"] ?? 0]).toEqual([m.source, id, client[id].requests, client[id].s5xx]);
          expect(r.status["4xx"]).toBe(samples.filter((s) => s.backend === id && s.status === 404).length);
          // The proxy's request time against the client's own: the same requests, seen from two ends.
          expect({ source: m.source, id, p95: r.p95, client: client[id].p95, ok: within(r.p95!, client[id].p95, 0.05) }).toMatchObject({ ok: true });
        }
        expect(m.health).toBe(0); // 5xx happened in the window
      }
      figures(`${flavor} mix`, {
        clientP95: [client.v1.p95, client.v2.p95],
        liveP95: [route(live, v1).p95, route(live, v2).p95],
        searchP95: [route(search, v1).p95, route(search, v2).p95],
      });
      // The two sources agree: counts exactly, quantiles within 2%.
      for (const b of [v1, v2]) expect(within(route(live, b).p95!, route(search, b).p95!, 0.02)).toBe(true);

      // The CLI says the same (JSON).
      const cli = spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, "packages/provider/bin/vamp.js"),
          ...["metrics", "shop", "--source", "search", "--search-url", node().url, "--organization", tenant.organization, "--environment", tenant.environment],
          ...["--store", "etcd", "--endpoints", testbedEnv().VAMP_ETCD_ENDPOINT, "--window", "10m", "--output", "json"],
        ],
        { encoding: "utf8" },
      );
      expect(cli.stderr).toBe("");
      expect((JSON.parse(cli.stdout) as GatewayMetrics).requests).toBe(10_000);
    } finally {
      await agent.stop();
      await store.close();
      await v1.close();
      await v2.close();
    }
  });

  if (flavor === "elasticsearch")
    it("a 60 s search outage under 200 requests/s: every line arrives afterwards, serving latency unchanged", async () => {
      const backend = await startMixBackend("v1");
      const proxy = await startTcpProxy(node().url);
      const env = `${tenant.environment}o`;
      const t = { ...tenant, environment: env };
      const agent = await startAgentProcess(t, ["--search-url", proxy.url, "--search-flavor", flavor, "--agent-id", "outage"]);
      const store = openTestStore("etcd");
      try {
        const port = await freePort();
        await writeGateway(store, t, "shop", { port: `${port}/http`, routes: { [`[127.0.0.1:${backend.port}]`]: { weight: 100 } } });
        for (let i = 0; !Object.keys((await agent.status()).revisions).length; i++) {
          if (i > 100) throw new Error("the agent did not apply the gateway");
          await new Promise((r) => setTimeout(r, 100));
        }
        const url = `http://127.0.0.1:${port}/s/200/5`;
        const before = await steady(url, 200, 15_000);
        proxy.down();
        const during = await steady(url, 200, 60_000);
        const spooled = (await agent.status()).logs;
        expect(spooled.spoolBytes).toBeGreaterThan(0); // the outage was real: lines waited
        expect(spooled.lastError).toBeDefined();
        await proxy.up();
        for (let i = 0; ; i++) {
          const s = (await agent.status()).logs;
          if (s.spoolBytes === 0 && s.shipped >= s.received) break;
          if (i > 600) throw new Error(`not shipped within 60 s after the outage: ${JSON.stringify(s)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const answered = [...before, ...during].filter((s) => s.status === 200).length;
        expect(answered).toBe(before.length + during.length);
        expect((await agent.status()).logs).toMatchObject({ received: answered, shipped: answered, dropped: 0, refused: 0 });
        expect(await countDocs(node().url, `vamp-acme-${env}-gateway-logs-*`)).toBe(answered);
        const p99 = (s: Sample[]) =>
          nearestRank(
            s.map((x) => x.ms),
            0.99,
          );
        figures(`${flavor} outage`, { requests: answered, spooledBytes: spooled.spoolBytes, p99BeforeMs: p99(before), p99DuringMs: p99(during) });
        // Serving does not wait on the search cluster: the same p99 within noise.
        expect({ before: p99(before), during: p99(during), ok: p99(during) <= p99(before) * 1.5 + 5 }).toMatchObject({ ok: true });
      } finally {
        await agent.stop();
        await store.close();
        await proxy.close();
        await backend.close();
        await deleteIndices(node().url, `vamp-acme-${env}-*`);
      }
    });
});
