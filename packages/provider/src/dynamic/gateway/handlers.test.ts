/** The Gateway's provider methods that need no store: check, diff, and what read reports. */
import { RECORD_API_VERSION, type GatewayRecord } from "../../model/record";
import { operatorWrite, routeWrite } from "../../record/ownership";
import { check, diff, readOutputs } from "./handlers";
import type { GatewayOutputs } from "./inputs";

const base = {
  store: { kind: "etcd", endpoints: ["http://127.0.0.1:2379"] },
  organization: "acme",
  environment: "prod",
  gatewayName: "shop",
  port: 9050,
  routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10 } },
};
const outs = (over: Partial<GatewayOutputs> = {}): GatewayOutputs => ({
  ...(base as unknown as GatewayOutputs),
  key: "/vamp/acme/prod/gateways/shop",
  revision: "1",
  ...over,
});

describe("check", () => {
  it("accepts a valid gateway", async () => {
    expect((await check(undefined, base)).failures).toBeUndefined();
  });

  it("names a top-level property the engine can print, with the full path and value in the reason", async () => {
    const r = await check(undefined, { ...base, routes: { "[10.0.0.1:80]": { weight: 150 }, "[10.0.0.2:80]": {} } });
    expect(r.failures).toEqual([{ property: "routes", reason: 'routes["[10.0.0.1:80]"].weight: must be between 0% and 100%, got 150' }]);
  });

  it("reports the program's field names, not Vamp's", async () => {
    const r = await check(undefined, { ...base, virtualHosts: ["bad host"], routes: { "[10.0.0.1:80]": { conditionStrength: 50 } } });
    expect(r.failures).toEqual([
      { property: "virtualHosts", reason: 'virtualHosts[0]: must be a host name like "shop.example.com", got "bad host"' },
      { property: "routes", reason: 'routes["[10.0.0.1:80]"].conditionStrength: a condition strength needs a condition on the same route' },
    ]);
  });

  it("names a bad events cluster and a query-string log on tcp, at preview", async () => {
    const r = await check(undefined, { ...base, events: { url: "search-us:9200" } });
    expect(r.failures).toEqual([{ property: "events", reason: 'events.url: must be a URL like "https://search-eu:9200", got "search-us:9200"' }]);
    const f = await check(undefined, { ...base, events: { url: "http://search-us:9200", flavor: "solr" } });
    expect(f.failures).toEqual([{ property: "events", reason: 'events.flavor: must be "elasticsearch" or "opensearch", got "solr"' }]);
    const tcp = await check(undefined, { ...base, port: "9050/tcp", logQueryString: true });
    expect(tcp.failures).toEqual([{ property: "logQueryString", reason: "must be false on a tcp gateway (a tcp connection has no query string), got true" }]);
  });

  it("refuses a condition HAProxy cannot express, at preview", async () => {
    const huge = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
    const r = await check(undefined, { ...base, routes: { "[10.0.0.1:80]": { weight: 100, condition: huge } } });
    expect(r.failures).toHaveLength(1);
    expect(r.failures![0].reason).toMatch(/^routes\["\[10\.0\.0\.1:80\]"\]\.condition: ".*" expands to more than 64 alternatives/);
  });

  it("checks the tenant, the store and the name", async () => {
    const r = await check(undefined, { ...base, organization: "Acme", store: { kind: "redis" }, gatewayName: "a/b/c" });
    expect(r.failures?.map((f) => f.property)).toEqual(["store", "organization", "gatewayName"]);
  });
});

describe("diff", () => {
  it('sees no change between 9050 and "9050/http", or 90 and "90%"', async () => {
    const r = await diff("id", outs(), {
      ...(base as unknown as GatewayOutputs),
      port: "9050/http",
      routes: { "[10.0.0.1:80]": { weight: "90%" }, "[10.0.0.2:80]": { weight: 10 } },
    });
    expect(r.changes).toBe(false);
  });

  it("updates a weight in place, and replaces on a new tenant or name", async () => {
    const w = await diff("id", outs(), {
      ...(base as unknown as GatewayOutputs),
      routes: { "[10.0.0.1:80]": { weight: 80 }, "[10.0.0.2:80]": { weight: 20 } },
    });
    expect(w).toMatchObject({ changes: true, replaces: [] });
    const r = await diff("id", outs(), { ...(base as unknown as GatewayOutputs), environment: "dev" });
    expect(r).toMatchObject({ changes: true, replaces: ["environment"], deleteBeforeReplace: false });
  });
});

describe("readOutputs", () => {
  const rec = (routes: GatewayRecord["spec"]["routes"]): GatewayRecord => ({
    apiVersion: RECORD_API_VERSION,
    kind: "Gateway",
    name: "shop",
    spec: { port: "9050/http", routes },
  });

  it("reports the declared outputs when the store holds them", () => {
    const o = readOutputs(outs(), rec({ "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10 } }), "7");
    expect(o.routes).toEqual(base.routes);
    expect(o.port).toBe(9050);
    expect(o.revision).toBe("7");
  });

  it("reports a hand-edited weight as drift", () => {
    const o = readOutputs(outs(), rec({ "[10.0.0.1:80]": { weight: 50 }, "[10.0.0.2:80]": { weight: 50 } }), "8");
    expect(o.routes).toEqual({ "[10.0.0.1:80]": { weight: 50 }, "[10.0.0.2:80]": { weight: 50 } });
  });

  it("names who made the drift when the record names someone else (the page), and only then", () => {
    const byHand = operatorWrite(
      rec({ "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10 } }),
      { "[10.0.0.2:80]": 30, "[10.0.0.1:80]": 70 },
      "ui/alice",
    );
    const o = readOutputs(outs(), byHand, "10");
    expect([o.routes, o.driftBy]).toEqual([{ "[10.0.0.1:80]": { weight: 70 }, "[10.0.0.2:80]": { weight: 30 } }, "ui/alice"]);
    // Put back as declared (the next up): no drift, nobody named, even though the page wrote last.
    expect(readOutputs(outs({ driftBy: "ui/alice" }), { ...byHand, spec: { ...byHand.spec, routes: base.routes } }, "11").driftBy).toBeUndefined();
  });

  it("does not report a weight a Route manages as the gateway's drift", () => {
    const stepped = routeWrite(rec({ "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10 } }), "[10.0.0.2:80]", "stack/canary", { weight: 30 });
    expect(readOutputs(outs(), stepped, "9").routes).toEqual(base.routes);
  });
});
