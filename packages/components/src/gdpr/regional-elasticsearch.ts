import * as pulumi from "@pulumi/pulumi";
import type { SearchEndpoint } from "../search/endpoint";
import { checkRegionalLayout, type EnvironmentPlacement, type SearchRegion } from "./rules";

/** Arguments of {@link RegionalElasticsearch}. */
export interface RegionalElasticsearchArgs {
  /** The management cluster's region; audit logs go to its cluster. */
  managementRegion: string;
  /** Each region with the search cluster in it. */
  regions: (SearchRegion & { cluster: SearchEndpoint })[];
  /** Where each environment's users are and where its logs go. */
  environments: EnvironmentPlacement[];
  /** Countries whose national law asks for a cluster of their own (default `["DE"]`). */
  nationalRequirements?: string[];
}

/** Where one environment's logs are stored. */
export interface LogRouting {
  gatewayLogs: SearchEndpoint;
  auditLogs: SearchEndpoint;
}

/**
 * Regional search clusters for GDPR: every environment declares the countries of its users and
 * where its gateway logs go; the layout is checked when the program runs (so at `pulumi
 * preview`), and a violation fails it with a message naming the environment, the country and
 * the cluster. The result is the routing the agents' log shipping uses.
 *
 * @example
 * new RegionalElasticsearch("search", {
 *   managementRegion: "us",
 *   regions: [{ name: "us", jurisdiction: "US", cluster: us }, { name: "eu", jurisdiction: "EU", cluster: eu },
 *             { name: "de", jurisdiction: "EU", countries: ["DE"], cluster: de }],
 *   environments: [{ name: "acme/shop-de", countries: ["DE"], gatewayLogs: "de" }],
 * });
 */
export class RegionalElasticsearch extends pulumi.ComponentResource {
  /** Per environment name: the clusters its logs go to. */
  public readonly routing: Record<string, LogRouting>;

  constructor(name: string, args: RegionalElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:search:RegionalElasticsearch", name, {}, opts);
    const problems = checkRegionalLayout(args);
    if (problems.length) {
      throw new pulumi.ResourceError(`vamp:search:RegionalElasticsearch "${name}": ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, this);
    }
    const cluster = (region: string) => args.regions.find((r) => r.name === region)!.cluster;
    this.routing = Object.fromEntries(
      args.environments.map((e) => [e.name, { gatewayLogs: cluster(e.gatewayLogs), auditLogs: cluster(e.auditLogs ?? args.managementRegion) }]),
    );
    this.registerOutputs({ routing: this.routing });
  }
}
