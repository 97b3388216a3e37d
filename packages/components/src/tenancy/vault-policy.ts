/**
 * Vault policy documents per environment (pure). Paths follow the store layout
 * (`/vamp/<organization>/<environment>/gateways/<name>` in a KV v2 mount).
 */
export interface VaultPaths {
  /** The KV v2 mount (default `secret`). */
  mount: string;
  organization: string;
  environment: string;
}

const dir = (p: VaultPaths) => `vamp/${p.organization}/${p.environment}/gateways`;

/** The gateway agents' policy: read and list their environment's gateways, nothing else. */
export function agentPolicy(p: VaultPaths): string {
  return [
    `# Gateway agents of ${p.organization}/${p.environment}: read their gateways, nothing else.`,
    `path "${p.mount}/data/${dir(p)}/*" {`,
    `  capabilities = ["read"]`,
    `}`,
    `path "${p.mount}/metadata/${dir(p)}/*" {`,
    `  capabilities = ["read", "list"]`,
    `}`,
    ``,
  ].join("\n");
}

/** The writers' policy (Pulumi's Gateway/Route resources, the reconciler): the environment's gateways only. */
export function writerPolicy(p: VaultPaths): string {
  return [
    `# Writers of ${p.organization}/${p.environment} gateways (Pulumi, the reconciler).`,
    `path "${p.mount}/data/${dir(p)}/*" {`,
    `  capabilities = ["create", "read", "update", "delete"]`,
    `}`,
    `path "${p.mount}/metadata/${dir(p)}/*" {`,
    `  capabilities = ["read", "list", "delete"]`,
    `}`,
    ``,
  ].join("\n");
}

/** Policy names: `vamp-<organization>-<environment>-<role>`. */
export const policyName = (p: Pick<VaultPaths, "organization" | "environment">, role: "agent" | "writer") => `vamp-${p.organization}-${p.environment}-${role}`;
