/**
 * One gateway's bad record never holds back the others (issue 12, item 1): a record that
 * passes a shallow look but cannot be compiled sits beside healthy gateways, whose weight
 * changes still apply under traffic; the agent's status names the gateway it rejects and says
 * the applied state is behind the store. And a failed reload never leaves the refused
 * configuration on disk (item 2): a restart serves the previous one.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Applier } from "../../../packages/provider/src/agent/apply";
import { defaultEngine } from "../../../packages/provider/src/agent/default-engine";
import { HaproxyMaster } from "../../../packages/provider/src/haproxy/master";
import { RuntimeApi } from "../../../packages/provider/src/haproxy/runtime-api";
import { encodeRecord, gatewayKey } from "../../../packages/provider/src/record";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { openTestStore, requireServices, STORE_SERVICE, e2eStores } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, startBackend, type Backend } from "../../support/traffic";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(120_000);

const kinds = e2eStores();
/** 7 clauses of two alternatives: 128 in HAProxy's OR of ANDs, past the limit of 64. */
const HUGE = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");

describe.each(kinds)("a poisoned record beside healthy gateways, on %s", (kind) => {
  const tenant = { organization: "e2e", environment: `iso${Date.now().toString(36)}` };
  let store: KeyValueStore;
  let a: Backend, b: Backend;
  let t: AgentUnderTest;
  const ports: number[] = [];
  const url = (i: number) => `http://127.0.0.1:${ports[i]}/`;
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;

  beforeAll(async () => {
    await requireServices(STORE_SERVICE[kind]);
    store = openTestStore(kind);
    [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
    for (let i = 0; i < 3; i++) ports.push(await freePort());
    await writeGateway(store, tenant, "one", splitSpec(ports[0], { [addr(a)]: 90, [addr(b)]: 10 }));
    await writeGateway(store, tenant, "two", splitSpec(ports[1], { [addr(a)]: 90, [addr(b)]: 10 }));
    await writeGateway(store, tenant, "bad", splitSpec(ports[2], { [addr(a)]: 100 }));
    t = await startAgent(openTestStore(kind), tenant);
  });

  afterAll(async () => {
    await t?.stop();
    for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await Promise.all([a, b].map((x) => x?.close()));
  });

  it("applies the healthy gateways' weight changes while the bad one keeps its last good version", async () => {
    const load = [0, 1, 2].map((i) => new LoadClient(url(i), 2, 60_000).start());
    // The poison: valid JSON, a valid record shape, a condition HAProxy cannot express.
    const poisonRev = await store.put(
      gatewayKey(tenant, "bad"),
      encodeRecord({
        apiVersion: "vamp.io/v2",
        kind: "Gateway",
        name: "bad",
        spec: { port: ports[2], routes: { [`[${addr(a)}]`]: { weight: 100, condition: HUGE } } },
      }),
    );
    const revs: string[] = [];
    for (const w of [50, 20, 70]) {
      revs[0] = await writeGateway(store, tenant, "one", splitSpec(ports[0], { [addr(a)]: w, [addr(b)]: 100 - w }));
      revs[1] = await writeGateway(store, tenant, "two", splitSpec(ports[1], { [addr(a)]: 100 - w, [addr(b)]: w }));
      await until(
        () => t.agent.getStatus().revisions.one === revs[0] && t.agent.getStatus().revisions.two === revs[1],
        5000,
        `weights ${w}/${100 - w} applied`,
      );
    }
    const tallies = await Promise.all(load.map((l) => l.stop()));
    // The last split, over 1,000 requests (weighted round robin: exact to a request or two,
    // as a weight set at run time may start mid-cycle).
    const one = await sendRequests(url(0), 1000);
    const two = await sendRequests(url(1), 1000);
    expect(Math.abs(one.byBackend.a - 700)).toBeLessThanOrEqual(2);
    expect(one.byBackend.a + one.byBackend.b).toBe(1000);
    expect(Math.abs(two.byBackend.a - 300)).toBeLessThanOrEqual(2);
    expect(two.byBackend.a + two.byBackend.b).toBe(1000);
    // The bad gateway still serves its last good version.
    expect((await sendRequests(url(2), 100)).byBackend).toEqual({ a: 100 });
    console.log(
      `[isolation ${kind}] requests during the changes: ${tallies.map((x) => x.total).join(" / ")}, failed ${tallies.map((x) => x.failed).join(" / ")}`,
    );
    for (const x of tallies) expect(x.failed).toBe(0);

    const s = t.agent.getStatus();
    expect(s.rejected.bad).toMatchObject({ revision: poisonRev, serving: expect.any(String) });
    expect(s.rejected.bad.errors.join()).toMatch(/condition: ".*" expands to more than 64 alternatives/);
    expect(s.behind).toEqual({ bad: { store: poisonRev, serving: s.rejected.bad.serving } });
    expect(s.inSync).toBe(false);
    expect(t.events.filter((e) => e.event === "rejected" && e.gateway === "bad")).toHaveLength(1);
  });

  it("catches up when the record is mended", async () => {
    const rev = await writeGateway(store, tenant, "bad", splitSpec(ports[2], { [addr(a)]: 0, [addr(b)]: 100 }));
    await until(() => t.agent.getStatus().revisions.bad === rev, 5000, "mended record applied");
    const s = t.agent.getStatus();
    expect(s.rejected).toEqual({});
    expect(s.behind).toEqual({});
    expect(s.inSync).toBe(true);
    expect((await sendRequests(url(2), 100)).byBackend).toEqual({ b: 100 });
  });
});

describe("a reload HAProxy refuses", () => {
  let dir: string;
  let haproxy: HaproxyMaster;
  let backend: Backend;
  let blocker: net.Server;

  beforeAll(async () => {
    await requireServices("haproxy");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-apply-"));
    haproxy = new HaproxyMaster({
      configPath: path.join(dir, "haproxy.cfg"),
      masterSocket: path.join(dir, "master.sock"),
      logPath: path.join(dir, "haproxy.log"),
    });
    backend = await startBackend("a");
    blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
  });

  afterAll(async () => {
    await haproxy?.stop();
    blocker?.close();
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("leaves the last good configuration on disk, so a restart serves it", async () => {
    const files = {
      config: path.join(dir, "haproxy.cfg"),
      candidate: path.join(dir, "haproxy.cfg.candidate"),
      serverState: path.join(dir, "server-state"),
      state: path.join(dir, "state.json"),
    };
    fs.writeFileSync(files.serverState, "1\n");
    const applier = new Applier(haproxy, new RuntimeApi(path.join(dir, "master.sock"), { viaMaster: true }), files);
    const engine = defaultEngine({ bind: "127.0.0.1" });
    const paths = { statsSocket: path.join(dir, "admin.sock"), serverStateFile: files.serverState, instance: "applytest" };
    const compile = (name: string, port: number) => {
      const r = engine.compile({
        apiVersion: "vamp.io/v2",
        kind: "Gateway",
        name,
        spec: { port, routes: { [`[127.0.0.1:${backend.port}]`]: { weight: 100 } } },
      });
      expect(r.errors).toEqual([]);
      return r.gateway!;
    };
    const good = engine.render([compile("good", await freePort())], paths);
    expect(await applier.apply(good)).toMatchObject({ ok: true, plan: { action: "start" } });
    const goodText = fs.readFileSync(files.config, "utf8");

    // Passes `haproxy -c` (which binds nothing) but the new worker cannot bind the port.
    const taken = (blocker.address() as net.AddressInfo).port;
    const refused = engine.render([compile("good", good.text.match(/bind 127\.0\.0\.1:(\d+)/)![1] as unknown as number), compile("clash", taken)], paths);
    const r = await applier.apply(refused);
    expect(r.ok).toBe(false);
    expect(fs.readFileSync(files.config, "utf8")).toBe(goodText);

    await haproxy.stop();
    await haproxy.start();
    const port = Number(goodText.match(/bind 127\.0\.0\.1:(\d+)/)![1]);
    expect((await sendRequests(`http://127.0.0.1:${port}/`, 20)).byBackend).toEqual({ a: 20 });
  });
});
