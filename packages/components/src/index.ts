/**
 * @vamp-pulumi/components: Vamp's deployment topologies and tenancy as Pulumi components.
 *
 * - Tenancy: {@link Organization}, {@link Environment} (namespace, least-privilege RBAC, Vault policies, MySQL database).
 * - Topologies: {@link AllInOne} (quickstart), {@link ManagementCluster} + {@link ServiceCluster}.
 * - Dependencies: {@link Mysql}, {@link Vault}, {@link Elasticsearch}; GDPR: {@link RegionalElasticsearch}.
 */
export * from "./tenancy";
export * from "./service-cluster";
export * from "./management-cluster";
export * from "./all-in-one";
export * from "./mysql";
export * from "./vault";
export * from "./search";
export * from "./gdpr";
export * from "./deployment";
export * from "./workflow";
export { GeneratedPassword } from "./common/generated-password";
export { DEFAULT_IMAGES, type Images } from "./common/images";
export { environmentNamespace, organizationNamespace } from "./common/labels";
export * as provider from "@vamp-pulumi/provider";
