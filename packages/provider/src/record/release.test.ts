import { RELEASE_API_VERSION, type ReleaseRecord } from "../model/release";
import { decodeRelease, encodeRelease, leaseLapsed, withDecision, withLease } from "./release";

const record: ReleaseRecord = {
  apiVersion: RELEASE_API_VERSION,
  kind: "Release",
  name: "shop-canary",
  spec: { gateway: "shop", stable: "v1", canary: "v2", steps: { increment: 20 } },
  driver: "pulumi",
  decisions: [],
};

describe("release records", () => {
  it("round-trip as text with sorted keys, and name what is wrong", () => {
    expect(decodeRelease("k", encodeRelease(record))).toEqual(record);
    expect(() => decodeRelease("/vamp/a/b/releases/x", "{")).toThrow(/^\/vamp\/a\/b\/releases\/x: not JSON/);
    expect(() => decodeRelease("k", JSON.stringify({ ...record, kind: "Gateway" }))).toThrow(/not a release record/);
  });
  it("lease: one driver at a time; a lapsed lease may be taken", () => {
    const held = withLease(record, "pulumi/a", 3000, 1000);
    expect(held.lease).toEqual({ holder: "pulumi/a", expiresAt: 4000 });
    expect(withLease(held, "pulumi/a", 3000, 2000).lease!.expiresAt).toBe(5000); // renewed
    expect(() => withLease(held, "agent/b", 3000, 2000)).toThrow(/driven by pulumi\/a until/);
    expect(leaseLapsed(held, 3999)).toBe(false);
    expect(leaseLapsed(held, 4001)).toBe(true);
    expect(withLease(held, "agent/b", 3000, 4001).lease!.holder).toBe("agent/b");
    expect(leaseLapsed(record, 1e15)).toBe(false); // no lease, nothing lapses
  });
  it("keeps the latest 50 decisions", () => {
    let r = record;
    for (let i = 0; i < 60; i++) r = withDecision(r, { at: i, step: 0, action: "hold", reason: `${i}` });
    expect(r.decisions.map((d) => d.at)).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
  });
});
