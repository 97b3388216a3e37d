/**
 * Property tests against a real `haproxy -c`: random valid gateway sets always render a
 * configuration HAProxy accepts; random invalid input yields validation errors, never an
 * exception and never a configuration HAProxy would refuse.
 */
import * as fc from "fast-check";
import { renderConfig } from "../../../packages/provider/src/render/haproxy";
import { formatProblem } from "../../../packages/provider/src/model/problem";
import { resolveSet } from "../../../packages/provider/src/resolve/set";
import { haproxyCheck, requireHaproxy, validateVampGateway } from "./haproxy-under-test";

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

const setArb = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => gatewayArb(["shop/web", "cart", "a/b/c/d"][i], 20000 + i, i))));

// --- what a validation error must say (pure: exercised without HAProxy too) ---
type Reported = { source: string; path: string; message: string };
type Located = { value: unknown; key?: string; parent?: unknown };
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** A value as messages quote it, cut to a prefix (messages cut long values short), lower-case. */
const quoted = (v: unknown) => (v === undefined ? "undefined" : (JSON.stringify(v) ?? String(v))).slice(0, 60).toLowerCase();

/**
 * Follows an error's field path (`routes["[1.2.3.4:5]"].weight`, `virtual_hosts[0]`, `routes.x.some field`)
 * into the input; undefined when it leads nowhere. Keys may hold any character (unknown fields are
 * reported as written), so a plain segment is matched against the keys the object has, longest first.
 * In a list of route keys, a key segment names the element. Only the last field may be absent.
 */
