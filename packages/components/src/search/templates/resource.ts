import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "@vamp-pulumi/provider";
import type { LogStream, StreamSpec } from "@vamp-pulumi/provider";

/** Arguments of {@link SearchLogIndices}. */
export interface SearchLogIndicesArgs {
  /** The search cluster (Elasticsearch or OpenSearch), e.g. `https://search-eu:9200`. */
  url: pulumi.Input<string>;
  /** `elasticsearch` or `opensearch`; omitted: asked of the cluster (`GET /`). */
  flavor?: pulumi.Input<"elasticsearch" | "opensearch">;
  organization: pulumi.Input<string>;
  /** Omitted: organization-wide indices (audit, events). */
  environment?: pulumi.Input<string>;
  /** Which streams, each with its retention in days. */
  streams: pulumi.Input<Partial<Record<LogStream, StreamSpec>>>;
  /** Basic auth or an API key; kept secret in the state file. */
  credentials?: pulumi.Input<{ username?: pulumi.Input<string>; password?: pulumi.Input<string>; apiKey?: pulumi.Input<string> }>;
}

const provider = delegatingProvider("dist/search/templates/handlers", "@vamp-pulumi/components");

/**
 * Index templates and retention of a tenant's logs in one search cluster: daily indices
 * `vamp-<organization>[-<environment>]-<stream>-YYYY.MM.DD` with strict mappings (metadata only),
 * and the indices older than the retention deleted at every `up` and `refresh`.
 *
 * @example
 * new SearchLogIndices("acme-prod-logs", {
 *   url: "https://search-eu:9200", organization: "acme", environment: "prod",
 *   streams: { "gateway-logs": { retentionDays: 14 }, events: { retentionDays: 90 } },
 * });
 */
export class SearchLogIndices extends pulumi.dynamic.Resource {
  declare public readonly templates: pulumi.Output<string[]>;
  declare public readonly deleted: pulumi.Output<string[]>;

  constructor(name: string, args: SearchLogIndicesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { templates: undefined, deleted: undefined, ...args, credentials: args.credentials === undefined ? undefined : pulumi.secret(args.credentials) },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials"] }),
      "vamp",
      "SearchLogIndices",
    );
  }
}
