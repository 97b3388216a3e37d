import { VampError } from "../model/problem";
import type { GatewayRecord } from "../model/record";
import type { GatewaySpec } from "../model/spec";
import { effectiveSpec, gatewayView, gatewayWrite, routeRelease, routeWrite } from "./ownership";

const rec = (spec: GatewaySpec, extra: Partial<GatewayRecord> = {}): GatewayRecord => ({
  apiVersion: "vamp.io/v2",
  kind: "Gateway",
  name: "shop",
  spec,
  writer: "pulumi",
  ...extra,
});
const A = "[10.0.0.1:80]";
const B = "[10.0.0.2:80]";
/** What `fn` throws (it must throw). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
};

describe("routeWrite", () => {
  it("sets only the fields given and records the owner", () => {
    const next = routeWrite(rec({ routes: { [A]: { weight: 90 }, [B]: { weight: 10, condition: "has cookie x" } } }), B, "p/s/canary", { weight: 20 });
    expect(next.spec.routes).toEqual({ [A]: { weight: 90 }, [B]: { weight: 20, condition: "has cookie x" } });
    expect(next.managers).toEqual({ [B]: { owner: "p/s/canary", fields: ["weight"] } });
  });

  it("removes a field the Route managed and no longer sets", () => {
    const first = routeWrite(rec({ routes: { [A]: {}, [B]: {} } }), B, "o", { weight: 20, condition: "has cookie x" });
    const second = routeWrite(first, B, "o", { weight: 30 });
    expect(second.spec.routes[B]).toEqual({ weight: 30 });
    expect(second.managers![B].fields).toEqual(["weight"]);
  });

  it("refuses an unknown route, naming the gateway's routes", () => {
    const e = thrown(() => routeWrite(rec({ routes: { [A]: {} } }), "[1.1.1.1:1]", "o", { weight: 1 }));
    expect(e).toBeInstanceOf(VampError);
    expect((e as VampError).code).toBe("not-found");
    expect((e as VampError).problems[0].path).toBe("route");
    expect(() => routeWrite(rec({ routes: { [A]: {} } }), "[1.1.1.1:1]", "o", { weight: 1 })).toThrow(
      /route: gateway "shop" has no route "\[1.1.1.1:1\]" \(its routes: "\[10.0.0.1:80\]"\)/,
    );
  });

  it("refuses a route another Route manages", () => {
    const owned = routeWrite(rec({ routes: { [A]: {} } }), A, "stack-a/r", { weight: 100 });
    expect(() => routeWrite(owned, A, "stack-b/r", { weight: 50 })).toThrow(/managed by stack-a\/r/);
    const e = thrown(() => routeWrite(owned, A, "stack-b/r", { weight: 50 }));
    expect(e).toBeInstanceOf(VampError);
    expect((e as VampError).code).toBe("conflict");
    expect((e as VampError).problems[0].path).toBe("route");
  });
});

describe("a Route on a discovered version of a selector gateway", () => {
  const sel = "label(app)(shop) && label(version)((.*))";
  const discovered = { routes: { "(1.0)": [{ host: "10.1.0.1", port: 80 }], "(1.1)": [{ host: "10.1.0.2", port: 80 }] }, writer: "reconciler" };
  const gw = rec({ selector: sel, routes: { "(1.0)": {} } }, { discovered });

  it("steps the undeclared version, and the declared unweighted one takes the rest", () => {
    const next = routeWrite(gw, "(1.1)", "o", { weight: 10 });
    expect(next.spec.routes).toEqual({ "(1.0)": {}, "(1.1)": { weight: 10 } });
    const routes = effectiveSpec(next).routes;
    expect(routes["(1.1)"].weight).toBe(10);
    expect(routes["(1.0)"].weight).toBeUndefined();
  });

  it("survives the gateway's next write while the gateway keeps its selector", () => {
    const stepped = routeWrite(gw, "(1.1)", "o", { weight: 10 });
    const kept = gatewayWrite(rec({ selector: sel, routes: { "(1.0)": {} } }), stepped);
    expect(kept.spec.routes).toEqual({ "(1.0)": {}, "(1.1)": { weight: 10 } });
    expect(kept.managers).toEqual(stepped.managers);
    const dropped = gatewayWrite(rec({ routes: { [A]: {} } }), stepped);
    expect(dropped.managers).toBeUndefined();
  });

  it("is not drift of the gateway", () => {
    const stepped = routeWrite(gw, "(1.1)", "o", { weight: 10 });
    expect(gatewayView(stepped, { selector: sel, routes: { "(1.0)": {} } }).routes).toEqual({ "(1.0)": {} });
  });

  it("names the discovered versions when the route is unknown", () => {
    expect(() => routeWrite(gw, "(2.0)", "o", { weight: 1 })).toThrow(/has no route "\(2.0\)" \(its routes: "\(1.0\)"\); discovered: "\(1.0\)", "\(1.1\)"/);
  });
});

describe("gatewayWrite", () => {
  it("keeps the fields a Route manages and drops the gateway's own stale values", () => {
    const current = routeWrite(rec({ port: "9050/http", routes: { [A]: { weight: 90 }, [B]: { weight: 10 } } }), B, "o", { weight: 30 });
    const declared = rec({ port: "9051/http", routes: { [A]: {}, [B]: { weight: 10, condition: "has cookie y" } } });
    const next = gatewayWrite(declared, current);
    expect(next.spec.port).toBe("9051/http");
    expect(next.spec.routes).toEqual({ [A]: {}, [B]: { weight: 30, condition: "has cookie y" } });
    expect(next.managers).toEqual(current.managers);
  });

  it("drops the manager of a route the gateway no longer declares", () => {
    const current = routeWrite(rec({ routes: { [A]: {}, [B]: {} } }), B, "o", { weight: 30 });
    const next = gatewayWrite(rec({ routes: { [A]: {} } }), current);
    expect(next.managers).toBeUndefined();
    expect(next.spec.routes).toEqual({ [A]: {} });
  });

  it("keeps discovered instances of a selector gateway, and only of one", () => {
    const discovered = { routes: { "(1)": [{ host: "10.1.0.1", port: 80 }] }, writer: "reconciler" };
    const current = rec({ selector: "label(v)((.*))", routes: {} }, { discovered });
    expect(gatewayWrite(rec({ selector: "label(v)((.*))", routes: { "(1)": { weight: 100 } } }), current).discovered).toEqual(discovered);
    expect(gatewayWrite(rec({ routes: { [A]: {} } }), current).discovered).toBeUndefined();
  });
});

describe("gatewayView", () => {
  it("shows managed fields as declared and everything else as stored", () => {
    let current = routeWrite(rec({ routes: { [A]: { weight: 90 }, [B]: { weight: 10 } } }), B, "o", { weight: 30 });
    current = { ...current, spec: { ...current.spec, routes: { ...current.spec.routes, [A]: { weight: 70 } } } };
    expect(gatewayView(current, { routes: { [A]: { weight: 90 }, [B]: { weight: 10 } } }).routes).toEqual({ [A]: { weight: 70 }, [B]: { weight: 10 } });
  });
});

describe("routeRelease", () => {
  it("keeps the values and removes only its own manager", () => {
    const owned = routeWrite(rec({ routes: { [A]: {}, [B]: {} } }), B, "o", { weight: 30 });
    expect(routeRelease(owned, B, "someone-else")).toBe(owned);
    const released = routeRelease(owned, B, "o");
    expect(released.managers).toBeUndefined();
    expect(released.spec.routes[B]).toEqual({ weight: 30 });
  });
});

describe("effectiveSpec", () => {
  it("is the spec itself without a selector", () => {
    const r = rec({ routes: { [A]: {} } }, { discovered: { routes: { "(1)": [] }, writer: "x" } });
    expect(effectiveSpec(r)).toBe(r.spec);
  });
});
