/**
 * The topology programs whose declared objects the component suites apply to real servers:
 * a service-cluster topology built here, and the examples of examples/ that the real engine
 * cannot run here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as mysql from "@pulumi/mysql";
import * as path from "node:path";
import * as vault from "@pulumi/vault";
import { Environment, Organization, ServiceCluster } from "../../../packages/components/src";
import type { DeclareOptions } from "../../../packages/components/src/testing";
import { REPO_ROOT } from "../../support/testbed";

export interface TopologyProgram {
  name: string;
  program: () => unknown;
  options?: DeclareOptions;
}

/** Two organizations, two environments each, on one service cluster. */
export function tenantsProgram(): void {
  const cluster = new k8s.Provider("service", {});
  const mgmt = new k8s.Provider("management", {});
  const vp = new vault.Provider("vault", {});
  const mp = new mysql.Provider("mysql", {});
  const envs: Environment[] = [];
  for (const org of ["acme", "globex"]) {
    const o = new Organization(org, { name: org, managementProvider: mgmt, mysql: { provider: mp }, vault: { provider: vp } });
    for (const env of ["test", "prod"]) envs.push(new Environment(`${org}-${env}`, { organization: o, name: env, provider: cluster }));
  }
  new ServiceCluster("service", {
    provider: cluster,
    environments: envs,
    store: { kind: "vault", address: "https://vault.example.com:8200" },
    gatewayPorts: [80, 9050],
  });
}

const example = (dir: string) => () => require(path.join(REPO_ROOT, "examples", dir, "index.ts"));

/**
 * The programs whose Kubernetes objects are applied from what the mocks declared: each also uses
 * the MySQL or Vault provider, whose plugins cannot be had here. examples/quickstart and
 * examples/gdpr-multi-region need only the Kubernetes provider and go through the real engine
 * (engine.test.ts).
 */
export const DECLARED_PROGRAMS: TopologyProgram[] = [
  { name: "tenants on a service cluster", program: tenantsProgram },
  {
    name: "examples/management-service",
    program: example("management-service"),
    options: {
      project: "vamp-management-service",
      config: {
        "vamp-management-service:mysqlEndpoint": "db.example.com:3306",
        "vamp-management-service:mysqlUser": "admin",
        "vamp-management-service:mysqlPassword": "secret-admin-password",
        "vamp-management-service:vaultAddress": "https://vault.example.com:8200",
        "vamp-management-service:vaultToken": "secret-vault-token",
        "vamp-management-service:serviceApiServer": "https://service.example.com:6443",
      },
    },
  },
];
