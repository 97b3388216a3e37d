import { RECORD_API_VERSION, type GatewayRecord } from "../model/record";
import { encodeRecord } from "../record/codec";
import { gatewayKey } from "../record/keys";
import { MemoryStore } from "../store/memory";
import { listGatewayRoutes, overrideRouteWeights } from "./routes";

const tenant = { organization: "acme", environment: "dev" };
const shop: GatewayRecord = {
  apiVersion: RECORD_API_VERSION,
  kind: "Gateway",
  name: "shop",
  spec: { port: "9050/http", routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10 } } },
};

describe("a tenant's routes", () => {
  it("lists every gateway; a record that cannot be read is named, and never hides the others", async () => {
    const store = new MemoryStore();
    await store.put(gatewayKey(tenant, "shop"), encodeRecord(shop));
    await store.put(gatewayKey(tenant, "broken/one"), "{ not json");
    const list = await listGatewayRoutes(store, tenant);
    expect(list.map((g) => [g.name, g.routes.map((r) => r.weight), !!g.invalid])).toEqual([
      ["broken/one", [], true],
      ["shop", [90, 10], false],
    ]);
  });

  it("an operator's weights change the record and name the writer, or are refused whole when they would not total 100%", async () => {
    const store = new MemoryStore();
    await store.put(gatewayKey(tenant, "shop"), encodeRecord(shop));
    await expect(overrideRouteWeights(store, tenant, "shop", { "[10.0.0.2:80]": 50 }, "ui/alice")).rejects.toThrow(/would be invalid/);
    await overrideRouteWeights(store, tenant, "shop", { "[10.0.0.1:80]": 60, "[10.0.0.2:80]": 40 }, "ui/alice");
    const [g] = await listGatewayRoutes(store, tenant);
    expect([g.routes.map((r) => r.weight), g.writer, g.routes[0].owner]).toEqual([[60, 40], "ui/alice", undefined]);
  });
});
