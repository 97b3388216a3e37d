import { mergeDiscovered } from "./merge";

const i = (n: number) => [{ name: `pod-${n}`, host: `10.1.0.${n}`, port: 8080 }];
const sel = "label(app)(shop) && label(version)((.*))";

describe("mergeDiscovered", () => {
  it("gives a new version weight 0 and keeps declared weights and conditions", () => {
    const out = mergeDiscovered({ selector: sel, routes: { "(1.0)": { weight: 100, condition: "has cookie a" } } }, { "(1.0)": i(1), "(1.1)": i(2) });
    expect(out.routes).toEqual({ "(1.0)": { weight: 100, condition: "has cookie a", instances: i(1) }, "(1.1)": { weight: 0, instances: i(2) } });
  });

  it("drops a vanished version and gives its weight to the heaviest remaining route", () => {
    const out = mergeDiscovered(
      { selector: sel, routes: { "(1.0)": { weight: 70 }, "(1.1)": { weight: 20 }, "(1.2)": { weight: 10 } } },
      { "(1.1)": i(2), "(1.2)": i(3) },
    );
    expect(out.routes).toEqual({ "(1.1)": { weight: 90, instances: i(2) }, "(1.2)": { weight: 10, instances: i(3) } });
  });

  it("counts an unweighted vanished route's share, so the total stays 100", () => {
    const out = mergeDiscovered({ selector: sel, routes: { "(1.0)": {}, "(1.1)": { weight: 30 } } }, { "(1.1)": i(2) });
    expect(out.routes).toEqual({ "(1.1)": { weight: 100, instances: i(2) } });
  });

  it("lets unweighted discovered routes take the rest", () => {
    const out = mergeDiscovered({ selector: sel, routes: { "(1.0)": {}, "(1.1)": { weight: 30 } } }, { "(1.0)": i(1), "(1.1)": i(2) });
    expect(out.routes).toEqual({ "(1.0)": { instances: i(1) }, "(1.1)": { weight: 30, instances: i(2) } });
  });

  it("sends everything to the first version when nothing carries weight", () => {
    const out = mergeDiscovered({ selector: sel, routes: {} }, { "(2.0)": i(2), "(1.10)": i(1) });
    expect(Object.keys(out.routes)).toEqual(["(1.10)", "(2.0)"]);
    expect(out.routes["(1.10)"].weight).toBe(100);
  });

  it("still understands weights written as percentage strings", () => {
    const out = mergeDiscovered({ selector: sel, routes: { "(1.0)": { weight: "70%" }, "(1.1)": { weight: "30%" } } }, { "(1.1)": i(2) });
    expect(out.routes).toEqual({ "(1.1)": { weight: 100, instances: i(2) } });
  });

  it("leaves a definition without a selector alone", () => {
    const spec = { routes: { "[a:1]": {} } };
    expect(mergeDiscovered(spec, { "(1)": i(1) })).toBe(spec);
  });

  it("gives a selector gateway no routes before anything was discovered", () => {
    expect(mergeDiscovered({ selector: sel, routes: { "(1.0)": { weight: 100 } } }, undefined).routes).toEqual({});
  });
});
