export type { SearchEndpoint } from "./endpoint";
export { Elasticsearch, elasticsearchStatefulSet, nodesFor, validateElasticsearchArgs, type ElasticsearchArgs } from "./elasticsearch";
export * from "./templates";
