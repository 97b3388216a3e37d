/** The labels every object of ours carries, so `kubectl get -l` finds a tenant's parts. */
export const PART_OF = "vamp";

export function labels(component: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "app.kubernetes.io/name": component, "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi", ...extra };
}

/** Labels of a tenant's objects. */
export function tenantLabels(component: string, organization: string, environment?: string): Record<string, string> {
  return labels(component, { "vamp.io/organization": organization, ...(environment ? { "vamp.io/environment": environment } : {}) });
}

/** The namespace of an environment: `<organization>-<environment>`, a DNS label. */
export function environmentNamespace(organization: string, environment: string): string {
  return `${organization}-${environment}`;
}

/** The namespace of an organization on the management cluster. */
export function organizationNamespace(organization: string): string {
  return `vamp-${organization}`;
}
