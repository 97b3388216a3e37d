/**
 * The store flaps (down 2 s, up 2 s) for 60 s while weights change (issue 13, item 4): every
 * write the store accepted is applied once it is back, in order; an older one never replaces
 * a newer one; the gateway serves throughout with no failed request.
 */
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { startServices, stopServices } from "../../../testbed/services";
import { openTestStore, requireServices, STORE_SERVICE } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, startBackend, type Backend } from "../../support/traffic";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(240_000);

const SECONDS = Number(process.env.VAMP_FLAP_SECONDS ?? 60);
const kinds = (process.env.VAMP_FLAP_STORES ?? "etcd,consul").split(",") as ("etcd" | "consul")[];

describe.each(kinds)(`%s flapping for ${SECONDS} s`, (kind) => {
  const tenant = { organization: "e2e", environment: `flap${Date.now().toString(36)}` };
  let store: KeyValueStore;
  let a: Backend, b: Backend;
  let t: AgentUnderTest;
  let port: number;
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;

  beforeAll(async () => {
    await requireServices(STORE_SERVICE[kind]);
    store = openTestStore(kind);
    [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
    port = await freePort();
    await writeGateway(store, tenant, "web", splitSpec(port, { [addr(a)]: 50, [addr(b)]: 50 }));
    t = await startAgent(openTestStore(kind), tenant);
  });

  afterAll(async () => {
    await startServices([STORE_SERVICE[kind]]);
    await t?.stop();
    for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await Promise.all([a, b].map((x) => x?.close()));
  });

  it("applies every accepted write in order once the store is back, never an older over a newer", async () => {
    const load = new LoadClient(`http://127.0.0.1:${port}/`, 2, (SECONDS + 60) * 1000).start();
    const accepted: { revision: string; weight: number }[] = [];
    const applied: string[] = [];
    let stop = false;
    // What the agent serves, sampled every 10 ms.
    const watcher = (async () => {
      while (!stop) {
        const r = t.agent.getStatus().revisions.web;
        if (r && applied[applied.length - 1] !== r) applied.push(r);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const writer = (async () => {
      for (let i = 1; !stop; i++) {
        const weight = i % 101;
        try {
          accepted.push({ revision: await writeGateway(store, tenant, "web", splitSpec(port, { [addr(a)]: weight, [addr(b)]: 100 - weight })), weight });
        } catch {
          // The store is away: this write was not accepted.
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    let flaps = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < SECONDS * 1000) {
      await stopServices([STORE_SERVICE[kind]]);
      await new Promise((res) => setTimeout(res, 2000));
      await startServices([STORE_SERVICE[kind]]);
      flaps++;
      await new Promise((res) => setTimeout(res, 2000));
    }
    stop = true;
    await writer;
    const last = accepted[accepted.length - 1];
    await until(() => t.agent.getStatus().revisions.web === last.revision, 10_000, "the last accepted write applied");
    stop = true;
    await watcher;
    const tally = await load.stop();
    const order = new Map(accepted.map((w, i) => [w.revision, i]));
    const indexes = applied.map((r) => order.get(r)).filter((i): i is number => i !== undefined);
    console.log(
      `[flap ${kind}] ${flaps} outages, ${accepted.length} writes accepted, ${applied.length} revisions seen applied (in order: ${indexes.every((x, i) => i === 0 || x > indexes[i - 1])}); ${tally.total} requests, ${tally.failed} failed`,
    );
    // In order: each applied revision is a later accepted write than the one before.
    for (let i = 1; i < indexes.length; i++) expect(indexes[i]).toBeGreaterThan(indexes[i - 1]);
    if (tally.failed)
      console.log(
        `[flap ${kind}] failures: ${[...new Set(tally.errors)].join("; ")}; agent events: ${JSON.stringify(t.events.filter((e) => e.event !== "store-error").slice(-30))}`,
      );
    expect(tally.failed).toBe(0);
    const served = await sendRequests(`http://127.0.0.1:${port}/`, 100);
    expect(served.byBackend).toEqual(Object.fromEntries(Object.entries({ a: last.weight, b: 100 - last.weight }).filter(([, n]) => n > 0)));
  });
});
