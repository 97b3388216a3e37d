import type { GatewayRecord } from "../model/record";
import { discoveredState, reconcileRecord } from "./discovery";
import { podsToInstances, type PodLike } from "./pods";

const pod = (
  name: string,
  labels: Record<string, string>,
  ip: string | undefined,
  opts: { ready?: boolean; deleting?: boolean; rs?: string; ports?: number[] } = {},
): PodLike => ({
  metadata: {
    name,
    namespace: "prod",
    labels,
    deletionTimestamp: opts.deleting ? new Date() : undefined,
    ownerReferences: opts.rs ? [{ kind: "ReplicaSet", name: opts.rs, controller: true }] : undefined,
  },
  spec: { containers: [{ image: `shop:${labels.version}`, ports: (opts.ports ?? [8080]).map((containerPort) => ({ containerPort })) }] },
  status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
});

describe("podsToInstances", () => {
  it("names the Deployment behind a ReplicaSet and numbers its pods by name", () => {
    const out = podsToInstances([
      pod("shop-7d9f-b", { app: "shop", version: "1", "pod-template-hash": "7d9f" }, "10.1.0.2", { rs: "shop-7d9f" }),
      pod("shop-7d9f-a", { app: "shop", version: "1", "pod-template-hash": "7d9f" }, "10.1.0.1", { rs: "shop-7d9f" }),
    ]);
    expect(out.map((i) => [i.instance, i.kind, i.name, i.index])).toEqual([
      ["shop-7d9f-b", "Deployment", "shop", 1],
      ["shop-7d9f-a", "Deployment", "shop", 0],
    ]);
  });

  it("gives pods that are not ready or terminating no address", () => {
    const out = podsToInstances([
      pod("a", { version: "1" }, "10.1.0.1", { ready: false }),
      pod("b", { version: "1" }, "10.1.0.2", { deleting: true }),
      pod("c", { version: "1" }, "10.1.0.3"),
    ]);
    expect(out.map((i) => i.ip)).toEqual(["", "", "10.1.0.3"]);
  });
});

describe("discoveredState and reconcileRecord", () => {
  const sel = "label(app)(shop) && label(version)((.*))";
  const pods = [
    pod("shop-1-a", { app: "shop", version: "1.0" }, "10.1.0.1"),
    pod("shop-2-a", { app: "shop", version: "2.0" }, "10.1.0.2"),
    pod("other", { app: "x", version: "1.0" }, "10.1.0.9"),
    pod("shop-2-b", { app: "shop", version: "2.0" }, undefined, { ready: false }),
  ];

  it("groups ready matching pods by captured version and reports the ones it skipped", () => {
    const s = discoveredState(sel, podsToInstances(pods), "test");
    expect(s.routes).toEqual({ "(1.0)": [{ name: "shop-1-a", host: "10.1.0.1", port: 8080 }], "(2.0)": [{ name: "shop-2-a", host: "10.1.0.2", port: 8080 }] });
    expect(s.skipped).toEqual([{ instance: "shop-2-b", reason: expect.stringMatching(/no IP/) }]);
  });

  it("changes only `discovered`, and nothing when the routes are the same", () => {
    const rec: GatewayRecord = { apiVersion: "vamp.io/v2", kind: "Gateway", name: "shop", spec: { selector: sel, routes: { "(1.0)": { weight: 100 } } } };
    const next = reconcileRecord(rec, podsToInstances(pods), "r1")!;
    expect(next.spec).toBe(rec.spec);
    expect(Object.keys(next.discovered!.routes)).toEqual(["(1.0)", "(2.0)"]);
    expect(reconcileRecord(next, podsToInstances(pods), "r2")).toBeUndefined();
    expect(reconcileRecord({ ...rec, spec: { routes: {} } }, podsToInstances(pods), "r")).toBeUndefined();
  });

  it("refuses an invalid selector with the offset", () => {
    expect(() => discoveredState("label(app)(", [], "x")).toThrow(/selector "label\(app\)\(": .* at offset/);
  });
});
