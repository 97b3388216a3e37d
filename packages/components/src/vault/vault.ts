import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { dnsLabel, failOn, problem, type Problem } from "../common/errors";
import { labels } from "../common/labels";
import type { Mysql } from "../mysql/mysql";

/** What every Vault mode takes. */
export interface VaultCommonArgs {
  /** The KV v2 mount the gateways live in (default `secret`); created unless `manageMount` is false. */
  mount?: string;
  manageMount?: boolean;
  /** Enable Kubernetes auth for the agents of a service cluster at this path (e.g. `kubernetes-eu-1`). */
  kubernetesAuth?: { path: string; kubernetesHost: string; kubernetesCaCert?: pulumi.Input<string> };
}

/** In the management cluster, with MySQL as its storage backend (state survives a cluster restart). */
export interface VaultInClusterArgs extends VaultCommonArgs {
  mode: "in-cluster";
  provider: k8s.Provider;
  namespace: string;
  mysql: Mysql;
  /** A `kubernetes.io/tls` Secret in `namespace` for Vault's listener; Vault never serves plain HTTP here. */
  tlsSecretName: string;
  /** A token with the rights to configure mounts, policies and auth (after you initialized and unsealed Vault). */
  token: pulumi.Input<string>;
  image?: string;
}

/** A Vault outside the cluster (recommended). */
export interface VaultExternalArgs extends VaultCommonArgs {
  mode: "external";
  address: string;
  /** A token allowed to manage mounts, policies and auth: pass a Pulumi secret. */
  token: pulumi.Input<string>;
}

/** Arguments of {@link Vault}. */
export type VaultArgs = VaultInClusterArgs | VaultExternalArgs;

export function validateVaultArgs(args: VaultArgs): Problem[] {
  const out: Problem[] = [];
  if (args.mode === "in-cluster") {
    out.push(...dnsLabel("namespace", args.namespace));
    if (!args.tlsSecretName)
      out.push(problem("tlsSecretName", args.tlsSecretName, "must name a kubernetes.io/tls Secret: Vault carries tokens and must not listen without TLS"));
    if (!args.mysql)
      out.push(problem("mysql", args.mysql, "must be a Mysql component: an in-cluster Vault stores its data in MySQL so it survives a cluster restart"));
  } else if (args.mode === "external") {
    if (!/^https:\/\/[^/\s]+\/?$/.test(args.address ?? ""))
      out.push(problem("address", args.address, 'must be an https:// URL like "https://vault.example.com:8200"'));
  } else out.push(problem("mode", (args as { mode: unknown }).mode, 'must be "in-cluster" or "external"'));
  if (args.mount !== undefined && !/^[A-Za-z0-9_-]+$/.test(args.mount)) out.push(problem("mount", args.mount, 'must be a mount path like "secret"'));
  if (args.kubernetesAuth && !/^[A-Za-z0-9_-]+$/.test(args.kubernetesAuth.path))
    out.push(problem("kubernetesAuth.path", args.kubernetesAuth.path, "must be an auth path like kubernetes-eu-1"));
  return out;
}

/** Vault's server configuration with MySQL storage; the password comes from the Secret, never a ConfigMap. */
export function vaultConfig(mysqlAddress: string, mysqlPassword: string): string {
  return [
    `storage "mysql" {`,
    `  address  = "${mysqlAddress}"`,
    `  username = "root"`,
    `  password = "${mysqlPassword}"`,
    `  database = "vault"`,
    `  ha_enabled = "true"`,
    `}`,
    `listener "tcp" {`,
    `  address       = "0.0.0.0:8200"`,
    `  tls_cert_file = "/vault/tls/tls.crt"`,
    `  tls_key_file  = "/vault/tls/tls.key"`,
    `}`,
    `api_addr = "https://vamp-vault:8200"`,
    `ui = false`,
    ``,
  ].join("\n");
}

/**
 * Vault: the secrets store and the key-value store the gateway agents read. In the cluster it
 * uses MySQL as its storage backend, or it is an external server. Mounts, policies and auth
 * are managed through `@pulumi/vault`.
 *
 * @example
 * const v = new Vault("vault", { mode: "external", address: "https://vault.example.com:8200", token: cfg.requireSecret("vaultToken") });
 */
