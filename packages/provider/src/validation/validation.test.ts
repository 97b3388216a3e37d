import { MAX_TERMS } from "../condition/dnf";
import { readGateways } from "../dsl/read";
import { formatProblem } from "../model/problem";
import { fromVampFields } from "./dialect";
import { resolveSet } from "../resolve/set";
import { validateGateway } from "./gateway";

/** A gateway with its name among the fields, as the tests write it. */
type Named = Record<string, unknown> & { name?: unknown };

/** Validates a program's (typed) gateway. */
const validate = ({ name, ...spec }: Named, source = "t") => validateGateway(spec, { source, name });

const ok = (raw: Named) => {
  const r = validate(raw);
  expect(r.problems.map(formatProblem)).toEqual([]);
  return r.gateway!;
};

/** A condition that expands to 2^7 = 128 alternatives. */
const TOO_BIG = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");

describe("validateGateway", () => {
  it("applies the defaults: unweighted routes share the rest (33/33/34), strength 100% with a condition", () => {
    const g = ok({ name: "g", port: "9050/http", routes: { "[a:1]": {}, "[b:1]": {}, "[c:1]": { condition: "has cookie x" } } });
    expect(g.routes.map((r) => r.weight)).toEqual([33, 33, 34]);
    expect(g.routes.map((r) => r.conditionStrength)).toEqual([0, 0, 100]);
    expect(g.port).toEqual({ number: 9050, protocol: "http" });
    expect(g.routes[0].balance).toBe("roundrobin");
  });

  it("fills the rest after explicit weights", () => {
    expect(ok({ name: "g", port: 1, routes: { "[a:1]": { weight: 70 }, "[b:1]": {}, "[c:1]": {} } }).routes.map((r) => r.weight)).toEqual([70, 15, 15]);
  });

  it('still accepts percentages written as strings ("70%")', () => {
    expect(
      ok({ name: "g", port: 1, routes: { "[a:1]": { weight: "70%" }, "[b:1]": { condition: "has cookie x", conditionStrength: "25%" } } }).routes.map((r) => [
        r.weight,
        r.conditionStrength,
      ]),
    ).toEqual([
      [70, 0],
      [30, 25],
    ]);
  });

  it("reports every problem of a gateway in one pass, each with its field path (program names) and the bad value", () => {
    const r = validate(
      {
        name: "bad name",
        port: "0/http",
        sticky: "forever",
        colour: "blue",
        routes: {
          "[a:1]": { weight: 70, condition: "user-agent = = x", conditionStrength: "150%" },
          "[b:1]": { weight: 70, balanse: "x" },
          "[::bad]": {},
        },
      },
      "gateway shop",
    );
    const lines = r.problems.map(formatProblem);
    expect(r.gateway).toBeUndefined();
    expect(r.problems.every((p) => p.source === "gateway shop")).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gateway shop: colour: unknown field/),
        expect.stringMatching(/^gateway shop: name: .*"bad name"/),
        expect.stringMatching(/^gateway shop: port: .*port 0.*"0\/http"/),
        expect.stringMatching(/^gateway shop: sticky: must be "route" or "instance", got "forever"/),
        expect.stringMatching(/routes\["\[a:1\]"\]\.condition: expected a value/),
        expect.stringMatching(/routes\["\[a:1\]"\]\.conditionStrength: .*"150%"/),
        expect.stringMatching(/routes\["\[b:1\]"\]\.balanse: unknown field \(did you mean "balance"\?\)/),
        expect.stringMatching(/routes\["\[::bad\]"\]: must be "\[host:port\]"/),
      ]),
    );
    // A parse error also says where in the condition.
    expect(r.problems.find((p) => p.path === 'routes["[a:1]"].condition')?.offset).toEqual(expect.any(Number));
  });

  it("names the gateway under namePath when given", () => {
    const r = validateGateway({ routes: {} }, { source: "", name: "a b", namePath: "gatewayName" });
    expect(r.problems.map((p) => p.path)).toEqual(["gatewayName"]);
  });

  it("rejects weights that do not add up to 0 or 100", () => {
    expect(validate({ name: "g", port: 1, routes: { "[a:1]": { weight: 60 }, "[b:1]": { weight: 30 } } }).problems[0].message).toMatch(/add up to 90%/);
    expect(validate({ name: "g", port: 1, routes: { "[a:1]": { weight: 60 }, "[b:1]": { weight: 50 }, "[c:1]": {} } }).problems[0].message).toMatch(/110%/);
    expect(ok({ name: "g", port: 1, routes: { "[a:1]": { weight: 0 }, "[b:1]": { weight: 0 } } }).routes.map((r) => r.weight)).toEqual([0, 0]);
  });

  it("reports a weight of 150 on that route only, and gives the other route no negative share", () => {
    const r = validate({ name: "g", port: 1, routes: { "[a:1]": { weight: 150 }, "[b:1]": {} } });
    expect(r.gateway).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual(['t: routes["[a:1]"].weight: must be between 0% and 100%, got 150']);
    expect(r.problems.map(formatProblem).join("\n")).not.toContain("-50");
  });

  it("catches two spellings of one target (which defeated Vamp's weight check)", () => {
    const r = validate({ name: "g", port: 1, routes: { "[Host.example:80]": { weight: 50 }, "[host.example:80]": { weight: 50 } } });
    expect(r.problems[0].message).toMatch(/same place as route/);
  });

  it("refuses http-only features on tcp", () => {
    const r = validate({
      name: "g",
      port: "5432/tcp",
      sticky: "route",
      virtualHosts: ["a.example"],
      routes: { "[a:1]": { condition: "has cookie a", rewrites: [{ path: "/x" }] } },
    });
    expect(r.problems.map((e) => e.path).sort()).toEqual(['routes["[a:1]"].condition', 'routes["[a:1]"].rewrites', "sticky", "virtualHosts"]);
  });

  it("reserves three-segment names for deployments", () => {
    expect(validate({ name: "d/c/p", port: 1, routes: {} }).problems[0].message).toMatch(/reserved/);
  });

  it("suggests the program's name for a Vamp field name", () => {
    const r = validate({ name: "g", port: 1, virtual_hosts: ["a.example"], routes: {} });
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^t: virtual_hosts: unknown field \(did you mean "virtualHosts"\?\)/)]);
  });

  describe(`a condition that expands past ${MAX_TERMS} alternatives`, () => {
    const route = { weight: 100, condition: TOO_BIG, conditionStrength: 150 };

    it("is refused for a program, naming the limit, with the strength in the program's names", () => {
      const r = validateGateway({ port: 1, routes: { "[a:1]": route } }, { source: "gateway g", name: "g" });
      expect(r.gateway).toBeUndefined();
      expect(r.problems).toEqual([
        { source: "gateway g", path: 'routes["[a:1]"].condition', message: expect.stringContaining(`more than ${MAX_TERMS} alternatives`) },
        { source: "gateway g", path: 'routes["[a:1]"].conditionStrength', message: expect.stringMatching(/between 0% and 100%, got 150/) },
      ]);
    });

    it("is refused for a Vamp document, naming the limit, with the strength in Vamp's names", () => {
      const vamp = fromVampFields({ port: 1, routes: { "[a:1]": { weight: "100%", condition: TOO_BIG, condition_strength: "150%" } } });
      const r = validateGateway(vamp, { source: "shop.yaml#1", name: "g", dialect: "vamp" });
      expect(r.gateway).toBeUndefined();
      expect(r.problems).toEqual([
        { source: "shop.yaml#1", path: 'routes["[a:1]"].condition', message: expect.stringContaining(`more than ${MAX_TERMS} alternatives`) },
        { source: "shop.yaml#1", path: 'routes["[a:1]"].condition_strength', message: expect.stringMatching(/between 0% and 100%, got "150%"/) },
      ]);
    });

    it(`and one of exactly ${MAX_TERMS} alternatives is accepted`, () => {
      const six = Array.from({ length: 6 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
      expect(ok({ name: "g", port: 1, routes: { "[a:1]": { condition: six } } }).routes[0].condition?.source).toBe(six);
    });
  });
});

