import * as fc from "fast-check";
import type { Gateway } from "../model/gateway";
import { formatProblem } from "../model/problem";
import type { GatewaySpec, RouteSpec } from "../model/spec";
import { resolveSet } from "../resolve/set";
import { validateGateway } from "../validation/gateway";
import { renderConfig, type RenderResult } from "./haproxy";
import { reweighConfig, weightsOnly } from "./reweigh";

const validate = (name: string, spec: GatewaySpec): Gateway => {
  const r = validateGateway(spec, { source: "t", name });
  if (!r.gateway) throw new Error(r.problems.map(formatProblem).join("; "));
  return r.gateway;
};
const render = (gateways: Gateway[]) => {
  const set = resolveSet(gateways);
  expect(set.problems.map(formatProblem)).toEqual([]);
  return renderConfig(set.gateways, { bind: "127.0.0.1", instance: "t1" });
};
const comparable = (r: RenderResult) => ({
  text: r.text,
  weights: r.weights,
  slots: r.slots,
  routes: r.routes,
  fingerprint: r.fingerprint,
  failures: r.failures,
});

/** Weights of n routes summing to 100. */
const weightsOf = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100];
    return points.slice(1).map((p, i) => p - points[i]);
  });

interface Shape {
  routes: number;
  conditional: boolean[];
  sticky: boolean;
  vhost: boolean;
  instances: boolean;
}
const shape = fc.integer({ min: 1, max: 4 }).chain((routes) =>
  fc.record({
    routes: fc.constant(routes),
    conditional: fc.array(fc.boolean(), { minLength: routes, maxLength: routes }),
    sticky: fc.boolean(),
    vhost: fc.boolean(),
    instances: fc.boolean(),
  }),
);
const weighting = (s: Shape) =>
  fc.record({ weights: weightsOf(s.routes), strengths: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: s.routes, maxLength: s.routes }) });

/** Gateway i of a set: external routes, or slots of instances; conditions, stickiness, virtual hosts by its shape. */
function spec(i: number, s: Shape, w: { weights: number[]; strengths: number[] }): GatewaySpec {
  const routes: Record<string, RouteSpec> = {};
  for (let k = 0; k < s.routes; k++) {
    const key = s.instances ? `(v${k})` : `[10.0.${i}.${k + 1}:80]`;
    routes[key] = {
      weight: w.weights[k],
      ...(s.conditional[k] ? { condition: `has cookie c${k}`, conditionStrength: w.strengths[k] } : {}),
      ...(s.instances ? { instances: [{ host: `10.1.${i}.${k}`, port: 8080 }] } : {}),
    };
  }
  return { port: 9000 + i, routes, ...(s.sticky ? { sticky: "route" } : {}), ...(s.vhost ? { virtualHosts: [`g${i}.example.com`] } : {}) };
}

describe("reweighConfig", () => {
  it("equals a full render of the changed set, for any weights-only change of any gateways", () => {
    const scenario = fc.array(shape, { minLength: 1, maxLength: 6 }).chain((shapes) =>
      fc.record({
        shapes: fc.constant(shapes),
        before: fc.tuple(...shapes.map(weighting)),
        after: fc.tuple(...shapes.map(weighting)),
        changed: fc.array(fc.boolean(), { minLength: shapes.length, maxLength: shapes.length }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ shapes, before, after, changed }) => {
        const old = shapes.map((s, i) => validate(`g${i}`, spec(i, s, before[i])));
        const next = shapes.map((s, i) => (changed[i] ? validate(`g${i}`, spec(i, s, after[i])) : old[i]));
        const updates = next.filter((g, i) => changed[i] && weightsOnly(old[i], g));
        expect(updates).toHaveLength(changed.filter(Boolean).length);
        const fast = reweighConfig(render(old), updates);
        expect(fast).toBeDefined();
        expect(comparable(fast!)).toEqual(comparable(render(next)));
        // And back, from the fast result itself (the agent chains them).
        const back = reweighConfig(
          fast!,
          old.filter((_, i) => changed[i]),
        );
        expect(comparable(back!)).toEqual(comparable(render(old)));
      }),
      { numRuns: 150 },
    );
  });

  it("is not taken for a change of structure: a route, a condition, a port, an instance", () => {
    const base: GatewaySpec = {
      port: 9000,
      routes: { "[10.0.0.1:80]": { weight: 50 }, "[10.0.0.2:80]": { weight: 50, condition: "has cookie a", conditionStrength: 10 } },
    };
    const shop = validate("shop", base);
    const variants: GatewaySpec[] = [
      { ...base, routes: { ...base.routes, "[10.0.0.3:80]": { weight: 0 } } },
      { ...base, routes: { ...base.routes, "[10.0.0.2:80]": { weight: 50, condition: "has cookie b", conditionStrength: 10 } } },
      { ...base, port: 9001 },
      { ...base, sticky: "route" },
    ];
    for (const v of variants) expect(weightsOnly(shop, validate("shop", v))).toBe(false);
    expect(
      weightsOnly(
        shop,
        validate("shop", {
          ...base,
          routes: { "[10.0.0.1:80]": { weight: 80 }, "[10.0.0.2:80]": { weight: 20, condition: "has cookie a", conditionStrength: 90 } },
        }),
      ),
    ).toBe(true);
    const withInstances = (host: string) => validate("shop", { port: 9000, routes: { "(v1)": { weight: 100, instances: [{ host, port: 80 }] } } });
    expect(weightsOnly(withInstances("10.0.0.1"), withInstances("10.0.0.2"))).toBe(false);
  });

  it("declines a gateway it did not render, so the caller renders the whole set", () => {
    const shop = validate("shop", { port: 9000, routes: { "[10.0.0.1:80]": {} } });
    const cart = validate("cart", { port: 9001, routes: { "[10.0.0.2:80]": {} } });
    expect(reweighConfig(render([shop]), [cart])).toBeUndefined();
  });
});
