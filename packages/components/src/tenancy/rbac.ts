/**
 * Least-privilege RBAC of an environment's agents (pure: returns the objects' specs).
 *
 * - The gateway agent reads its store credentials, and nothing else, from the Kubernetes API:
 *   `get` on the one Secret `vamp-gateway-agent-store` of its namespace. Its token is mounted
 *   because Vault's Kubernetes auth method identifies it by that token.
 * - The workflow agent watches the pods of its namespace (the selector reconciler), reads its own
 *   store Secret, and scales the Deployments of its namespace when an SLA escalates (`get`,
 *   `list`, `patch` on `deployments`; it creates and deletes nothing).
 * Nothing is cluster-wide; another environment's namespace is out of reach of both.
 */
export const GATEWAY_AGENT = "vamp-gateway-agent";
export const WORKFLOW_AGENT = "vamp-workflow-agent";

/** The Secret each agent reads its store credentials from (optional: etcd without auth needs none). */
export const storeSecretName = (agent: string) => `${agent}-store`;

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export function agentRules(agent: typeof GATEWAY_AGENT | typeof WORKFLOW_AGENT): PolicyRule[] {
  const secret: PolicyRule = { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [storeSecretName(agent)] };
  if (agent === GATEWAY_AGENT) return [secret];
  return [
    secret,
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "patch"] },
  ];
}