describe("readGateways", () => {
  it("reads many documents and lists, with plural kinds, and names the document, line and column in problems", () => {
    const { gateways, problems } = readGateways(
      "kind: gateways\nname: a\nport: 1\n---\n- kind: gateway\n  name: b\n  port: 2\n- kind: gateways\n  name: c\n  port: nope\n",
      "f.yaml",
    );
    expect(gateways.map((g) => g.name)).toEqual(["a", "b"]);
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/^f\.yaml#2\[1\]:10:9: port: /)]);
  });

  it("reports duplicate keys from YAML with their line", () => {
    const { problems } = readGateways('kind: gateways\nname: a\nport: 1\nroutes:\n  "[a:1]": {}\n  "[a:1]": {}\n', "d.yaml");
    expect(problems[0].message).toMatch(/YAML: .*(duplicate|unique)/i);
    expect(problems[0]).toMatchObject({ source: "d.yaml#1", line: 6, column: 3 });
  });

  it("reads Vamp's field names (virtual_hosts, condition_strength, percentages as strings) into the model", () => {
    const { gateways, problems } = readGateways(
      'kind: gateway\nname: shop\nport: 9050/http\nvirtual_hosts: [shop.example.com]\nroutes:\n  "[10.0.0.1:80]": { weight: 90% }\n  "[10.0.0.2:80]": { weight: 10%, condition: has cookie beta, condition_strength: 50% }\n',
      "shop.yaml",
    );
    expect(problems.map(formatProblem)).toEqual([]);
    expect(gateways).toHaveLength(1);
    expect(gateways[0].virtualHosts).toEqual(["shop.example.com"]);
    expect(gateways[0].routes.map((r) => [r.key, r.weight, r.conditionStrength])).toEqual([
      ["[10.0.0.1:80]", 90, 0],
      ["[10.0.0.2:80]", 10, 50],
    ]);
  });

  it("gives each problem the line and column of its field, in Vamp's field names, and suggests a misspelt field", () => {
    const yaml = [
      "kind: gateway",
      "name: shop",
      "port: 9050/http",
      'virtual_hosts: [shop.example.com, "bad host!"]',
      "routes:",
      '  "[10.0.0.1:80]":',
      "    weight: 100%",
      '  "[10.0.0.2:80]":',
      "    weight: 0%",
      "    condition: has cookie beta",
      "    condition_strength: 150%",
      '  "[10.0.0.3:80]":',
      "    condition: has cookie x",
      "    condition_strenght: 50%",
      "",
    ].join("\n");
    const { gateways, problems } = readGateways(yaml, "shop.yaml");
    expect(gateways).toEqual([]);
    const expected = [
      { source: "shop.yaml#1", path: "virtual_hosts[1]", line: 4, column: 35, message: expect.stringMatching(/host name.*"bad host!"/) },
      {
        source: "shop.yaml#1",
        path: 'routes["[10.0.0.2:80]"].condition_strength',
        line: 11,
        column: 25,
        message: expect.stringMatching(/between 0% and 100%, got "150%"/),
      },
      {
        source: "shop.yaml#1",
        path: 'routes["[10.0.0.3:80]"].condition_strenght',
        line: 14,
        column: 25,
        message: expect.stringMatching(/^unknown field \(did you mean "condition_strength"\?\)/),
      },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
    expect(problems.map(formatProblem)).toContain('shop.yaml#1:4:35: virtual_hosts[1]: must be a host name like "shop.example.com", got "bad host!"');
  });
});

describe("resolveSet", () => {
  const g = (raw: Named) => ok({ routes: {}, ...raw });

  it("rejects a port used twice and a virtual host claimed twice, naming both gateways", () => {
    const { problems } = resolveSet([g({ name: "a", port: 9, virtualHosts: ["x.example"] }), g({ name: "b", port: 9, virtualHosts: ["x.example"] })]);
    expect(problems.map(formatProblem)).toEqual([
      'gateway b: port: port 9 is already taken by gateway "a"',
      'gateway b: virtualHosts[0]: virtual host "x.example" is already served by gateway "a"',
    ]);
    expect(problems.map((p) => p.gateway)).toEqual(["b", "b"]);
  });

  it("assigns free ports from 40000-45000, stable per name", () => {
    const one = resolveSet([g({ name: "auto" })]).gateways[0].port.number;
    const two = resolveSet([g({ name: "other", port: one }), g({ name: "auto" })]).gateways.find((x) => x.name === "auto")!.port.number;
    expect(one).toBeGreaterThanOrEqual(40000);
    expect(one).toBeLessThanOrEqual(45000);
    expect(two).not.toBe(one);
    expect(resolveSet([g({ name: "auto" })]).gateways[0].port.number).toBe(one);
  });

  it("resolves chaining and refuses cycles and unknown targets", () => {
    expect(resolveSet([g({ name: "a", port: 1, routes: { b: {} } }), g({ name: "b", port: 2, routes: { a: {} } })]).problems[0].message).toMatch(
      /cycle: a → b → a/,
    );
    expect(resolveSet([g({ name: "a", port: 1, routes: { "shop/v1": {} } })]).problems[0].message).toMatch(/no instances were resolved/);
  });
});
