/** The CanaryRelease's check at preview: log checks need the search cluster they ask. */
import { check } from "./handlers";

const base = {
  store: { kind: "etcd", endpoints: ["http://127.0.0.1:2379"] },
  organization: "acme",
  environment: "prod",
  releaseName: "shop-v2",
  gateway: "shop",
  stable: "v1",
  canary: "v2",
  steps: { weights: [20, 50] },
};
const logs = [{ name: "slow", query: "duration_ms:>500", maxShare: 0.01 }];

describe("CanaryRelease check", () => {
  it("accepts log checks with the environment's search cluster", async () => {
    expect((await check(undefined, { ...base, analysis: { logs }, logs: { url: "https://search-eu:9200" } })).failures).toBeUndefined();
  });

  it("refuses log checks without a search cluster to ask, and a bad one, naming the field", async () => {
    expect((await check(undefined, { ...base, analysis: { logs } })).failures).toEqual([
      {
        property: "logs",
        reason: "must be set when analysis.logs has checks: the search cluster the gateway agents ship their access logs to ({ url, flavor? })",
      },
    ]);
    expect((await check(undefined, { ...base, analysis: { logs }, logs: { url: "search-eu" } })).failures).toEqual([
      { property: "logs", reason: 'logs.url: must be a URL like "https://search-eu:9200", got "search-eu"' },
    ]);
  });

  it("names a bad log check with its index and value", async () => {
    const r = await check(undefined, {
      ...base,
      analysis: { logs: [{ name: "slow", query: "duration_ms:>500", maxShare: 2 }] },
      logs: { url: "https://search-eu:9200" },
    });
    expect(r.failures).toEqual([{ property: "analysis", reason: "analysis.logs[0].maxShare: must be a share from 0 to 1 (0.01 is 1%), got 2" }]);
  });
});
