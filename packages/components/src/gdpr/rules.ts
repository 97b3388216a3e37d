import type { Problem } from "@vamp-pulumi/provider";

/**
 * Where each environment's logs may be stored (pure), from the GDPR guidance of Vamp's
 * architecture: gateway logs stay in the region of their traffic; environments serving EU
 * users log to an EU cluster; a country whose national law asks for it (Germany in the
 * reference layout) gets a cluster of its own; audit logs go to the management region.
 */

/** EU member states (ISO 3166-1 alpha-2). */
export const EU_COUNTRIES = new Set([
  "AT",
  "BE",
  "BG",
  "HR",
  "CY",
  "CZ",
  "DK",
  "EE",
  "FI",
  "FR",
  "DE",
  "GR",
  "HU",
  "IE",
  "IT",
  "LV",
  "LT",
  "LU",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SK",
  "SI",
  "ES",
  "SE",
]);

export interface SearchRegion {
  /** The region's name (`eu`, `de`, `us`). */
  name: string;
  /** Whose law its cluster is under: `EU` for a cluster in an EU member state. */
  jurisdiction: string;
  /** Countries whose own requirement this cluster meets (e.g. `["DE"]` for a cluster in Germany for German users). */
  countries?: string[];
}

export interface EnvironmentPlacement {
  /** `organization/environment`, for messages. */
  name: string;
  /** Countries of the environment's users (ISO alpha-2). */
  countries: string[];
  /** The region its gateway logs go to. */
  gatewayLogs: string;
  /** The region its audit logs go to (default: the management region). */
  auditLogs?: string;
}

export interface RegionalLayout {
  /** The management cluster's region: audit logs go there. */
  managementRegion: string;
  regions: SearchRegion[];
  environments: EnvironmentPlacement[];
  /** Countries with their own requirement (default `["DE"]`). */
  nationalRequirements?: string[];
}

/** A problem of a regional layout (the provider's one problem type). */
export type LayoutProblem = Problem;

/**
 * Every violation of the rules, each naming the environment, the country and the cluster.
 *
 * @example
 * checkRegionalLayout({ managementRegion: "us", regions: [{ name: "us", jurisdiction: "US" }],
 *   environments: [{ name: "acme/eu-shop", countries: ["FR"], gatewayLogs: "us" }] })
 * // [{ path: "environments[0].gatewayLogs", message: 'environment "acme/eu-shop" serves users in FR (EU), but its gateway logs go to cluster "us" (jurisdiction US): ...' }]
 */
export function checkRegionalLayout(layout: RegionalLayout): LayoutProblem[] {
  const out: LayoutProblem[] = [];
  const national = new Set((layout.nationalRequirements ?? ["DE"]).map((c) => c.toUpperCase()));
  const regions = new Map(layout.regions.map((r) => [r.name, r]));
  layout.regions.forEach((r, i) => {
    if (layout.regions.findIndex((x) => x.name === r.name) !== i)
      out.push({ source: "", path: `regions[${i}].name`, message: `region "${r.name}" is declared twice` });
    for (const c of r.countries ?? []) {
      if (EU_COUNTRIES.has(c.toUpperCase()) && r.jurisdiction !== "EU") {
        out.push({
          source: "",
          path: `regions[${i}].countries`,
          message: `region "${r.name}" claims to meet ${c}'s own requirement but is not under EU jurisdiction (${r.jurisdiction})`,
        });
      }
    }
  });
  if (!regions.has(layout.managementRegion))
    out.push({
      source: "",
      path: "managementRegion",
      message: `names no declared region: "${layout.managementRegion}" (declared: ${[...regions.keys()].join(", ") || "none"})`,
    });
  layout.environments.forEach((e, i) => {
    const at = `environments[${i}]`;
    const cluster = regions.get(e.gatewayLogs);
    if (!cluster) {
      out.push({
        source: "",
        path: `${at}.gatewayLogs`,
        message: `environment "${e.name}": gateway logs go to "${e.gatewayLogs}", which is not a declared region (declared: ${[...regions.keys()].join(", ")})`,
      });
    } else {
      const ownRequirement = e.countries.map((c) => c.toUpperCase()).filter((c) => national.has(c));
      if (ownRequirement.length > 1) {
        out.push({
          source: "",
          path: `${at}.countries`,
          message: `environment "${e.name}" serves users in ${ownRequirement.join(" and ")}, each of which needs a cluster of its own: split the environment by country`,
        });
      }
      for (const raw of e.countries) {
        const c = raw.toUpperCase();
        if (national.has(c) && !(cluster.countries ?? []).map((x) => x.toUpperCase()).includes(c)) {
          out.push({
            source: "",
            path: `${at}.gatewayLogs`,
            message: `environment "${e.name}" serves users in ${c}, which requires its own cluster, but its gateway logs go to cluster "${cluster.name}": declare a region with countries: ["${c}"] and send the logs there`,
          });
        } else if (EU_COUNTRIES.has(c) && cluster.jurisdiction !== "EU") {
          out.push({
            source: "",
            path: `${at}.gatewayLogs`,
            message: `environment "${e.name}" serves users in ${c} (EU), but its gateway logs go to cluster "${cluster.name}" under ${cluster.jurisdiction} jurisdiction: send them to an EU cluster`,
          });
        }
      }
    }
    const audit = e.auditLogs ?? layout.managementRegion;
    if (audit !== layout.managementRegion) {
      out.push({
        source: "",
        path: `${at}.auditLogs`,
        message: `environment "${e.name}": audit logs go to cluster "${audit}", but they belong in the management region's cluster "${layout.managementRegion}"`,
      });
    }
    for (const c of e.countries)
      if (!/^[A-Za-z]{2}$/.test(c))
        out.push({ source: "", path: `${at}.countries`, message: `environment "${e.name}": ${JSON.stringify(c)} is not an ISO 3166-1 alpha-2 country code` });
  });
  return out;
}
