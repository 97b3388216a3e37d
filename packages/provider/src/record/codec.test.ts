import { VampError } from "../model/problem";
import type { GatewayRecord } from "../model/record";
import { decodeRecord, encodeRecord } from "./codec";

const KEY = "/vamp/acme/prod/gateways/shop";

describe("encodeRecord and decodeRecord", () => {
  it("round-trips a vamp.io/v2 record, with sorted keys so equal records are equal strings", () => {
    const rec: GatewayRecord = {
      apiVersion: "vamp.io/v2",
      kind: "Gateway",
      name: "shop",
      spec: {
        port: "9050/http",
        virtualHosts: ["shop.example.com"],
        routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10, condition: "has cookie beta", conditionStrength: 50 } },
      },
      writer: "pulumi",
      managers: { "[10.0.0.2:80]": { owner: "p/s/canary", fields: ["weight", "conditionStrength"] } },
    };
    const text = encodeRecord(rec);
    expect(decodeRecord(KEY, text)).toEqual(rec);
    const reordered: GatewayRecord = { writer: rec.writer, managers: rec.managers, spec: rec.spec, name: rec.name, kind: rec.kind, apiVersion: rec.apiVersion };
    expect(encodeRecord(reordered)).toBe(text);
  });

  it("still reads a vamp.io/v1 record (Vamp's field names, percentages as strings) and upgrades it", () => {
    const v1 = JSON.stringify({
      apiVersion: "vamp.io/v1",
      kind: "Gateway",
      name: "shop",
      spec: {
        port: 9050,
        virtual_hosts: ["shop.example.com"],
        routes: { "[10.0.0.1:80]": { weight: "90%" }, "[10.0.0.2:80]": { weight: "10%", condition: "has cookie beta", condition_strength: "50%" } },
      },
      writer: "pulumi",
      managers: { "[10.0.0.2:80]": { owner: "p/s/canary", fields: ["weight", "condition_strength"] } },
      discovered: { routes: {}, writer: "reconciler" },
    });
    const rec = decodeRecord(KEY, v1);
    expect(rec).toEqual({
      apiVersion: "vamp.io/v2",
      kind: "Gateway",
      name: "shop",
      spec: {
        port: "9050/http",
        virtualHosts: ["shop.example.com"],
        routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10, condition: "has cookie beta", conditionStrength: 50 } },
      },
      writer: "pulumi",
      managers: { "[10.0.0.2:80]": { owner: "p/s/canary", fields: ["weight", "conditionStrength"] } },
      discovered: { routes: {}, writer: "reconciler" },
    });
    // The next write stores it as v2.
    expect(JSON.parse(encodeRecord(rec)).apiVersion).toBe("vamp.io/v2");
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["another kind", JSON.stringify({ apiVersion: "vamp.io/v2", kind: "Route", name: "x", spec: { routes: {} } }), /not a gateway record/],
    ["an unknown version", JSON.stringify({ apiVersion: "vamp.io/v3", kind: "Gateway", name: "x", spec: { routes: {} } }), /not a gateway record/],
    ["no spec", JSON.stringify({ apiVersion: "vamp.io/v2", kind: "Gateway", name: "x" }), /"spec"/],
    [
      "managers that are not an object",
      JSON.stringify({ apiVersion: "vamp.io/v2", kind: "Gateway", name: "x", spec: { routes: {} }, managers: [] }),
      /"managers"/,
    ],
  ])("refuses %s with an invalid VampError naming the key", (_what, text, reason) => {
    let error: unknown;
    try {
      decodeRecord(KEY, text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VampError);
    expect((error as VampError).code).toBe("invalid");
    expect((error as VampError).message).toContain(KEY);
    expect((error as VampError).message).toMatch(reason);
  });
});
