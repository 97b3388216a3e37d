/**
 * Vault policy documents per environment (pure). Paths follow the store layout
 * (`/vamp/<organization>/<environment>/{gateways,agents,releases,slas,workflows,status}/…` in a KV v2 mount).
 */
export interface VaultPaths {
  /** The KV v2 mount (default `secret`). */
  mount: string;
  organization: string;
  environment: string;
}

type Dir = "gateways" | "agents" | "releases" | "slas" | "workflows" | "status";

const dir = (p: VaultPaths, what: Dir = "gateways") => `vamp/${p.organization}/${p.environment}/${what}`;

/** HCL granting `data` and `metadata` capabilities below one directory of the environment. */
function grant(p: VaultPaths, what: Dir, data: string[], metadata: string[]): string[] {
  const caps = (c: string[]) => `  capabilities = [${c.map((x) => JSON.stringify(x)).join(", ")}]`;
  return [`path "${p.mount}/data/${dir(p, what)}/*" {`, caps(data), `}`, `path "${p.mount}/metadata/${dir(p, what)}/*" {`, caps(metadata), `}`];
}

/** The gateway agents' policy: read and list their environment's gateways, and write their presence; nothing else. */
export function agentPolicy(p: VaultPaths): string {
  return [
    `# Gateway agents of ${p.organization}/${p.environment}: read their gateways, write their presence, nothing else.`,
    ...grant(p, "gateways", ["read"], ["read", "list"]),
    ...grant(p, "agents", ["create", "read", "update"], ["read", "list"]),
    ``,
  ].join("\n");
}

/**
 * The writers' policy (Pulumi's Gateway, Route, CanaryRelease, Deployment and Workflow
 * resources, the reconciler, the workflow agent): the environment's gateways, releases, SLAs,
 * workflows and the workflow agent's status records, and reading the agents' presence.
 */
export function writerPolicy(p: VaultPaths): string {
  return [
    `# Writers of ${p.organization}/${p.environment} gateways, releases, SLAs and workflows (Pulumi, the reconciler, the workflow agent).`,
    ...(["gateways", "releases", "slas", "workflows", "status"] as const).flatMap((d) =>
      grant(p, d, ["create", "read", "update", "delete"], ["read", "list", "delete"]),
    ),
    ...grant(p, "agents", ["read"], ["read", "list"]),
    ``,
  ].join("\n");
}

/** Policy names: `vamp-<organization>-<environment>-<role>`. */
export const policyName = (p: Pick<VaultPaths, "organization" | "environment">, role: "agent" | "writer") => `vamp-${p.organization}-${p.environment}-${role}`;
