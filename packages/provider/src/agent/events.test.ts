import { agentEvent } from "./events";

describe("an agent's reports as Vamp events", () => {
  it("tags starts, reloads, weight changes, rejections and dropped logs; ignores the rest", () => {
    const tags = (e: Parameters<typeof agentEvent>[0]) => agentEvent(e, "a1", 1)?.tags;
    expect(tags({ event: "started" })).toEqual(["agents:a1", "agent:started"]);
    expect(tags({ event: "applied", plan: "reload", reason: "structural", ms: 3, gateways: 2 })).toEqual(["agents:a1", "agent:reloaded"]);
    expect(tags({ event: "applied", plan: "start", reason: "haproxy is not running", ms: 3, gateways: 0 })).toEqual(["agents:a1", "agent:reloaded"]);
    expect(tags({ event: "applied", plan: "runtime", changes: 2, ms: 1, gateways: 2 })).toEqual(["agents:a1", "agent:weights"]);
    expect(tags({ event: "rejected", gateway: "shop", revision: "7", errors: ["port: bad"], keptLastGood: true })).toEqual([
      "agents:a1",
      "gateways:shop",
      "agent:rejected",
    ]);
    expect(agentEvent({ event: "logs-dropped", lines: 5, message: "m" }, "a1", 1)).toMatchObject({
      type: "logs",
      tags: ["agents:a1", "logs:dropped"],
      value: { lines: 5 },
    });
    expect(tags({ event: "store-error", message: "away" })).toBeUndefined();
  });
});