function follow(raw: unknown, path: string): Located | undefined {
  let at: Located = { value: raw };
  let rest = path;
  while (rest) {
    const v = at.value;
    if (v === null || typeof v !== "object") return undefined;
    const index = /^\[(\d+)\]/.exec(rest);
    const quotedKey = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    if (index && Array.isArray(v)) {
      if (Number(index[1]) >= v.length) return undefined;
      at = { value: v[Number(index[1])], key: index[1], parent: v };
      rest = rest.slice(index[0].length);
      continue;
    }
    let key: string;
    if (quotedKey) {
      key = JSON.parse(quotedKey[1]) as string;
      rest = rest.slice(quotedKey[0].length);
    } else {
      if (at.key !== undefined) {
        if (!rest.startsWith(".")) return undefined;
        rest = rest.slice(1);
      }
      const keys = (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : Object.keys(v)).filter(
        (k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`),
      );
      key = keys.sort((a, b) => b.length - a.length)[0] ?? rest;
      if (!keys.length && /[.[]/.test(rest)) return undefined;
      rest = rest.slice(key.length);
    }
    if (Array.isArray(v)) {
      if (!v.includes(key)) return undefined;
      at = { value: key, key, parent: v };
    } else {
      if (!own(v, key) && rest) return undefined;
      at = { value: (v as Record<string, unknown>)[key], key, parent: v };
    }
  }
  return at;
}

/**
 * A validation error names the source it was given, a field path that leads into the input
 * ("" for the input as a whole), and a reason that quotes the bad value found there (or the route
 * key, for a route) — except for the few reasons that are about the field itself, each checked.
 */
function expectExplains(e: Reported, raw: unknown, source: string): void {
  const about = `error ${JSON.stringify(e)} for input ${quoted(raw)}`;
  expect(e.source).toBe(source);
  expect(e.message).toMatch(/^[^\n]*\S[^\n]*$/);
  const at = follow(raw, e.path);
  if (!at) throw new Error(`the path leads nowhere in the input: ${about}`);
  if (/^unknown field/.test(e.message)) {
    // The path ends with the unknown field, as written in the input (a top-level field "" is reported at path "").
    const [field, holder] = at.key === undefined ? ["", raw] : [at.key, at.parent];
    if (!(holder && typeof holder === "object" && own(holder, field))) throw new Error(`the unknown field is not in the input: ${about}`);
    return;
  }
  if (e.path === "routes" && /^route weights add up to \d+%/.test(e.message)) return;
  if (/^targets the same place as route "/.test(e.message) && /^routes[.[]/.test(e.path)) return;
  if (
    /(^a condition strength needs a condition on the same route|need[s]? http.*; this gateway is tcp|^conditions test http requests; this gateway is tcp)$/.test(
      e.message,
    )
  ) {
    // About a field the gateway or route does not allow: it must be there.
    if (at.value === undefined || at.value === null) throw new Error(`the field is not in the input: ${about}`);
    return;
  }
  // The bad value: what the path leads to; for a route (an entry of `routes`) also its key; the text
  // of a condition written as { condition: "..." }; the path text of a rewrite { path: "..." }.
  const values = [at.value];
  if (at.key !== undefined && at.parent !== undefined && at.parent === (raw as { routes?: unknown }).routes) values.push(at.key);
  const inner = at.value !== null && typeof at.value === "object" ? (at.value as Record<string, unknown>) : {};
  if (/\.condition$/.test(e.path)) values.push(inner.condition);
  if (/\.rewrites\[\d+\]$/.test(e.path)) values.push(inner.path);
  // A parse error quotes the text (a condition, a selector, the condition part of a rewrite) and the offset in it.
  const parse = /\(at offset (\d+) of "(.*)\)$/.exec(e.message);
  if (parse) {
    const text = parse[2].replace(/(…|")$/, "").slice(0, 60);
    const holder = values.find((v): v is string => typeof v === "string" && JSON.stringify(v).includes(text));
    if (holder === undefined || Number(parse[1]) > holder.length) throw new Error(`the parse error quotes no text at its path, or an offset past it: ${about}`);
    return;
  }
  const message = e.message.toLowerCase();
  if (!values.some((v) => message.includes(quoted(v))))
    throw new Error(`the reason does not quote the bad value at its path (${values.map(quoted).join(", ")}): ${about}`);
}

describe("property: random gateway sets", () => {
  it("1,000 random valid sets render configurations that pass haproxy -c", () => {
    let checked = 0;
    fc.assert(
      fc.property(setArb, (raws) => {
        const results = raws.map((r) => validateVampGateway(r, "prop"));
        const errors = results.flatMap((r) => r.problems.map(formatProblem));
        expect(errors).toEqual([]);
        const set = resolveSet(
          results.map((r) => r.gateway!),
          { virtualHostsPort: 20080 },
        );
        expect(set.problems.map(formatProblem)).toEqual([]);
        const { text, failures } = renderConfig(set.gateways, { bind: "127.0.0.1", virtualHostsPort: 20080, statsSocket: "/tmp/vamp-prop.sock", log: false });
        expect(failures).toEqual([]);
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
      fc.record(
        { name: fc.oneof(fc.string(), fc.constant("a/b/c")), port: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.string()), routes: fc.anything() },
        { requiredKeys: [] },
      ),
      fc.record({
        name: fc.constant("x"),
        port: fc.constant("20001/http"),
        routes: fc.dictionary(
          fc.oneof(fc.string(), fc.constant("[1.2.3.4:5]")),
          fc.record(
            {
              weight: fc.oneof(fc.integer({ min: -10, max: 200 }), fc.string()),
              condition: fc.oneof(fc.string(), conditions),
              condition_strength: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
    );
    let rejected = 0;
    fc.assert(
      fc.property(mutate, (raw) => {
        const r = validateVampGateway(raw, "fuzz");
        if (r.problems.length) {
          rejected++;
          for (const e of r.problems) expectExplains(e, raw, "fuzz");
          return;
        }
        // Whatever validates must render something HAProxy accepts (instances may be missing: the set says so).
        const set = resolveSet([r.gateway!]);
        if (set.problems.length) return;
        const problem = haproxyCheck(renderConfig(set.gateways, { bind: "127.0.0.1", log: false }).text);
        if (problem) throw new Error(`validated input rendered a refused configuration: ${JSON.stringify(raw)}\n${problem}`);
      }),
      { numRuns: 500 },
    );
    expect(rejected).toBeGreaterThan(400);
  });
});
