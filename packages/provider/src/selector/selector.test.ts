import * as fc from "fast-check";
import { printSelector, type WorkloadInstance } from "./ast";
import { discoverRoutes, matchInstance } from "./evaluate";
import { parseSelector } from "./parse";
import { reconcileWeights } from "../record/weights";

const pod = (over: Partial<WorkloadInstance>): WorkloadInstance => ({
  name: "shop",
  kind: "Deployment",
  namespace: "prod",
  image: "shop:1.0.3",
  labels: { app: "shop", version: "1.0.3" },
  ip: "10.0.0.1",
  ports: [8080],
  index: 0,
  instance: "shop-a",
  ...over,
});

describe("parseSelector", () => {
  it.each([
    ["label(app)(shop) && label(version)((.*))", "label(app)(shop) && label(version)((.*))"],
    ["name(web) and not namespace(kube-.*)", "name(web) && !namespace(kube-.*)"],
    ["NAME(a) OR kind(Deployment) & port(8080)", "name(a) || kind(Deployment) && port(8080)"],
    ["!(name(a) | name(b))", "!(name(a) || name(b))"],
    ["true", "true"],
    ["image(.*:2\\.\\d+) && index(0)", "image(.*:2\\.\\d+) && index(0)"],
    ["(name(a) || name(b)) && ip(10\\..*)", "(name(a) || name(b)) && ip(10\\..*)"],
  ])("parses %s and prints it back", (text, printed) => {
    const { ast, errors } = parseSelector(text);
    expect(errors).toEqual([]);
    expect(printSelector(ast!)).toBe(printed);
    expect(printSelector(parseSelector(printed).ast!)).toBe(printed); // print is a fixed point
  });

  it.each([
    ["", 0, /empty/],
    ["label(app)", 10, /second argument/],
    ["name(a) name(b)", 8, /after a complete selector/],
    ["colour(red)", 0, /unknown selector function "colour"/],
    ["name([a-)", 5, /invalid regular expression/],
    ["port(http)", 5, /port number/],
    ["name(a) &&", 10, /ends where a term/],
    ["(name(a)", 8, /expected "\)"/],
    ["name(a(b)", 4, /never closed/],
  ])("rejects %j at offset %d", (text, offset, message) => {
    const { ast, errors } = parseSelector(text);
    expect(ast).toBeUndefined();
    expect(errors[0].offset).toBe(offset);
    expect(errors[0].message).toMatch(message);
  });
});

describe("matching and discovery", () => {
  const sel = parseSelector("label(app)(shop) && label(version)((.*))").ast!;

  it("captures the value of a capture group", () => {
    expect(matchInstance(sel, pod({}))).toEqual({ matched: true, captures: ["1.0.3"] });
    expect(matchInstance(sel, pod({ labels: { app: "other", version: "1" } })).matched).toBe(false);
  });

  it("matches the whole value, not a substring", () => {
    expect(matchInstance(parseSelector("name(shop)").ast!, pod({ name: "shop-admin" })).matched).toBe(false);
  });

  it("gives one route per captured version, with each instance's address, in version order", () => {
    const { routes, skipped } = discoverRoutes(sel, [
      pod({ instance: "shop-c", ip: "10.0.0.3", labels: { app: "shop", version: "1.10.0" } }),
      pod({ instance: "shop-b", ip: "10.0.0.2" }),
      pod({ instance: "shop-a", ip: "10.0.0.1" }),
      pod({ instance: "shop-d", ip: "", labels: { app: "shop", version: "1.10.0" } }),
      pod({ instance: "cart", labels: { app: "cart", version: "9" } }),
    ]);
    expect(routes).toEqual([
      {
        key: "(1.0.3)",
        instances: [
          { name: "shop-a", host: "10.0.0.1", port: 8080 },
          { name: "shop-b", host: "10.0.0.2", port: 8080 },
        ],
      },
      { key: "(1.10.0)", instances: [{ name: "shop-c", host: "10.0.0.3", port: 8080 }] },
    ]);
    expect(skipped).toEqual([{ instance: "shop-d", reason: expect.stringMatching(/no IP/) }]);
  });

  it("needs port(n) when an instance has several ports", () => {
    const many = pod({ ports: [8080, 9090] });
    expect(discoverRoutes(parseSelector("name(shop)").ast!, [many]).skipped[0].reason).toMatch(/port\(n\)/);
    expect(discoverRoutes(parseSelector("name(shop) && port(9090)").ast!, [many]).routes[0]).toEqual({
      key: "selected",
      instances: [{ name: "shop-a", host: "10.0.0.1", port: 9090 }],
    });
  });
});

describe("reconcileWeights", () => {
  it("starts a new version at 0 and keeps the others", () => {
    expect(reconcileWeights({ "(1.0)": 100 }, ["(1.0)", "(1.1)"])).toEqual({ "(1.0)": 100, "(1.1)": 0 });
  });

  it("gives a removed route's weight to the heaviest remaining one", () => {
    expect(reconcileWeights({ "(1.0)": 70, "(1.1)": 20, "(1.2)": 10 }, ["(1.1)", "(1.2)"])).toEqual({ "(1.1)": 90, "(1.2)": 10 });
  });

  it("gives a fresh gateway's first version all the traffic", () => {
    expect(reconcileWeights({}, ["(2.0)", "(1.9)"])).toEqual({ "(1.9)": 100, "(2.0)": 0 });
  });

  it("always sums to 100 when any route remains (property)", () => {
    const weights = fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }).map((ws) => {
      // current weights summing to 100
      const total = ws.reduce((a, b) => a + b, 0) || 1;
      const scaled = ws.map((w) => Math.floor((w * 100) / total));
      scaled[0] += 100 - scaled.reduce((a, b) => a + b, 0);
      return Object.fromEntries(scaled.map((w, i) => [`(v${i})`, w]));
    });
    fc.assert(
      fc.property(weights, fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }), (current, picks) => {
        const next = reconcileWeights(
          current,
          picks.map((p) => `(v${p})`),
        );
        expect(Object.values(next).reduce((a, b) => a + b, 0)).toBe(100);
        for (const [k, w] of Object.entries(next)) if (!(k in current)) expect(w === 0 || w === 100).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
