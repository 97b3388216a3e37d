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
  const err = (path: string, message: string) => out.push({ source: "", path, message });
  const regions = new Map(layout.regions.map((r) => [r.name, r]));
  checkRegions(layout, err);
  if (!regions.has(layout.managementRegion)) {
    err("managementRegion", `names no declared region: "${layout.managementRegion}" (declared: ${[...regions.keys()].join(", ") || "none"})`);
  }
  const national = new Set((layout.nationalRequirements ?? ["DE"]).map((c) => c.toUpperCase()));
  layout.environments.forEach((e, i) => checkEnvironment(e, `environments[${i}]`, layout, regions, national, err));
  return out;
}

type Report = (path: string, message: string) => void;

function checkRegions(layout: RegionalLayout, err: Report): void {
  layout.regions.forEach((r, i) => {
    if (layout.regions.findIndex((x) => x.name === r.name) !== i) err(`regions[${i}].name`, `region "${r.name}" is declared twice`);
    for (const c of r.countries ?? []) {
      if (EU_COUNTRIES.has(c.toUpperCase()) && r.jurisdiction !== "EU") {
        err(`regions[${i}].countries`, `region "${r.name}" claims to meet ${c}'s own requirement but is not under EU jurisdiction (${r.jurisdiction})`);
      }
    }
  });
}

function checkEnvironment(
  e: EnvironmentPlacement,
  at: string,
  layout: RegionalLayout,
  regions: Map<string, SearchRegion>,
  national: Set<string>,
  err: Report,
): void {
  const cluster = regions.get(e.gatewayLogs);
  if (!cluster) {
    err(
      `${at}.gatewayLogs`,
      `environment "${e.name}": gateway logs go to "${e.gatewayLogs}", which is not a declared region (declared: ${[...regions.keys()].join(", ")})`,
    );
  } else checkGatewayLogs(e, at, cluster, national, err);
  const audit = e.auditLogs ?? layout.managementRegion;
  if (audit !== layout.managementRegion) {
    err(
      `${at}.auditLogs`,
      `environment "${e.name}": audit logs go to cluster "${audit}", but they belong in the management region's cluster "${layout.managementRegion}"`,
    );
  }
  for (const c of e.countries) {
    if (!/^[A-Za-z]{2}$/.test(c)) err(`${at}.countries`, `environment "${e.name}": ${JSON.stringify(c)} is not an ISO 3166-1 alpha-2 country code`);
  }
}

/** Where an environment's gateway logs may go: a country's own cluster where it requires one, an EU cluster for EU users. */
function checkGatewayLogs(e: EnvironmentPlacement, at: string, cluster: SearchRegion, national: Set<string>, err: Report): void {
  const ownRequirement = e.countries.map((c) => c.toUpperCase()).filter((c) => national.has(c));
  if (ownRequirement.length > 1) {
    err(
      `${at}.countries`,
      `environment "${e.name}" serves users in ${ownRequirement.join(" and ")}, each of which needs a cluster of its own: split the environment by country`,
    );
  }
  const clusterCountries = (cluster.countries ?? []).map((x) => x.toUpperCase());
  for (const c of e.countries.map((x) => x.toUpperCase())) {
    if (national.has(c) && !clusterCountries.includes(c)) {
      err(
        `${at}.gatewayLogs`,
        `environment "${e.name}" serves users in ${c}, which requires its own cluster, but its gateway logs go to cluster "${cluster.name}": declare a region with countries: ["${c}"] and send the logs there`,
      );
    } else if (EU_COUNTRIES.has(c) && cluster.jurisdiction !== "EU") {
      err(
        `${at}.gatewayLogs`,
        `environment "${e.name}" serves users in ${c} (EU), but its gateway logs go to cluster "${cluster.name}" under ${cluster.jurisdiction} jurisdiction: send them to an EU cluster`,
      );
    }
  }
}
