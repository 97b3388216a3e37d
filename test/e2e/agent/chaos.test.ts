/**
 * The proxy dies under the agent (issue 13, item 4): HAProxy 2.6 takes its master down with a
 * killed worker, and a killed master takes its workers. The agent's watchdog starts it again
 * from the last applied configuration and serving resumes (how soon, and how many requests
 * failed in flight or in that gap, is printed).
 */
import * as http from "node:http";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { openTestStore, requireServices } from "../../support/testbed";
import { freePort, getOnce, LoadClient, startBackend, type Backend } from "../../support/traffic";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(120_000);

describe("the proxy killed under the agent", () => {
  const tenant = { organization: "e2e", environment: `chaos${Date.now().toString(36)}` };
  let store: KeyValueStore;
  let a: Backend, b: Backend;
  let t: AgentUnderTest;
  let url: string;

  beforeAll(async () => {
    await requireServices("etcd");
    store = openTestStore("etcd");
    [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    await writeGateway(store, tenant, "web", splitSpec(port, { [`127.0.0.1:${a.port}`]: 50, [`127.0.0.1:${b.port}`]: 50 }));
    t = await startAgent(openTestStore("etcd"), tenant);
  });

  afterAll(async () => {
    await t?.stop();
    for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await Promise.all([a, b].map((x) => x?.close()));
  });

  /** Kills `pid`, then measures until a fresh connection is answered again. */
  async function killAndRecover(what: "worker" | "master"): Promise<{ downMs: number; failed: number; total: number }> {
    const before = (await t.agent.haproxy.state())!;
    const load = new LoadClient(url, 4, 60_000).start();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    process.kill(what === "worker" ? before.workers[0] : before.masterPid, "SIGKILL");
    await until(
      async () => {
        const fresh = new http.Agent({ keepAlive: false });
        try {
          return (await getOnce(url, fresh)).status === 200;
        } catch {
          return false;
        } finally {
          fresh.destroy();
        }
      },
      5000,
      `serving again after the ${what} was killed`,
    );
    const downMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    const tally = await load.stop();
    const after = (await t.agent.haproxy.state())!;
    expect(after.masterPid).not.toBe(before.masterPid);
    return { downMs, failed: tally.failed, total: tally.total };
  }

  // Serving again is awaited (5 s at most); how soon is printed, not asserted (no timed tests).
  it.each(["worker", "master"] as const)("a killed %s: HAProxy is started again and serves", async (what) => {
    const r = await killAndRecover(what);
    console.log(`[chaos] ${what} killed: serving again after ${r.downMs.toFixed(0)} ms; ${r.failed} of ${r.total} requests failed (in flight or in the gap)`);
    expect(t.events.some((e) => e.event === "proxy-down")).toBe(true);
    await until(() => t.agent.getStatus().ready, 2000, "ready again");
  });

  // A master busy re-reading thousands of gateways does not answer its socket for seconds;
  // stopping it (SIGSTOP) does the same. Its workers serve on; no second HAProxy may start.
  it("a master that does not answer for 3 s is not taken for dead", async () => {
    const before = (await t.agent.haproxy.state())!;
    const downs = t.events.filter((e) => e.event === "proxy-down").length;
    const load = new LoadClient(url, 4, 60_000).start();
    process.kill(before.masterPid, "SIGSTOP");
    try {
      await new Promise((r) => setTimeout(r, 3000));
      await t.agent.trigger(); // a sync meanwhile must not start another HAProxy either
    } finally {
      process.kill(before.masterPid, "SIGCONT");
    }
    const tally = await load.stop();
    const after = (await t.agent.haproxy.state())!;
    expect(after.masterPid).toBe(before.masterPid);
    expect(t.events.filter((e) => e.event === "proxy-down")).toHaveLength(downs);
    expect(tally.failed).toBe(0);
  });
});
