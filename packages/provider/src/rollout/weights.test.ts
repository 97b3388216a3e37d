import { RECORD_API_VERSION, type GatewayRecord } from "../model/record";
import { RELEASE_API_VERSION } from "../model/release";
import { decodeRecord, encodeRecord } from "../record/codec";
import { gatewayKey, releaseKey } from "../record/keys";
import { routeWrite } from "../record/ownership";
import { MemoryStore } from "../store/memory";
import { writeWeights } from "./weights";

const tenant = { organization: "acme", environment: "dev" };
const c = { gateway: "shop", stable: "[10.0.0.1:80]", canary: "[10.0.0.2:80]" } as Parameters<typeof writeWeights>[2];
const base: GatewayRecord = {
  apiVersion: RECORD_API_VERSION,
  kind: "Gateway",
  name: "shop",
  spec: { port: "9050/http", routes: { [c.stable]: { weight: 100 }, [c.canary]: { weight: 0 } } },
};
const heldBy = (owner: string) => routeWrite(routeWrite(base, c.stable, owner, { weight: 0 }), c.canary, owner, { weight: 100 });
const release = (name: string, phase: string) =>
  JSON.stringify({ apiVersion: RELEASE_API_VERSION, kind: "Release", name, spec: {}, driver: "pulumi", decisions: [], state: { phase } });

async function bed(rec: GatewayRecord, releases: Record<string, string> = {}) {
  const store = new MemoryStore();
  await store.put(gatewayKey(tenant, "shop"), encodeRecord(rec));
  for (const [name, phase] of Object.entries(releases)) await store.put(releaseKey(tenant, name), release(name, phase));
  const owners = async () => {
    const r = decodeRecord(gatewayKey(tenant, "shop"), (await store.get(gatewayKey(tenant, "shop")))!.value);
    return [r.managers?.[c.stable]?.owner, r.managers?.[c.canary]?.owner, r.spec.routes![c.canary].weight];
  };
  return { store, owners };
}

describe("writeWeights", () => {
  it("writes both weights as the release's own", async () => {
    const { store, owners } = await bed(base);
    await writeWeights(store, tenant, c, "release/b", { stable: 90, canary: 10 });
    expect(await owners()).toEqual(["release/b", "release/b", 10]);
  });
  it("takes the weights over from a release that has ended", async () => {
    const { store, owners } = await bed(heldBy("release/a"), { a: "promoted" });
    await writeWeights(store, tenant, c, "release/b", { stable: 90, canary: 10 });
    expect(await owners()).toEqual(["release/b", "release/b", 10]);
  });
  it("refuses, naming the owner, while the other release still runs or a Route holds them", async () => {
    const running = await bed(heldBy("release/a"), { a: "progressing" });
    await expect(writeWeights(running.store, tenant, c, "release/b", { stable: 90, canary: 10 })).rejects.toThrow(/managed by release\/a/);
    expect(await running.owners()).toEqual(["release/a", "release/a", 100]);
    const route = await bed(heldBy("stack/canary-route"));
    await expect(writeWeights(route.store, tenant, c, "release/b", { stable: 90, canary: 10 })).rejects.toThrow(/managed by stack\/canary-route/);
  });
});
