/** A tenant: an organization's environment. Both names are DNS labels (an environment is a namespace). */
export interface Tenant {
  organization: string;
  environment: string;
}
