import * as k8s from "@pulumi/kubernetes";
import * as mysql from "@pulumi/mysql";
import * as pulumi from "@pulumi/pulumi";
import { dnsLabel, failOn, problem, type Problem } from "../common/errors";
import { GeneratedPassword } from "../common/generated-password";
import { labels } from "../common/labels";

/** A StatefulSet with a persistent volume in the management cluster. */
export interface MysqlInClusterArgs {
  mode: "in-cluster";
  provider: k8s.Provider;
  namespace: string;
  /** The volume's size (default `20Gi`); the data restores Vamp's state after a restart. */
  storageSize?: string;
  storageClassName?: string;
  image?: string;
}

/** A managed MySQL (recommended for production): databases, users and grants through `@pulumi/mysql`. */
export interface MysqlExternalArgs {
  mode: "external";
  /** `host:port`. */
  endpoint: string;
  /** An administrative user allowed to create databases, users and grants. */
  username: string;
  /** Its password: pass a Pulumi secret. */
  password: pulumi.Input<string>;
}

/** Arguments of {@link Mysql}. */
export type MysqlArgs = MysqlInClusterArgs | MysqlExternalArgs;

export function validateMysqlArgs(args: MysqlArgs): Problem[] {
  if (args.mode === "in-cluster") {
    const out = dnsLabel("namespace", args.namespace);
    if (args.storageSize !== undefined && !/^\d+(Mi|Gi|Ti)$/.test(args.storageSize))
      out.push(problem("storageSize", args.storageSize, 'must be a size like "20Gi"'));
    return out;
  }
  if (args.mode === "external") {
    const out: Problem[] = [];
    if (!/^[^\s:/]+:\d{1,5}$/.test(args.endpoint ?? "")) out.push(problem("endpoint", args.endpoint, 'must be "host:port"'));
    if (!args.username) out.push(problem("username", args.username, "must name an administrative user"));
    return out;
  }
  return [problem("mode", (args as { mode: unknown }).mode, 'must be "in-cluster" or "external"')];
}

/**
 * MySQL for Vamp's artifact journal (and Vault's storage backend): in the cluster as a
 * StatefulSet on a persistent volume, or an external managed server. Either way `provider`
 * is a `@pulumi/mysql` provider that organizations use for their database, user and grants.
 *
 * @example
 * const db = new Mysql("mysql", { mode: "external", endpoint: "db.example.com:3306", username: "admin", password: cfg.requireSecret("mysqlPassword") });
 */
export class Mysql extends pulumi.ComponentResource {
  /** `host:port` clients connect to. */
  public readonly endpoint: pulumi.Output<string>;
  public readonly provider: mysql.Provider;
  /** The administrative password (generated in the cluster mode); a secret. */
  public readonly rootPassword: pulumi.Output<string>;

  constructor(name: string, args: MysqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:dependencies:Mysql", name, {}, opts);
    failOn(validateMysqlArgs(args), "vamp:dependencies:Mysql", name, this);
    if (args.mode === "external") {
      this.endpoint = pulumi.output(args.endpoint);
      this.rootPassword = pulumi.secret(args.password);
      this.provider = new mysql.Provider(
        `${name}-provider`,
        { endpoint: args.endpoint, username: args.username, password: this.rootPassword },
        { parent: this },
      );
    } else {
      const password = new GeneratedPassword(`${name}-root-password`, { length: 32 }, { parent: this });
      this.rootPassword = password.value;
      const k = { parent: this, provider: args.provider };
      const meta = { namespace: args.namespace, labels: labels("mysql") };
      const secret = new k8s.core.v1.Secret(`${name}-root`, { metadata: { ...meta, name: "vamp-mysql-root" }, stringData: { password: password.value } }, k);
      const svc = new k8s.core.v1.Service(
        `${name}-service`,
        {
          metadata: { ...meta, name: "vamp-mysql" },
          spec: { clusterIP: "None", selector: { "app.kubernetes.io/name": "mysql" }, ports: [{ name: "mysql", port: 3306 }] },
        },
        k,
      );
      new k8s.apps.v1.StatefulSet(`${name}-statefulset`, mysqlStatefulSet(args.namespace, args.image, args.storageSize, args.storageClassName), {
        ...k,
        dependsOn: [secret, svc],
      });
      this.endpoint = pulumi.interpolate`vamp-mysql.${args.namespace}.svc:3306`;
      this.provider = new mysql.Provider(`${name}-provider`, { endpoint: this.endpoint, username: "root", password: this.rootPassword }, { parent: this });
    }
    this.registerOutputs({ endpoint: this.endpoint });
  }
}

/** The in-cluster MySQL: one replica on a PersistentVolumeClaim that outlives the pod. */
export function mysqlStatefulSet(namespace: string, image = "mariadb:10.11", storageSize = "20Gi", storageClassName?: string) {
  const sel = { "app.kubernetes.io/name": "mysql" };
  return {
    metadata: { name: "vamp-mysql", namespace, labels: labels("mysql") },
    spec: {
      serviceName: "vamp-mysql",
      replicas: 1,
      selector: { matchLabels: sel },
      // Keep the volume when the StatefulSet goes: it holds the state Vamp restores from.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: { labels: { ...labels("mysql"), ...sel } },
        spec: {
          securityContext: { fsGroup: 999 },
          containers: [
            {
              name: "mysql",
              image,
              env: [{ name: "MARIADB_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "vamp-mysql-root", key: "password" } } }],
              ports: [{ name: "mysql", containerPort: 3306 }],
              volumeMounts: [{ name: "data", mountPath: "/var/lib/mysql" }],
              readinessProbe: { tcpSocket: { port: 3306 }, periodSeconds: 5 },
              resources: { requests: { cpu: "250m", memory: "512Mi" } },
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], ...(storageClassName ? { storageClassName } : {}), resources: { requests: { storage: storageSize } } },
        },
      ],
    },
  };
}
