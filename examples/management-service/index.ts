/**
 * A management cluster with Vamp's dependencies on storage that survives a restart (managed
 * MySQL, external Vault, an in-cluster search cluster for the audit log), and a service cluster
 * where each environment gets two gateway agents on different nodes and a workflow agent.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, ManagementCluster, Organization, ServiceCluster } from "@vamp-pulumi/components";

const config = new pulumi.Config();
const management = new k8s.Provider("management", { kubeconfig: config.get("managementKubeconfig") });
const service = new k8s.Provider("service", { kubeconfig: config.get("serviceKubeconfig") });

const mgmt = new ManagementCluster("mgmt", {
  provider: management,
  mysql: {
    mode: "external",
    endpoint: config.require("mysqlEndpoint"),
    username: config.require("mysqlUser"),
    password: config.requireSecret("mysqlPassword"),
  },
  vault: {
    mode: "external",
    address: config.require("vaultAddress"),
    token: config.requireSecret("vaultToken"),
    kubernetesAuth: { path: "kubernetes-service", kubernetesHost: config.require("serviceApiServer") },
  },
  search: { mode: "in-cluster", clusterName: "audit", trafficClass: "high" },
});

const acme = new Organization("acme", {
  name: "acme",
  managementProvider: management,
  mysql: { provider: mgmt.mysql.provider },
  vault: { provider: mgmt.vault.provider, mount: mgmt.vault.mount, kubernetesAuthPath: mgmt.vault.kubernetesAuthPath },
  search: mgmt.search,
});

const environments = ["test", "prod"].map((name) => new Environment(`acme-${name}`, { organization: acme, name, provider: service }));

new ServiceCluster("service", {
  provider: service,
  environments,
  store: { kind: "vault", address: config.require("vaultAddress") },
  gatewayPorts: [80, 443],
});

export const namespaces = environments.map((e) => e.namespace);
