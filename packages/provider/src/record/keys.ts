/**
 * The one key layout of the store, per tenant:
 *
 *   /vamp/<organization>/<environment>/gateways/<url-encoded gateway name>  → GatewayRecord (JSON)
 *
 * Gateway names may hold `/` (Vamp names have up to four segments); they are URL-encoded into
 * one key segment so every store, flat (etcd, Vault) or hierarchical (ZooKeeper), sees one
 * entry per gateway.
 */
import type { Tenant } from "../model/tenant";

export const STORE_ROOT = "/vamp";

/** `/vamp/<organization>/<environment>` */
export function tenantDir(t: Tenant): string {
  return `${STORE_ROOT}/${t.organization}/${t.environment}`;
}

/** The directory the gateway agent of a tenant watches. */
export function gatewaysDir(t: Tenant): string {
  return `${tenantDir(t)}/gateways`;
}

/** The key of one gateway's record. */
export function gatewayKey(t: Tenant, gatewayName: string): string {
  return `${gatewaysDir(t)}/${encodeURIComponent(gatewayName)}`;
}

/** The gateway name a key holds, or undefined when the key is not a gateway record. */
export function gatewayNameOf(t: Tenant, key: string): string | undefined {
  const dir = `${gatewaysDir(t)}/`;
  if (!key.startsWith(dir)) return undefined;
  const rest = key.slice(dir.length);
  return rest && !rest.includes("/") ? decodeURIComponent(rest) : undefined;
}

/** Where each gateway agent of a tenant says it is alive, where its status endpoint is and what it serves. */
export function agentsDir(t: Tenant): string {
  return `${tenantDir(t)}/agents`;
}

/** The key of one agent's presence record. */
export function agentKey(t: Tenant, agentId: string): string {
  return `${agentsDir(t)}/${encodeURIComponent(agentId)}`;
}

/** Where a tenant's canary releases are kept. */
export function releasesDir(t: Tenant): string {
  return `${tenantDir(t)}/releases`;
}

/** The key of one release's record. */
export function releaseKey(t: Tenant, name: string): string {
  return `${releasesDir(t)}/${encodeURIComponent(name)}`;
}

/** Where a tenant's SLAs are kept. */
export function slasDir(t: Tenant): string {
  return `${tenantDir(t)}/slas`;
}

/** The key of a deployment cluster's SLA. */
export function slaKey(t: Tenant, deployment: string, cluster: string): string {
  return `${slasDir(t)}/${encodeURIComponent(`${deployment}.${cluster}`)}`;
}

/** Where a tenant's workflows are kept. */
export function workflowsDir(t: Tenant): string {
  return `${tenantDir(t)}/workflows`;
}

/** The key of one workflow. */
export function workflowKey(t: Tenant, name: string): string {
  return `${workflowsDir(t)}/${encodeURIComponent(name)}`;
}

/** Where the workflow agent keeps its own records of a tenant's SLAs and workflows (the records themselves are the stack's). */
export function statusDir(t: Tenant, kind: "slas" | "workflows"): string {
  return `${tenantDir(t)}/status/${kind}`;
}

/** The workflow agent's record of the SLA or workflow whose key is `recordKey`. */
export function statusKeyOf(t: Tenant, kind: "slas" | "workflows", recordKey: string): string {
  return `${statusDir(t, kind)}/${recordKey.split("/").pop()}`;
}
