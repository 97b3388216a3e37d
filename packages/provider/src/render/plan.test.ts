import type { RenderedConfig, SlotState } from "../model/resolved";
import { planApply, type AppliedState } from "./plan";

const w = (backend: string, server: string, weight: number) => ({ backend, server, weight });
const rendered = (fingerprint: string, weights = [w("gw_split", "r1", 90), w("gw_split", "r2", 10)], slots: SlotState[] = []): RenderedConfig => ({
  text: "...",
  fingerprint,
  weights,
  slots,
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
    expect(plan).toEqual({ action: "runtime", changes: [w("gw_split", "r1", 80)], slots: [] });
  });

  it("raises weights before it lowers others, so a backend never has all weights at 0", () => {
    const flip = planApply(
      { fingerprint: "f1", weights: [w("gw_split", "r1", 100), w("gw_split", "r2", 0)] },
      true,
      rendered("f1", [w("gw_split", "r1", 0), w("gw_split", "r2", 100)]),
    );
    expect(flip).toEqual({ action: "runtime", changes: [w("gw_split", "r2", 100), w("gw_split", "r1", 0)], slots: [] });
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
    expect(plan).toEqual({ action: "runtime", changes: [w("gw_split", "r3", 0)], slots: [] });
  });

  describe("server slots", () => {
    const slot = (server: string, host?: string, port?: number): SlotState => ({ backend: "gw__r_v1", server, ...(host ? { host, port } : {}) });
    const before: AppliedState = { ...applied, slots: [slot("slot0", "10.0.0.1", 80), slot("slot1"), slot("slot2", "10.0.0.2", 80), slot("slot3")] };

    it("fills and empties slots at run time, filling first", () => {
      const plan = planApply(
        before,
        true,
        rendered("f1", applied.weights, [slot("slot0"), slot("slot1", "10.0.0.3", 80), slot("slot2", "10.0.0.2", 80), slot("slot3", "10.0.0.4", 80)]),
      );
      expect(plan).toEqual({ action: "runtime", changes: [], slots: [slot("slot1", "10.0.0.3", 80), slot("slot3", "10.0.0.4", 80), slot("slot0")] });
    });

    it("moves a slot to a new address or port", () => {
      const plan = planApply(
        before,
        true,
        rendered("f1", applied.weights, [slot("slot0", "10.0.0.1", 81), slot("slot1"), slot("slot2", "10.0.0.2", 80), slot("slot3")]),
      );
      expect(plan).toEqual({ action: "runtime", changes: [], slots: [slot("slot0", "10.0.0.1", 81)] });
    });

    it("sets every slot when the applied state predates slots", () => {
      const next = [slot("slot0", "10.0.0.1", 80), slot("slot1")];
      expect(planApply(applied, true, rendered("f1", applied.weights, next))).toEqual({ action: "runtime", changes: [], slots: [next[0], next[1]] });
    });

    it("names the backends whose slots were resized when it reloads", () => {
      const eight = Array.from({ length: 8 }, (_, i) => slot(`slot${i}`));
      const plan = planApply(before, true, rendered("f2", applied.weights, eight));
      expect(plan).toEqual({ action: "reload", reason: expect.stringMatching(/^server slots resized in gw__r_v1/) });
    });
  });
});
