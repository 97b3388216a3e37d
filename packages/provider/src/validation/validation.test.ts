import { readGateways } from "../dsl/read";
import { formatError } from "../model/gateway";
import { validateGateway } from "./gateway";
import { resolveSet } from "./set";

const ok = (raw: unknown) => {
  const r = validateGateway(raw, "t");
  expect(r.errors.map(formatError)).toEqual([]);
  return r.gateway!;
};

describe("validateGateway", () => {
  it("applies the defaults: unweighted routes share the rest (33/33/34), strength 100% with a condition", () => {
    const g = ok({ name: "g", port: "9050/http", routes: { "[a:1]": {}, "[b:1]": {}, "[c:1]": { condition: "has cookie x" } } });
    expect(g.routes.map((r) => r.weight)).toEqual([33, 33, 34]);
    expect(g.routes.map((r) => r.conditionStrength)).toEqual([0, 0, 100]);
    expect(g.port).toEqual({ number: 9050, protocol: "http" });
    expect(g.routes[0].balance).toBe("roundrobin");
  });

  it("fills the rest after explicit weights", () => {
    expect(ok({ name: "g", port: 1, routes: { "[a:1]": { weight: "70%" }, "[b:1]": {}, "[c:1]": {} } }).routes.map((r) => r.weight)).toEqual([70, 15, 15]);
  });

  it("reports every error of a gateway in one pass, each with its field path and the bad value", () => {
    const r = validateGateway(
      {
        name: "bad name",
        port: "0/http",
        sticky: "forever",
        colour: "blue",
        routes: {
          "[a:1]": { weight: "70%", condition: "user-agent = = x", condition_strength: "150%" },
          "[b:1]": { weight: 70, balanse: "x" },
          "[::bad]": {},
        },
      },
      "shop.yaml#2",
    );
    const lines = r.errors.map(formatError);
    expect(r.gateway).toBeUndefined();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^shop\.yaml#2: colour: unknown field/),
        expect.stringMatching(/^shop\.yaml#2: name: .*"bad name"/),
        expect.stringMatching(/^shop\.yaml#2: port: .*port 0.*"0\/http"/),
        expect.stringMatching(/^shop\.yaml#2: sticky: must be "route" or "instance", got "forever"/),
        expect.stringMatching(/routes\["\[a:1\]"\]\.condition: expected a value/),
        expect.stringMatching(/routes\["\[a:1\]"\]\.condition_strength: .*"150%"/),
        expect.stringMatching(/routes\["\[b:1\]"\]\.balanse: unknown field \(did you mean "balance"\?\)/),
        expect.stringMatching(/routes\["\[::bad\]"\]: must be "\[host:port\]"/),
      ]),
    );
  });

  it("rejects weights that do not add up to 0 or 100", () => {
    expect(validateGateway({ name: "g", port: 1, routes: { "[a:1]": { weight: 60 }, "[b:1]": { weight: 30 } } }, "t").errors[0].message).toMatch(/add up to 90%/);
    expect(validateGateway({ name: "g", port: 1, routes: { "[a:1]": { weight: 60 }, "[b:1]": { weight: 50 }, "[c:1]": {} } }, "t").errors[0].message).toMatch(/110%/);
    expect(ok({ name: "g", port: 1, routes: { "[a:1]": { weight: 0 }, "[b:1]": { weight: 0 } } }).routes.map((r) => r.weight)).toEqual([0, 0]);
  });

  it("catches two spellings of one target (which defeated Vamp's weight check)", () => {
    const r = validateGateway({ name: "g", port: 1, routes: { "[Host.example:80]": { weight: 50 }, "[host.example:80]": { weight: 50 } } }, "t");
    expect(r.errors[0].message).toMatch(/same place as route/);
  });

  it("refuses http-only features on tcp", () => {
    const r = validateGateway({ name: "g", port: "5432/tcp", sticky: "route", virtual_hosts: ["a.example"], routes: { "[a:1]": { condition: "has cookie a", rewrites: [{ path: "/x" }] } } }, "t");
    expect(r.errors.map((e) => e.path).sort()).toEqual(["routes[\"[a:1]\"].condition", "routes[\"[a:1]\"].rewrites", "sticky", "virtual_hosts"]);
  });

  it("reserves three-segment names for deployments", () => {
    expect(validateGateway({ name: "d/c/p", port: 1, routes: {} }, "t").errors[0].message).toMatch(/reserved/);
  });
});

describe("readGateways", () => {
  it("reads many documents and lists, with plural kinds, and names the document in errors", () => {
    const { gateways, errors } = readGateways(
      "kind: gateways\nname: a\nport: 1\n---\n- kind: gateway\n  name: b\n  port: 2\n- kind: gateways\n  name: c\n  port: nope\n",
      "f.yaml",
    );
    expect(gateways.map((g) => g.name)).toEqual(["a", "b"]);
    expect(errors.map(formatError)).toEqual([expect.stringMatching(/^f\.yaml#2\[1\]: port: /)]);
  });

  it("reports duplicate keys from YAML with their line", () => {
    const { errors } = readGateways('kind: gateways\nname: a\nport: 1\nroutes:\n  "[a:1]": {}\n  "[a:1]": {}\n', "d.yaml");
    expect(errors[0].message).toMatch(/YAML: .*(duplicate|unique)/i);
  });
});

describe("resolveSet", () => {
  const g = (raw: Record<string, unknown>) => ok({ routes: {}, ...raw });

  it("rejects a port used twice and a virtual host claimed twice, naming both gateways", () => {
    const { errors } = resolveSet([g({ name: "a", port: 9, virtual_hosts: ["x.example"] }), g({ name: "b", port: 9, virtual_hosts: ["x.example"] })]);
    expect(errors.map(formatError)).toEqual([
      'gateway b: port: port 9 is already taken by gateway "a"',
      'gateway b: virtual_hosts[0]: virtual host "x.example" is already served by gateway "a"',
    ]);
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
    expect(resolveSet([g({ name: "a", port: 1, routes: { b: {} } }), g({ name: "b", port: 2, routes: { a: {} } })]).errors[0].message).toMatch(/cycle: a → b → a/);
    expect(resolveSet([g({ name: "a", port: 1, routes: { "shop/v1": {} } })]).errors[0].message).toMatch(/no instances were resolved/);
  });
});
