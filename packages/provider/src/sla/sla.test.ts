import type { Escalation, Sla } from "../model/artifact";
import { planEscalation } from "./escalate";
import { slaVerdict } from "./evaluate";

const sla: Sla = { type: "response_time_sliding_window", threshold: { upper: 1000, lower: 100 }, window: { interval: 30, cooldown: 60 }, escalations: [] };

describe("the response-time SLA", () => {
  it("escalates above upper, de-escalates below lower, holds between, says nothing without traffic", () => {
    expect(slaVerdict(sla, { requests: 300, meanMs: 1450 }, undefined, 0)).toEqual({
      action: "escalate",
      reason: "mean response time 1450 ms over the last 30 s above 1000 ms",
    });
    expect(slaVerdict(sla, { requests: 300, meanMs: 40 }, undefined, 0).action).toBe("deescalate");
    expect(slaVerdict(sla, { requests: 300, meanMs: 500 }, undefined, 0).action).toBe("none");
    expect(slaVerdict(sla, { requests: 0 }, undefined, 0).reason).toBe("no requests over the last 30 s: nothing to judge");
  });
  it("does nothing within the cooldown of its last action", () => {
    expect(slaVerdict(sla, { requests: 300, meanMs: 1450 }, 1000, 50_000)).toEqual({
      action: "none",
      reason: "cooling down: 11 s left after the last escalation",
    });
    expect(slaVerdict(sla, { requests: 300, meanMs: 1450 }, 1000, 61_000).action).toBe("escalate");
  });
});

describe("escalations", () => {
  const now = { web: { instances: 2, cpu: 0.5, memory: 512 }, db: { instances: 1, cpu: 1, memory: 1024 } };
  const instances: Escalation = { type: "scale_instances", minimum: 1, maximum: 3, scaleBy: 1 };
  it("scales within minimum and maximum, on the SLA's cluster or the target", () => {
    expect(planEscalation([instances], true, "web", now)).toEqual([{ cluster: "web", field: "instances", from: 2, to: 3 }]);
    expect(planEscalation([instances], true, "web", { ...now, web: { ...now.web, instances: 3 } })).toEqual([]);
    expect(planEscalation([instances], false, "web", { ...now, web: { ...now.web, instances: 1 } })).toEqual([]);
    expect(planEscalation([{ type: "scale_memory", scaleBy: 512, maximum: 2048, target: "db" }], true, "web", now)).toEqual([
      { cluster: "db", field: "memory", from: 1024, to: 1536 },
    ]);
    expect(planEscalation([{ type: "scale_cpu", scaleBy: 0.2 }], false, "web", now)).toEqual([{ cluster: "web", field: "cpu", from: 0.5, to: 0.3 }]);
  });
  it("to_all applies every escalation; to_one the first that can (escalating), the last that can (de-escalating)", () => {
    const cpu: Escalation = { type: "scale_cpu", scaleBy: 0.5, maximum: 2 };
    expect(planEscalation([{ type: "to_all", escalations: [instances, cpu] }], true, "web", now).map((c) => c.field)).toEqual(["instances", "cpu"]);
    const one: Escalation = { type: "to_one", escalations: [instances, cpu] };
    expect(planEscalation([one], true, "web", now).map((c) => c.field)).toEqual(["instances"]);
    expect(planEscalation([one], true, "web", { ...now, web: { ...now.web, instances: 3 } }).map((c) => c.field)).toEqual(["cpu"]);
    expect(planEscalation([one], false, "web", { ...now, web: { ...now.web, cpu: 1 } }).map((c) => c.field)).toEqual(["cpu"]);
  });
});
