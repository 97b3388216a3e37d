/** A search cluster (Elasticsearch or OpenSearch) that events, audit and gateway logs go to. */
export interface SearchEndpoint {
  /** A name for messages and index prefixes (`eu`, `de`, `us`). */
  name: string;
  /** The cluster's URL, e.g. `https://es-eu.example.com:9200`. */
  url: string;
  /** The region it runs in (`eu-west-1`); the GDPR check compares jurisdictions, not this. */
  region?: string;
  /** `elasticsearch` or `opensearch`; omitted: the agents ask the cluster (`GET /`). */
  flavor?: "elasticsearch" | "opensearch";
}
