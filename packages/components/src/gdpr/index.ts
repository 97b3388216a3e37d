export { checkRegionalLayout, EU_COUNTRIES, type RegionalLayout, type SearchRegion, type EnvironmentPlacement, type LayoutProblem } from "./rules";
export { RegionalElasticsearch, type RegionalElasticsearchArgs, type LogRouting } from "./regional-elasticsearch";
