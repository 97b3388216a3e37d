/**
 * Property tests against a real `haproxy -c`: random valid gateway sets always render a
 * configuration HAProxy accepts; random invalid input yields validation errors, never an
 * exception and never a configuration HAProxy would refuse.
 */
import * as fc from "fast-check";
import { renderConfig } from "../../../packages/provider/src/haproxy/render";
import { formatError } from "../../../packages/provider/src/model/gateway";
import { validateGateway } from "../../../packages/provider/src/validation/gateway";
import { resolveSet } from "../../../packages/provider/src/validation/set";
import { haproxyCheck, requireHaproxy } from "./haproxy-under-test";

jest.setTimeout(600_000);
beforeAll(() => requireHaproxy());

const conditions = fc.oneof(
  fc.constantFrom("Firefox", "Chrome", "Safari", "MSIE", "curl").map((b) => `user-agent = ${b}`),
  fc.constantFrom("beta", "group", "ab_test").map((c) => `has cookie ${c}`),
  fc.constantFrom("X-Canary", "X-Debug").map((h) => `header ${h} has yes`),
  fc.constantFrom("shop.example.com", "a.b").map((h) => `host = ${h}`),
  fc.constant("misses header X-Old and not cookie tier has gold"),
  fc.constant("(has cookie a or has cookie b) and user-agent != Firefox"),
  fc.constant("<req.hdr(x-tier) -m str gold>"),
);

function weightsFor(n: number) {
  return fc.oneof(
    fc.constant(Array<number | undefined>(n).fill(undefined)),
    fc.array(fc.nat(100), { minLength: n, maxLength: n }).map((ws) => {
      const total = ws.reduce((a, b) => a + b, 0) || 1;
      const scaled = ws.map((w) => Math.floor((w * 100) / total));
      scaled[0] += 100 - scaled.reduce((a, b) => a + b, 0);
      return scaled;
    }),
  );
}

const gatewayArb = (name: string, port: number, hostBase: number) =>
  fc
    .record({
      tcp: fc.boolean(),
      routes: fc.integer({ min: 1, max: 4 }),
      sticky: fc.constantFrom(undefined, "route", "instance"),
      vhost: fc.boolean(),
    })
    .chain((g) =>
      fc.record({
        g: fc.constant(g),
        weights: weightsFor(g.routes),
        conds: fc.array(fc.option(conditions, { nil: undefined }), { minLength: g.routes, maxLength: g.routes }),
        strengths: fc.array(fc.nat(100), { minLength: g.routes, maxLength: g.routes }),
        rewrite: fc.option(fc.constantFrom("/v2", "/api/v2 if has cookie beta"), { nil: undefined }),
        balance: fc.constantFrom(undefined, "roundrobin", "leastconn", "source"),
      }),
    )
    .map(({ g, weights, conds, strengths, rewrite, balance }) => {
      const routes: Record<string, Record<string, unknown>> = {};
      for (let i = 0; i < g.routes; i++) {
        const r: Record<string, unknown> = {};
        if (weights[i] !== undefined) r.weight = `${weights[i]}%`;
        if (balance) r.balance = balance;
        if (!g.tcp && conds[i]) {
          r.condition = conds[i];
          r.condition_strength = `${strengths[i]}%`;
        }
        if (!g.tcp && rewrite && i === 0) r.rewrites = [{ path: rewrite }];
        routes[`[10.${hostBase}.0.${i + 1}:${8000 + i}]`] = r;
      }
      const raw: Record<string, unknown> = { name, port: `${port}/${g.tcp ? "tcp" : "http"}`, routes };
      if (!g.tcp && g.sticky) raw.sticky = g.sticky;
      if (!g.tcp && g.vhost) raw.virtual_hosts = [`${name.replace(/\//g, "-")}.example.com`];
      return raw;
    });

const setArb = fc.integer({ min: 1, max: 3 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => gatewayArb(["shop/web", "cart", "a/b/c/d"][i], 20000 + i, i))),
);

describe("property: random gateway sets", () => {
  it("1,000 random valid sets render configurations that pass haproxy -c", () => {
    let checked = 0;
    fc.assert(
      fc.property(setArb, (raws) => {
        const results = raws.map((r) => validateGateway(r, "prop"));
        const errors = results.flatMap((r) => r.errors.map(formatError));
        expect(errors).toEqual([]);
        const set = resolveSet(results.map((r) => r.gateway!), { virtualHostsPort: 20080 });
        expect(set.errors.map(formatError)).toEqual([]);
        const { text } = renderConfig(set.gateways, { bind: "127.0.0.1", virtualHostsPort: 20080, statsSocket: "/tmp/vamp-prop.sock", log: false });
        const problem = haproxyCheck(text);
        if (problem) throw new Error(`haproxy -c refused:\n${problem}\n${text}`);
        checked++;
      }),
      { numRuns: 1000 },
    );
    expect(checked).toBe(1000);
  });

  it("random invalid input yields validation errors, never an exception or a refused configuration", () => {
    const mutate = fc.oneof(
      fc.anything(),
      fc.record({ name: fc.oneof(fc.string(), fc.constant("a/b/c")), port: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.string()), routes: fc.anything() }, { requiredKeys: [] }),
      fc.record({
        name: fc.constant("x"),
        port: fc.constant("20001/http"),
        routes: fc.dictionary(fc.oneof(fc.string(), fc.constant("[1.2.3.4:5]")), fc.record({ weight: fc.oneof(fc.integer({ min: -10, max: 200 }), fc.string()), condition: fc.oneof(fc.string(), conditions), condition_strength: fc.anything() }, { requiredKeys: [] })),
      }),
    );
    let rejected = 0;
    fc.assert(
      fc.property(mutate, (raw) => {
        const r = validateGateway(raw, "fuzz");
        if (r.errors.length) {
          rejected++;
          for (const e of r.errors) expect(typeof e.message).toBe("string");
          return;
        }
        // Whatever validates must render something HAProxy accepts (instances may be missing: the set says so).
        const set = resolveSet([r.gateway!]);
        if (set.errors.length) return;
        const problem = haproxyCheck(renderConfig(set.gateways, { bind: "127.0.0.1", log: false }).text);
        if (problem) throw new Error(`validated input rendered a refused configuration: ${JSON.stringify(raw)}\n${problem}`);
      }),
      { numRuns: 500 },
    );
    expect(rejected).toBeGreaterThan(400);
  });
});
