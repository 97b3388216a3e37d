import { validateGateway } from "../validation/gateway";
import { resolveSet } from "../validation/set";
import { gatewayNames, ident } from "./names";
import { renderConfig } from "./render";

const render = (raws: Record<string, unknown>[], instance?: string) =>
  renderConfig(resolveSet(raws.map((r) => validateGateway(r, "t").gateway!)).gateways, { bind: "127.0.0.1", instance });

describe("renderConfig", () => {
  const shop = { name: "shop/web", port: 9050, routes: { "[10.0.0.1:80]": { weight: 90 }, "[10.0.0.2:80]": { weight: 10, condition: "has cookie beta", condition_strength: "50%" } } };

  it("lists every runtime-tunable weight: the route servers and the condition strength", () => {
    const r = render([shop]);
    const n = gatewayNames("shop/web");
    expect(r.weights).toEqual([
      { backend: n.split, server: n.route("[10.0.0.1:80]").server, weight: 90 },
      { backend: n.split, server: n.route("[10.0.0.2:80]").server, weight: 10 },
      { backend: n.route("[10.0.0.2:80]").conditional, server: "route", weight: 50 },
      { backend: n.route("[10.0.0.2:80]").conditional, server: "split", weight: 50 },
    ]);
  });

  it("has a fingerprint that ignores weights and sees structure", () => {
    const base = render([shop]).fingerprint;
    const reweighted = render([{ ...shop, routes: { "[10.0.0.1:80]": { weight: 30 }, "[10.0.0.2:80]": { weight: 70, condition: "has cookie beta", condition_strength: "10%" } } }]).fingerprint;
    const restructured = render([{ ...shop, routes: { ...shop.routes, "[10.0.0.3:80]": { weight: 0 } } }]).fingerprint;
    expect(reweighted).toBe(base);
    expect(restructured).not.toBe(base);
  });

  it("is deterministic and independent of the order gateways come in", () => {
    const other = { name: "other", port: 9051, routes: { "[10.0.0.9:80]": {} } };
    expect(render([shop, other]).text).toBe(render([other, shop]).text);
  });

  it("derives injective names: similar gateway names do not meet", () => {
    expect(ident("shop/web")).not.toBe(ident("shop.web"));
    expect(ident("shop/web")).toMatch(/^shop_web_[0-9a-f]{8}$/);
  });

  it("scopes internal sockets to the HAProxy instance", () => {
    expect(render([shop], "abc123").text).toContain("abns@vamp_abc123_g_shop_web_");
    expect(render([shop]).text).not.toContain("vamp_abc123");
  });

  it("logs one JSON line per request with the gateway's and route's names", () => {
    expect(render([shop]).text).toContain('\\"gateway\\":\\"shop/web\\",\\"route\\":\\"[10.0.0.1:80]\\"');
  });
});
