import type { RenderedConfig } from "../agent/engine";
import { planApply, type AppliedState } from "./plan";

const w = (backend: string, server: string, weight: number) => ({ backend, server, weight });
const rendered = (fingerprint: string, weights = [w("gw_split", "r1", 90), w("gw_split", "r2", 10)]): RenderedConfig => ({
  text: "...",
  fingerprint,
  weights,
  routes: [],
});

describe("planApply", () => {
  const applied: AppliedState = { fingerprint: "f1", weights: [w("gw_split", "r1", 90), w("gw_split", "r2", 10)] };

  it("starts HAProxy when it is not running, whatever was applied before", () => {
    expect(planApply(applied, false, rendered("f1")).action).toBe("start");
  });

  it("does nothing when structure and weights are unchanged", () => {
    expect(planApply(applied, true, rendered("f1"))).toEqual({ action: "none" });
  });

  it("changes only the weights that moved, through the runtime API", () => {
    const plan = planApply(applied, true, rendered("f1", [w("gw_split", "r1", 80), w("gw_split", "r2", 10)]));
    expect(plan).toEqual({ action: "runtime", changes: [w("gw_split", "r1", 80)] });
  });

  it("raises weights before it lowers others, so a backend never has all weights at 0", () => {
    const flip = planApply(
      { fingerprint: "f1", weights: [w("gw_split", "r1", 100), w("gw_split", "r2", 0)] },
      true,
      rendered("f1", [w("gw_split", "r1", 0), w("gw_split", "r2", 100)]),
    );
    expect(flip).toEqual({ action: "runtime", changes: [w("gw_split", "r2", 100), w("gw_split", "r1", 0)] });
  });

  it("reloads on a structural change, with a reason", () => {
    const plan = planApply(applied, true, rendered("f2"));
    expect(plan.action).toBe("reload");
    expect("reason" in plan && plan.reason).toMatch(/structural/);
  });

  it("reloads once when a restarted agent does not know what runs", () => {
    expect(planApply(undefined, true, rendered("f1")).action).toBe("reload");
  });

  it("treats a server that appears with the same fingerprint as a weight change", () => {
    const plan = planApply(applied, true, rendered("f1", [...applied.weights, w("gw_split", "r3", 0)]));
    expect(plan).toEqual({ action: "runtime", changes: [w("gw_split", "r3", 0)] });
  });
});
