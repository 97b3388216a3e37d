/**
 * Vamp deployment topologies and tenancy as Pulumi component resources.
 * The components arrive with the topology work; this entry point re-exports the provider
 * so a program can depend on one package.
 */
export * as provider from "@vamp-pulumi/provider";
