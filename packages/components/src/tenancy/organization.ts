import * as k8s from "@pulumi/kubernetes";
import * as mysql from "@pulumi/mysql";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { dnsLabel, failOn } from "../common/errors";
import { GeneratedPassword } from "../common/generated-password";
import { organizationNamespace, tenantLabels } from "../common/labels";
import type { SearchEndpoint } from "../search/endpoint";

/** Arguments of {@link Organization}. */
export interface OrganizationArgs {
  /** The organization's name: a DNS label. */
  name: string;
  /** The management cluster: the organization gets a Namespace `vamp-<name>` there. */
  managementProvider?: k8s.Provider;
  /** MySQL for the artifact journal: a database `vamp_<name>`, a user of its own and grants on that database only. */
  mysql?: { provider: mysql.Provider };
  /** Vault holding the tenants' gateways (KV v2 at `mount`, default `secret`). */
  vault?: { provider: vault.Provider; mount?: string; kubernetesAuthPath?: string };
  /** The search cluster for the organization's events, audit and gateway logs; environments may override it. Omitted: logs are not shipped. */
  search?: SearchEndpoint;
}

/** The MySQL names of an organization: `vamp_<name>` with '-' as '_'. */
export const mysqlName = (organization: string) => `vamp_${organization.replace(/-/g, "_")}`;

/**
 * A Vamp organization (a tenant): its namespace on the management cluster, its MySQL database
 * and user, and the defaults its environments inherit (Vault, search cluster).
 *
 * @example
 * const acme = new Organization("acme", { name: "acme", search: { name: "eu", url: "https://es-eu:9200" } });
 */
export class Organization extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly search?: SearchEndpoint;
  public readonly vault?: OrganizationArgs["vault"];
  public readonly namespace?: pulumi.Output<string>;
  /** The MySQL database and user, and the generated password (a secret). */
  public readonly database?: { name: string; user: string; password: pulumi.Output<string> };

  constructor(name: string, args: OrganizationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:tenancy:Organization", name, {}, opts);
    failOn(
      [
        ...dnsLabel("name", args.name),
        ...(args.name.length > 57
          ? [{ source: "", path: "name", message: `must be at most 57 characters (namespace vamp-<name>), got ${JSON.stringify(args.name)}` }]
          : []),
      ],
      "vamp:tenancy:Organization",
      name,
      this,
    );
    this.name = args.name;
    this.search = args.search;
    this.vault = args.vault;
    if (args.managementProvider) {
      const ns = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        { metadata: { name: organizationNamespace(args.name), labels: tenantLabels("organization", args.name) } },
        { parent: this, provider: args.managementProvider },
      );
      this.namespace = ns.metadata.name;
    }
    if (args.mysql) {
      const db = mysqlName(args.name);
      const password = new GeneratedPassword(`${name}-mysql-password`, { length: 32 }, { parent: this });
      const p = { parent: this, provider: args.mysql.provider };
      const database = new mysql.Database(`${name}-database`, { name: db, defaultCharacterSet: "utf8mb4", defaultCollation: "utf8mb4_unicode_ci" }, p);
      const user = new mysql.User(`${name}-mysql-user`, { user: db, host: "%", plaintextPassword: password.value }, p);
      // ALL on its own database only: no global privileges, no GRANT OPTION.
      new mysql.Grant(`${name}-mysql-grant`, { user: user.user, host: user.host, database: database.name, privileges: ["ALL PRIVILEGES"] }, p);
      this.database = { name: db, user: db, password: password.value };
    }
    this.registerOutputs({ namespace: this.namespace });
  }
}
