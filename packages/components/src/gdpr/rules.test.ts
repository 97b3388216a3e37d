import { checkRegionalLayout, type RegionalLayout } from "./rules";

const regions = [
  { name: "us", jurisdiction: "US" },
  { name: "eu", jurisdiction: "EU" },
  { name: "de", jurisdiction: "EU", countries: ["DE"] },
];
const layout = (environments: RegionalLayout["environments"]): RegionalLayout => ({ managementRegion: "us", regions, environments });

describe("checkRegionalLayout", () => {
  it("accepts the reference layout", () => {
    expect(
      checkRegionalLayout(
        layout([
          { name: "a/eu", countries: ["FR"], gatewayLogs: "eu" },
          { name: "a/de", countries: ["DE"], gatewayLogs: "de" },
          { name: "a/us", countries: ["US"], gatewayLogs: "us" },
        ]),
      ),
    ).toEqual([]);
  });

  it("names the environment, the country and the cluster of each violation", () => {
    const p = checkRegionalLayout(
      layout([
        { name: "a/eu", countries: ["fr"], gatewayLogs: "us" },
        { name: "a/de", countries: ["DE"], gatewayLogs: "eu" },
      ]),
    );
    expect(p.map((x) => x.path)).toEqual(["environments[0].gatewayLogs", "environments[1].gatewayLogs"]);
    expect(p[0].message).toMatch(/"a\/eu" serves users in FR \(EU\).*cluster "us"/);
    expect(p[1].message).toMatch(/"a\/de" serves users in DE, which requires its own cluster.*cluster "eu"/);
  });

  it("refuses unknown regions and country codes, and audit logs outside the management region", () => {
    const p = checkRegionalLayout({
      managementRegion: "mars",
      regions,
      environments: [{ name: "a/x", countries: ["Germany"], gatewayLogs: "moon", auditLogs: "eu" }],
    });
    expect(p.map((x) => x.path).sort()).toEqual(["environments[0].auditLogs", "environments[0].countries", "environments[0].gatewayLogs", "managementRegion"]);
  });
});