export class Vault extends pulumi.ComponentResource {
  public readonly address: pulumi.Output<string>;
  public readonly provider: vault.Provider;
  public readonly mount: string;
  /** The Kubernetes auth path, when enabled. */
  public readonly kubernetesAuthPath?: string;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:dependencies:Vault", name, {}, opts);
    failOn(validateVaultArgs(args), "vamp:dependencies:Vault", name, this);
    this.mount = args.mount ?? "secret";
    if (args.mode === "in-cluster") {
      const k = { parent: this, provider: args.provider };
      const meta = { namespace: args.namespace, labels: labels("vault") };
      const config = new k8s.core.v1.Secret(
        `${name}-config`,
        {
          metadata: { ...meta, name: "vamp-vault-config" },
          stringData: { "config.hcl": pulumi.all([args.mysql.endpoint, args.mysql.rootPassword]).apply(([a, p]) => vaultConfig(a, p)) },
        },
        k,
      );
      new k8s.core.v1.Service(
        `${name}-service`,
        { metadata: { ...meta, name: "vamp-vault" }, spec: { selector: { "app.kubernetes.io/name": "vault" }, ports: [{ name: "https", port: 8200 }] } },
        k,
      );
      new k8s.apps.v1.StatefulSet(`${name}-statefulset`, vaultStatefulSet(args.namespace, args.tlsSecretName, args.image), { ...k, dependsOn: [config] });
      this.address = pulumi.output(`https://vamp-vault.${args.namespace}.svc:8200`);
    } else {
      this.address = pulumi.output(args.address.replace(/\/$/, ""));
    }
    this.provider = new vault.Provider(`${name}-provider`, { address: this.address, token: pulumi.secret(args.token), skipChildToken: true }, { parent: this });
    const p = { parent: this, provider: this.provider };
    if (args.manageMount !== false)
      new vault.Mount(`${name}-kv`, { path: this.mount, type: "kv", options: { version: "2" }, description: "Vamp gateways and secrets (KV v2)" }, p);
    if (args.kubernetesAuth) {
      const backend = new vault.AuthBackend(`${name}-kubernetes-auth`, { type: "kubernetes", path: args.kubernetesAuth.path }, p);
      new vault.kubernetes.AuthBackendConfig(
        `${name}-kubernetes-auth-config`,
        { backend: backend.path, kubernetesHost: args.kubernetesAuth.kubernetesHost, kubernetesCaCert: args.kubernetesAuth.kubernetesCaCert },
        p,
      );
      this.kubernetesAuthPath = args.kubernetesAuth.path;
    }
    this.registerOutputs({ address: this.address });
  }
}

/** A Vault pod template: one container, non-root, no capabilities; the caller gives args, env, port and volumes. */
export function vaultPodTemplate(o: {
  image: string;
  args: string[];
  env?: k8s.types.input.core.v1.EnvVar[];
  port: { name: string; scheme: "HTTP" | "HTTPS" };
  volumes?: { name: string; secretName: string; mountPath: string }[];
}) {
  const sel = { "app.kubernetes.io/name": "vault" };
  return {
    selector: { matchLabels: sel },
    template: {
      metadata: { labels: { ...labels("vault"), ...sel } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 100 },
        containers: [
          {
            name: "vault",
            image: o.image,
            args: o.args,
            env: [...(o.env ?? []), { name: "SKIP_SETCAP", value: "true" }],
            ports: [{ name: o.port.name, containerPort: 8200 }],
            readinessProbe: { httpGet: { path: "/v1/sys/health?standbyok=true", port: 8200, scheme: o.port.scheme }, periodSeconds: 5 },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            volumeMounts: (o.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: true })),
          },
        ],
        volumes: (o.volumes ?? []).map((v) => ({ name: v.name, secret: { secretName: v.secretName } })),
      },
    },
  };
}

export function vaultStatefulSet(namespace: string, tlsSecretName: string, image = "hashicorp/vault:1.13.0") {
  return {
    metadata: { name: "vamp-vault", namespace, labels: labels("vault") },
    spec: {
      serviceName: "vamp-vault",
      replicas: 1,
      ...vaultPodTemplate({
        image,
        args: ["server", "-config=/vault/config/config.hcl"],
        port: { name: "https", scheme: "HTTPS" },
        volumes: [
          { name: "config", secretName: "vamp-vault-config", mountPath: "/vault/config" },
          { name: "tls", secretName: tlsSecretName, mountPath: "/vault/tls" },
        ],
      }),
    },
  };
}
