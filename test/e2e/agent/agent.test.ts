/**
 * The gateway agent against real stores and a real HAProxy, under load from a concurrent client.
 * Every scenario asserts 0 failed requests; weight changes must not reload HAProxy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { startServices, stopServices } from "../../../testbed/services";
import { openTestStore, requireServices, STORE_SERVICE, e2eStores } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, shares, startBackend, type Backend } from "../../support/traffic";
import { agentStatusSource } from "../../../packages/provider/src/agent/health";
import { serveStatus } from "../../../packages/provider/src/infra/http-status";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(180_000);

const kinds = e2eStores();
const stores: [string, () => KeyValueStore, string][] = kinds.map((k) => [k, () => openTestStore(k), STORE_SERVICE[k]]);

describe.each(stores)("gateway agent on %s", (_name, openStore, service) => {
  // Clients still running when a test fails are stopped here, so a failure never hangs the suite.
  const loads: LoadClient[] = [];
  const startLoad = (u: string, n = 4) => {
    const l = new LoadClient(u, n, 120_000).start();
    loads.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(loads.splice(0).map((l) => l.stop()));
  });
  let store: KeyValueStore;
  let a: Backend, b: Backend, c: Backend;
  let t: AgentUnderTest;
  const tenant = { organization: "e2e", environment: `agent${Date.now().toString(36)}` };
  let port: number;
  let url: string;
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;

  beforeAll(async () => {
    await requireServices(service);
    store = openStore();
    [a, b, c] = await Promise.all([startBackend("a"), startBackend("b"), startBackend("c")]);
    port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 100, [addr(b)]: 0 }));
    // The agent has its own client, as it would in its own process.
    t = await startAgent(openStore(), tenant);
  });

  afterAll(async () => {
    // Every client is closed even when the clean-up fails: an open store client would keep Jest alive.
    try {
      await t?.stop();
      for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    } finally {
      await store?.close();
      await Promise.all([a, b, c].map((x) => x?.close()));
    }
  });

  it("serves the stored gateway at start", async () => {
    const tally = await sendRequests(url, 200);
    expect(tally.failed).toBe(0);
    expect(tally.byBackend).toEqual({ a: 200 });
  });

  it("applies 100 consecutive weight changes with 0 failed requests and no reload", async () => {
    const before = await t.agent.haproxy.state();
    const load = startLoad(url);
    for (let i = 1; i <= 100; i++) {
      const wa = i % 2 ? 90 : 10;
      await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: wa, [addr(b)]: 100 - wa }));
      await until(() => t.agent.getStatus().counters.runtimeUpdates >= i, 2000, `weight change ${i} applied`);
    }
    const tally = await load.stop();
    const after = await t.agent.haproxy.state();
    console.log(`[agent ${_name}] 100 weight changes: ${tally.total} requests, ${tally.failed} failed, reloads ${t.agent.getStatus().counters.reloads}`);
    expect(tally.failed).toBe(0);
    expect(after?.masterPid).toBe(before?.masterPid);
    expect(after?.workers).toEqual(before?.workers);
    expect(t.agent.getStatus().counters.reloads).toBe(0);
    // the last write (i = 100: a 10 / b 90) is what HAProxy serves
    const s = shares(await sendRequests(url, 2000));
    expect(s.b).toBeGreaterThan(85);
  });

  it("flips 100/0 to 0/100 and back 100 times with 0 failed requests (no moment without a server)", async () => {
    const load = startLoad(url);
    const before = t.agent.getStatus().counters.runtimeUpdates;
    for (let i = 1; i <= 100; i++) {
      const wa = i % 2 ? 0 : 100;
      await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: wa, [addr(b)]: 100 - wa }));
      await until(() => t.agent.getStatus().counters.runtimeUpdates >= before + i, 2000, `flip ${i} applied`);
    }
    const tally = await load.stop();
    expect(tally.failed).toBe(0);
  });

  it("applies 20 structural changes with 0 failed requests on the gateway that stayed", async () => {
    const load = startLoad(url);
    const extraPort = await freePort();
    const before = t.agent.getStatus().counters.reloads;
    for (let i = 0; i < 20; i++) {
      let web: string;
      let extra: string | undefined;
      if (i % 2 === 0) {
        // add a route to the gateway under load and a second gateway
        web = await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 50, [addr(b)]: 50, [addr(c)]: 0 }));
        extra = await writeGateway(store, tenant, "shop/extra", splitSpec(extraPort, { [addr(c)]: 100 }));
      } else {
        web = await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 50, [addr(b)]: 50 }));
        await store.delete(`/vamp/${tenant.organization}/${tenant.environment}/gateways/${encodeURIComponent("shop/extra")}`);
      }
      // Wait for exactly this state to be applied, not for any reload: an intermediate state
      // (one key written, the other not yet) also reloads.
      const applied = () => {
        const r = t.agent.getStatus().revisions;
        return r["shop/web"] === web && r["shop/extra"] === extra;
      };
      await until(applied, 10_000, `structural change ${i} applied`).catch((e: Error) => {
        throw new Error(
          `${e.message}; want web ${web} extra ${extra}, status ${JSON.stringify(t.agent.getStatus().revisions)} ${JSON.stringify(t.agent.getStatus().counters)} ${t.agent.getStatus().lastError ?? ""}; events ${JSON.stringify(t.events.slice(-4))}`,
        );
      });
    }
    const tally = await load.stop();
    console.log(`[agent ${_name}] 20 structural changes: ${tally.total} requests, ${tally.failed} failed, reloads ${t.agent.getStatus().counters.reloads}`);
    expect(tally.failed).toBe(0);
    expect(t.agent.getStatus().counters.reloads - before).toBeGreaterThanOrEqual(20);
  });

  it("reports liveness, readiness, the applied revisions and per-route metrics over HTTP", async () => {
    const listen = { host: "127.0.0.1", port: await freePort() };
    const server = await serveStatus(agentStatusSource({ getStatus: () => t.agent.getStatus(), stats: () => t.agent.runtime.stats() }), listen);
    try {
      await sendRequests(url, 300);
      const base = `http://${listen.host}:${listen.port}`;
      const get = async (p: string) => {
        const r = await fetch(base + p);
        return { status: r.status, text: await r.text() };
      };
      expect((await get("/healthz")).status).toBe(200);
      expect((await get("/readyz")).status).toBe(200);
      const entry = await store.get(`/vamp/${tenant.organization}/${tenant.environment}/gateways/shop%2Fweb`);
      // The status reports the revision the agent applied; it catches up with the store's.
      await until(async () => JSON.parse((await get("/status")).text).revisions["shop/web"] === entry?.revision, 3000, "status shows the stored revision");
      const metrics = (await get("/metrics")).text;
      const served = [...metrics.matchAll(/^vamp_route_requests_total\{gateway="shop\/web",route="([^"]+)"\} (\d+)$/gm)];
      const routes = (JSON.parse((await get("/status")).text).routes as { gateway: string; route: string }[])
        .filter((r) => r.gateway === "shop/web")
        .map((r) => r.route);
      expect(served.map((m) => m[1]).sort()).toEqual(routes.sort());
      expect(routes).toEqual(expect.arrayContaining([`[${addr(a)}]`, `[${addr(b)}]`]));
      expect(served.reduce((sum, m) => sum + Number(m[2]), 0)).toBeGreaterThanOrEqual(300);
      expect(metrics).toMatch(/^vamp_route_http_5xx_total\{gateway="shop\/web",route="[^"]+"\} 0$/m);
      expect(metrics).toMatch(/^vamp_agent_reloads_total \d+$/m);
    } finally {
      server.close();
    }
  });

  it("rejects an invalid gateway and keeps serving the previous one", async () => {
    const rejected = t.agent.getStatus().counters.rejected;
    await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 70, [addr(b)]: 70 })); // sums to 140
    await until(() => t.agent.getStatus().counters.rejected > rejected, 3000, "invalid gateway rejected");
    expect(t.agent.getStatus().rejected["shop/web"].errors.join(" ")).toMatch(/weight/i);
    const tally = await sendRequests(url, 1000);
    expect(tally.failed).toBe(0);
    expect(Math.abs(shares(tally).a - 50)).toBeLessThan(8); // still the last good 50/50
  });

  // How soon the change applies after the outage is printed, not asserted (no timed tests).
  it("keeps serving through a 30 s store outage and converges after it", async () => {
    await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 100, [addr(b)]: 0 }));
    await until(async () => (await sendRequests(url, 50)).byBackend.a === 50, 15_000, "100% on a");
    const load = startLoad(url);
    await stopServices([service]);
    try {
      await new Promise((r) => setTimeout(r, 30_000));
      expect(t.agent.getStatus().storeHealthy).toBe(false);
    } finally {
      await startServices([service]);
    }
    // The test's own client may need a few seconds to reconnect (ZooKeeper's session): retry
    // the write until the store takes it; the agent's convergence is measured from then.
    await until(
      () =>
        writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 0, [addr(b)]: 100 })).then(
          () => true,
          () => false,
        ),
      30_000,
      "the store accepts writes after the outage",
    );
    const written = performance.now();
    let firstB = 0;
    const probe = new LoadClient(url, 2, 30_000);
    probe.onAnswer = (backend, at) => {
      if (backend === "b" && !firstB) firstB = at;
    };
    loads.push(probe.start());
    await until(() => firstB > 0, 10_000, "change after the outage applied").catch((e: Error) => {
      throw new Error(`${e.message}; agent status ${JSON.stringify(t.agent.getStatus())}; last events ${JSON.stringify(t.events.slice(-5))}`);
    });
    await probe.stop();
    const tally = await load.stop();
    console.log(`[agent ${_name}] outage: ${tally.total} requests, ${tally.failed} failed; change applied ${Math.round(firstB - written)} ms after the write`);
    expect(tally.failed).toBe(0);
  });

  it("restarts without a failed request and without an empty configuration", async () => {
    const load = startLoad(url);
    const workDir = t.workDir;
    await t.stop({ keepHaproxy: true });
    const cfgWhileDown = fs.readFileSync(path.join(workDir, "haproxy.cfg"), "utf8");
    expect(cfgWhileDown).toContain(String(port));
    t = await startAgent(openStore(), tenant, { workDir });
    const tally = await load.stop();
    expect(tally.failed).toBe(0);
    expect(fs.readFileSync(path.join(workDir, "haproxy.cfg"), "utf8")).toContain(String(port));
    expect(t.agent.getStatus().ready).toBe(true);
  });
});
