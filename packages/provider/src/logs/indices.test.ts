import { dailyIndex, expiredIndices, indexPrefix, indexTemplate } from "./indices";

describe("index templates and retention", () => {
  const prefix = indexPrefix("acme", "prod", "gateway-logs");
  it("names indices per tenant and stream, daily", () => {
    expect(prefix).toBe("vamp-acme-prod-gateway-logs");
    expect(indexPrefix("acme", undefined, "audit")).toBe("vamp-acme-audit");
    expect(dailyIndex(prefix, new Date(Date.UTC(2026, 0, 5)))).toBe("vamp-acme-prod-gateway-logs-2026.01.05");
  });

  it("expires whole days older than the retention, and only this prefix's indices", () => {
    const now = new Date(Date.UTC(2026, 10, 24, 13));
    const indices = [
      `${prefix}-2026.11.17`,
      `${prefix}-2026.11.16`,
      `${prefix}-2025.01.01`,
      `${prefix}-2026.11.24`,
      "vamp-acme-prod-gateway-logs-extra-2020.01.01",
      "other-2020.01.01",
    ];
    expect(expiredIndices(prefix, indices, 7, now)).toEqual([`${prefix}-2026.11.16`, `${prefix}-2025.01.01`]);
  });

  it("maps gateway logs strictly, metadata only", () => {
    const t = indexTemplate(prefix, "gateway-logs", { retentionDays: 14 }) as {
      template: { mappings: { dynamic: string; properties: Record<string, unknown> } };
      _meta: { retention_days: number };
    };
    expect(t.template.mappings.dynamic).toBe("strict");
    expect(Object.keys(t.template.mappings.properties)).not.toContain("body");
    expect(t._meta.retention_days).toBe(14);
  });
});
