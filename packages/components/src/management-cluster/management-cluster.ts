import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dnsLabel, failOn } from "../common/errors";
import { labels } from "../common/labels";
import { Mysql, type MysqlExternalArgs, type MysqlInClusterArgs } from "../mysql/mysql";
import { Elasticsearch, type ElasticsearchArgs } from "../search/elasticsearch";
import type { SearchEndpoint } from "../search/endpoint";
import { Vault, type VaultExternalArgs, type VaultInClusterArgs } from "../vault/vault";

/** Arguments of {@link ManagementCluster}. */
export interface ManagementClusterArgs {
  /** The management cluster's Kubernetes provider. */
  provider: k8s.Provider;
  /** Where Vamp's parts run (default `vamp-system`). */
  namespace?: string;
  /** MySQL: external and managed (recommended), or in this cluster on a persistent volume. */
  mysql: MysqlExternalArgs | Omit<MysqlInClusterArgs, "provider" | "namespace">;
  /** Vault: external (recommended), or in this cluster with the MySQL above as its storage. */
  vault: VaultExternalArgs | Omit<VaultInClusterArgs, "provider" | "namespace" | "mysql">;
  /** The search cluster of the management region (audit logs): in this cluster on persistent volumes, or an external one. */
  search: ({ mode: "in-cluster" } & Omit<ElasticsearchArgs, "provider" | "namespace">) | ({ mode: "external" } & SearchEndpoint);
}

/**
 * The management cluster: Vamp's dependencies (MySQL, Vault, the management region's search
 * cluster) on storage that survives a cluster restart. Service clusters run the agents.
 *
 * @example
 * const mgmt = new ManagementCluster("mgmt", {
 *   provider: mgmtProvider,
 *   mysql: { mode: "external", endpoint: "db.example.com:3306", username: "admin", password: cfg.requireSecret("mysql") },
 *   vault: { mode: "external", address: "https://vault.example.com:8200", token: cfg.requireSecret("vaultToken") },
 *   search: { mode: "in-cluster", clusterName: "audit", trafficClass: "high" },
 * });
 */
export class ManagementCluster extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly mysql: Mysql;
  public readonly vault: Vault;
  public readonly search: SearchEndpoint & { url: pulumi.Input<string> };

  constructor(name: string, args: ManagementClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:topology:ManagementCluster", name, {}, opts);
    this.namespace = args.namespace ?? "vamp-system";
    failOn(dnsLabel("namespace", this.namespace), "vamp:topology:ManagementCluster", name, this);
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: this.namespace, labels: labels("vamp-system") } },
      { parent: this, provider: args.provider },
    );
    const child = { parent: this, dependsOn: [ns] };
    const place = { provider: args.provider, namespace: this.namespace };
    this.mysql = new Mysql(`${name}-mysql`, args.mysql.mode === "external" ? args.mysql : { ...args.mysql, ...place }, child);
    this.vault = new Vault(`${name}-vault`, args.vault.mode === "external" ? args.vault : { ...args.vault, ...place, mysql: this.mysql }, child);
    if (args.search.mode === "in-cluster") {
      const es = new Elasticsearch(`${name}-search`, { ...args.search, ...place }, child);
      this.search = { name: args.search.clusterName, url: es.url as unknown as string };
    } else {
      this.search = { name: args.search.name, url: args.search.url, region: args.search.region };
    }
    // The architecture's recommendation, said where it is ignored.
    if (args.mysql.mode === "in-cluster") pulumi.log.warn(`${name}: MySQL runs in the management cluster; a managed MySQL is recommended for production`, this);
    if (args.vault.mode === "in-cluster") pulumi.log.warn(`${name}: Vault runs in the management cluster (on MySQL); a Vault outside it is recommended`, this);
    this.registerOutputs({ namespace: this.namespace });
  }
}
