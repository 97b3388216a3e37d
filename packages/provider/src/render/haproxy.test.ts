import { parseCondition } from "../condition/parse";
import { formatProblem } from "../model/problem";
import type { ResolvedGateway } from "../model/resolved";
import type { GatewaySpec } from "../model/spec";
import { resolveSet } from "../resolve/set";
import { validateGateway } from "../validation/gateway";
import { gatewayNames, ident } from "./names";
import { changedText, renderConfig } from "./haproxy";

type Named = GatewaySpec & { name: string };

/** Validated and resolved gateways; fails the test on any problem. */
const resolve = (specs: Named[]): ResolvedGateway[] => {
  const results = specs.map(({ name, ...spec }) => validateGateway(spec, { source: "t", name }));
  expect(results.flatMap((r) => r.problems.map(formatProblem))).toEqual([]);
  const set = resolveSet(results.map((r) => r.gateway!));
  expect(set.problems.map(formatProblem)).toEqual([]);
  return set.gateways;
};

const render = (specs: Named[], instance?: string) => {
  const r = renderConfig(resolve(specs), { bind: "127.0.0.1", instance });
  expect(r.failures).toEqual([]);
  return r;
};

describe("renderConfig", () => {
  const shop: Named = {
    name: "shop/web",
    port: 9050,
    routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10, condition: "has cookie beta", conditionStrength: 50 } },
  };

  it("lists every runtime-tunable weight: the route servers and the condition strength", () => {
    const r = render([shop]);
    const n = gatewayNames("shop/web");
    expect(r.weights).toEqual([
      { backend: n.split, server: n.route("[10.0.0.1:80]").backend, weight: 90 },
      { backend: n.split, server: n.route("[10.0.0.2:80]").backend, weight: 10 },
      { backend: n.route("[10.0.0.2:80]").conditional, server: n.route("[10.0.0.2:80]").backend, weight: 50 },
      { backend: n.route("[10.0.0.2:80]").conditional, server: n.split, weight: 50 },
    ]);
  });

  it("has a fingerprint that ignores weights and sees structure", () => {
    const base = render([shop]).fingerprint;
    const reweighted = render([
      { ...shop, routes: { "[10.0.0.1:80]": { weight: 30 }, "[10.0.0.2:80]": { weight: 70, condition: "has cookie beta", conditionStrength: 10 } } },
    ]).fingerprint;
    const restructured = render([{ ...shop, routes: { ...shop.routes, "[10.0.0.3:80]": { weight: 0 } } }]).fingerprint;
    expect(reweighted).toBe(base);
    expect(restructured).not.toBe(base);
  });

  it("is deterministic and independent of the order gateways come in", () => {
    const other: Named = { name: "other", port: 9051, routes: { "[10.0.0.9:80]": {} } };
    expect(render([shop, other]).text).toBe(render([other, shop]).text);
  });

  it("derives injective names: similar gateway names do not meet", () => {
    expect(ident("shop/web")).not.toBe(ident("shop.web"));
    expect(ident("shop/web")).toMatch(/^shop_web_[0-9a-f]{8}$/);
  });

  it("scopes internal sockets to the HAProxy instance", () => {
    expect(render([shop], "abc123").text).toContain("bind abns@vamp_abc123_routes accept-proxy");
    expect(render([shop]).text).not.toContain("vamp_abc123");
  });

  it("needs one listener per http gateway plus one shared hop listener, however many routes", () => {
    const many: Named[] = Array.from({ length: 50 }, (_, i) => ({
      name: `g${i}`,
      port: 10_000 + i,
      routes: Object.fromEntries([1, 2, 3, 4].map((k) => [`[10.0.${i}.${k}:80]`, { weight: 25 }])),
    }));
    const binds = render(many).text.match(/^ {2}bind /gm) ?? [];
    expect(binds).toHaveLength(51);
  });

  it("gives a gateway an internal listener only when another proxy reaches it", () => {
    const edge: Named = { name: "edge", port: 9060, routes: { "shop/web": {} } };
    const text = render([shop, edge]).text;
    expect(text).toContain(`bind ${gatewayNames("shop/web").inSocket} accept-proxy`);
    expect(text).not.toContain(`bind ${gatewayNames("edge").inSocket}`);
  });

  it("names the gateway and the route of each logged request, escaped for HAProxy and for JSON", () => {
    const odd: Named = { name: "shop/web", port: 9050, routes: { '(1.0%"x)': { instances: [{ host: "10.0.0.1", port: 80 }] } } };
    const text = render([odd]).text;
    expect(text).toContain('http-request set-var-fmt(txn.vamp_gateway) "shop/web"');
    expect(text).toContain('http-request set-var-fmt(txn.vamp_route) "(1.0%%\\"x)"');
    expect(text).toMatch(/log-format .*\\"route\\":\\"%\[var\(txn\.vamp_route\),json\(utf8s\)\]\\"/);
  });

  it("leaves out a gateway that cannot be rendered and still renders the others, naming it in failures", () => {
    const set = resolve([{ name: "cart", port: 9052, routes: { "[10.0.0.5:80]": {} } }, shop]);
    const cart = set.find((g) => g.name === "cart")!;
    const shopWeb = set.find((g) => g.name === "shop/web")!;
    // Validation refuses such a condition; a resolved gateway built by hand can still carry one.
    const big = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
    const parsed = parseCondition(big);
    expect(parsed.errors).toEqual([]);
    const bad: ResolvedGateway = { ...shopWeb, routes: shopWeb.routes.map((r, i) => (i === 1 ? { ...r, condition: { source: big, ast: parsed.ast! } } : r)) };

    const r = renderConfig([bad, cart], { bind: "127.0.0.1" });
    expect(r.failures).toEqual([{ gateway: "shop/web", message: expect.stringMatching(/more than 64 alternatives/) }]);
    const alone = renderConfig([cart], { bind: "127.0.0.1" });
    expect(r.text).toBe(alone.text);
    expect(r.text).toContain(`frontend ${gatewayNames("cart").frontend}`);
    expect(r.text).not.toContain(gatewayNames("shop/web").frontend);
    expect(r.weights).toEqual(alone.weights);
    expect(r.routes).toEqual([
      { gateway: "cart", route: "[10.0.0.5:80]", backend: expect.any(String), split: { backend: expect.any(String), server: expect.any(String) } },
    ]);
  });

  it("gives a check only the head and the gateways that are new or changed", () => {
    const cart: Named = { name: "cart", port: 9070, routes: { "[10.0.0.7:80]": {} } };
    const before = render([shop, cart]);
    const added: Named = { name: "blog", port: 9071, routes: { "[10.0.0.8:80]": {} } };
    const movedCart: Named = { ...cart, routes: { "[10.0.0.9:80]": {} } };
    const part = changedText(before, render([shop, movedCart, added]));
    expect(part).toContain("global");
    expect(part).toContain(`frontend ${gatewayNames("blog").frontend}`);
    expect(part).toContain(`frontend ${gatewayNames("cart").frontend}`);
    expect(part).not.toContain(`frontend ${gatewayNames("shop/web").frontend}`);
    expect(changedText(before, render([shop, cart]))).not.toContain("frontend g_");
  });
});
