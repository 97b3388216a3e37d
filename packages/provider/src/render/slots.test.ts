import type { Gateway, Instance } from "../model/gateway";
import { resolveSet } from "../resolve/set";
import { validateGateway } from "../validation/gateway";
import { renderConfig } from "./haproxy";
import { assignSlots, slotCapacity } from "./slots";

const pod = (n: number): Instance => ({ host: `10.1.0.${n}`, port: 8080, name: `web-${n}` });
function render(instances: Instance[], sticky?: "instance") {
  const v = validateGateway({ port: 9050, sticky, routes: { "(1.0)": { weight: 100, instances } } }, { source: "t", name: "shop" });
  expect(v.problems).toEqual([]);
  const set = resolveSet([v.gateway as Gateway]);
  return renderConfig(set.gateways, { bind: "127.0.0.1" });
}

describe("server slots", () => {
  it("come in steps of 8 with at least one spare", () => {
    expect([0, 1, 7, 8, 15, 16].map(slotCapacity)).toEqual([8, 8, 8, 16, 16, 24]);
  });

  it("keep an instance in its slot while others come and go", () => {
    const three = assignSlots([pod(1), pod(2), pod(3)], 8);
    const two = assignSlots([pod(1), pod(3)], 8);
    const four = assignSlots([pod(1), pod(2), pod(3), pod(4)], 8);
    for (const p of [1, 3]) {
      const at = three.findIndex((i) => i?.name === `web-${p}`);
      expect(two[at]?.name).toBe(`web-${p}`);
      expect(four[at]?.name).toBe(`web-${p}`);
    }
  });

  it("render a replica change as the same structure (no reload), with the slots changed", () => {
    const a = render([pod(1), pod(2)]);
    const b = render([pod(1), pod(2), pod(3), pod(4), pod(5)]);
    const c = render([pod(3)]);
    expect(new Set([a.fingerprint, b.fingerprint, c.fingerprint]).size).toBe(1);
    expect(a.slots).toHaveLength(8);
    expect(
      a.slots
        .filter((s) => s.host)
        .map((s) => s.host)
        .sort(),
    ).toEqual(["10.1.0.1", "10.1.0.2"]);
    expect(b.slots.filter((s) => s.host)).toHaveLength(5);
    expect(a.text).toMatch(/^ {2}server slot\d 127\.0\.0\.1:1 disabled$/m);
  });

  it("grow with a reload only when the instances outgrow them", () => {
    const seven = render([1, 2, 3, 4, 5, 6, 7].map(pod));
    const eight = render([1, 2, 3, 4, 5, 6, 7, 8].map(pod));
    expect(eight.fingerprint).not.toBe(seven.fingerprint);
    expect(eight.slots).toHaveLength(16);
  });

  it("carry the sticky cookie of their slot", () => {
    const r = render([pod(1)], "instance");
    expect(r.text).toMatch(/^ {2}server slot(\d) 10\.1\.0\.1:8080 cookie slot\1$/m);
  });

  it("are not used for host names, which the Runtime API cannot set", () => {
    const r = render([{ host: "web.internal", port: 80 }]);
    expect(r.slots).toEqual([]);
    expect(r.text).toMatch(/server s_web_internal_80_[0-9a-f]{8} web\.internal:80/);
  });
});
