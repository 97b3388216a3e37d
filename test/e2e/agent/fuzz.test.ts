/**
 * A fuzzer writes random records beside healthy gateways for 60 s (issue 13, item 4): valid
 * ones, invalid ones, truncated JSON, huge values, wrong types, and keys of another tenant.
 * The healthy gateways keep serving with no failed request and keep applying their changes;
 * every bad record is reported under its gateway's name.
 */
import { RECORD_API_VERSION } from "../../../packages/provider/src/model/record";
import { encodeRecord, gatewayKey } from "../../../packages/provider/src/record";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { openTestStore, requireServices } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, startBackend, type Backend } from "../../support/traffic";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(180_000);

const SECONDS = Number(process.env.VAMP_FUZZ_SECONDS ?? 60);

describe(`random records beside healthy gateways for ${SECONDS} s`, () => {
  const tenant = { organization: "e2e", environment: `fuzz${Date.now().toString(36)}` };
  const other = { organization: "e2e", environment: `${tenant.environment}x` };
  let store: KeyValueStore;
  let a: Backend, b: Backend;
  let t: AgentUnderTest;
  const healthy: number[] = [];
  const spare: number[] = [];
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;

  beforeAll(async () => {
    await requireServices("etcd");
    store = openTestStore("etcd");
    [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
    for (let i = 0; i < 2; i++) healthy.push(await freePort());
    for (let i = 0; i < 6; i++) spare.push(await freePort());
    for (const [i, port] of healthy.entries()) await writeGateway(store, tenant, `healthy-${i}`, splitSpec(port, { [addr(a)]: 50, [addr(b)]: 50 }));
    t = await startAgent(openTestStore("etcd"), tenant);
  });

  afterAll(async () => {
    await t?.stop();
    for (const d of [tenant, other]) for (const e of (await store?.list(`/vamp/${d.organization}/${d.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await Promise.all([a, b].map((x) => x?.close()));
  });

  /** One random record: [what it is, the value, whether the agent must refuse it]. */
  function randomRecord(name: string): [string, string, boolean] {
    const pick = Math.floor(Math.random() * 7);
    const rec = (spec: unknown) => encodeRecord({ apiVersion: RECORD_API_VERSION, kind: "Gateway", name, spec: spec as never });
    // Each name has a port of its own, so two valid records never collide.
    const port = spare[Number(name.split("-")[1])];
    switch (pick) {
      case 0:
        return ["valid", rec({ port, routes: { [`[${addr(a)}]`]: { weight: 100 } } }), false];
      case 1:
        return ["weights over 100%", rec({ port, routes: { [`[${addr(a)}]`]: { weight: 90 }, [`[${addr(b)}]`]: { weight: 90 } } }), true];
      case 2:
        return ["truncated", rec({ port, routes: {} }).slice(0, 20 + Math.floor(Math.random() * 30)), true];
      case 3:
        return ["huge", rec({ port, routes: { [`[${addr(a)}]`]: { weight: "9".repeat(300_000) } } }), true];
      case 4:
        return ["wrong types", JSON.stringify({ apiVersion: RECORD_API_VERSION, kind: "Gateway", name, spec: { port: [1], routes: "everything" } }), true];
      case 5:
        return ["not a record", JSON.stringify(["nope", Math.random()]), true];
      default:
        return ["unparseable condition", rec({ port, routes: { [`[${addr(a)}]`]: { weight: 100, condition: "user-agent = = x" } } }), true];
    }
  }

  it("keeps serving and applying the healthy gateways, and names every bad record", async () => {
    const loads = healthy.map((p) => new LoadClient(`http://127.0.0.1:${p}/`, 2, (SECONDS + 60) * 1000).start());
    const latest = new Map<string, [string, boolean]>();
    let writes = 0;
    let stop = false;
    const fuzzer = (async () => {
      while (!stop) {
        const name = `fuzz-${Math.floor(Math.random() * 6)}`;
        const [what, value, bad] = randomRecord(name);
        if (Math.random() < 0.1)
          await store.put(gatewayKey(other, name), value); // another tenant's: never this agent's
        else {
          await store.put(gatewayKey(tenant, name), value);
          latest.set(name, [what, bad]);
        }
        writes++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const t0 = Date.now();
    let changes = 0;
    while (Date.now() - t0 < SECONDS * 1000) {
      const w = (changes % 10) * 10;
      const revs = await Promise.all(healthy.map((p, i) => writeGateway(store, tenant, `healthy-${i}`, splitSpec(p, { [addr(a)]: w, [addr(b)]: 100 - w }))));
      await until(() => revs.every((r, i) => t.agent.getStatus().revisions[`healthy-${i}`] === r), 3000, `healthy change ${changes} applied`);
      changes++;
      await new Promise((r) => setTimeout(r, 400));
    }
    stop = true;
    await fuzzer;
    const tallies = await Promise.all(loads.map((l) => l.stop()));
    // The last state of the store, once the agent has caught up with it.
    await t.agent.trigger();
    const s = t.agent.getStatus();
    const bad = [...latest].filter(([, [, isBad]]) => isBad).map(([name]) => name);
    console.log(
      `[fuzz] ${writes} random writes, ${changes} healthy changes applied, requests ${tallies.map((x) => x.total).join(" / ")}, failed ${tallies.map((x) => x.failed).join(" / ")}, rejections logged ${t.events.filter((e) => e.event === "rejected").length}; bad at the end: ${bad.join(", ") || "none"}`,
    );
    for (const x of tallies) expect(x.failed).toBe(0);
    expect(Object.keys(s.rejected).sort()).toEqual(bad.sort());
    for (const name of bad) expect(s.rejected[name].errors.length).toBeGreaterThan(0);
    expect(Object.keys(s.revisions).some((n) => n.startsWith(other.environment))).toBe(false);
    const w = ((changes - 1) % 10) * 10;
    expect((await sendRequests(`http://127.0.0.1:${healthy[0]}/`, 100)).byBackend).toEqual(
      Object.fromEntries(Object.entries({ a: w, b: 100 - w }).filter(([, n]) => n > 0)),
    );
  });
});
