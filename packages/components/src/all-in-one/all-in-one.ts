import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { failOn, problem, type Problem } from "../common/errors";
import { GeneratedPassword } from "../common/generated-password";
import { DEFAULT_IMAGES, type Images } from "../common/images";
import { labels } from "../common/labels";
import { isProductionStack } from "./production";
import { ServiceCluster } from "../service-cluster/service-cluster";
import { vaultPodTemplate } from "../vault/vault";
import { Environment } from "../tenancy/environment";
import { Organization } from "../tenancy/organization";
import { storeSecretName, GATEWAY_AGENT, WORKFLOW_AGENT } from "../tenancy/rbac";

/** Arguments of {@link AllInOne}. */
export interface AllInOneArgs {
  provider: k8s.Provider;
  organization: string;
  /** Environment names (default `["dev"]`). */
  environments?: string[];
  gatewayPorts: number[];
  images?: Images & { vault?: string };
  /** Overrides the production check of the stack (config `vamp:production`, else the stack name). */
  production?: boolean;
  /** The stack's name, for the production check (default the current stack). */
  stackName?: string;
}

const NS = "vamp-quickstart";

export function validateAllInOneArgs(args: AllInOneArgs, production: { production: boolean; reason: string }): Problem[] {
  const out: Problem[] = [];
  if (production.production) {
    out.push(
      problem(
        "production",
        true,
        `AllInOne keeps everything in one cluster without persistent storage and is for short-lived development clusters only (${production.reason}); use ManagementCluster and ServiceCluster`,
      ),
    );
  }
  if (args.environments && !args.environments.length) out.push(problem("environments", args.environments, "must name at least one environment"));
  return out;
}

/**
 * The quickstart: Vault (dev mode, in memory), the organization, its environments and their
 * agents, all in one cluster and **without persistent storage**: everything is lost with the
 * cluster. `pulumi preview` fails on a stack marked production and warns on any other.
 *
 * @example
 * new AllInOne("quickstart", { provider, organization: "acme", gatewayPorts: [9050] });
 */
export class AllInOne extends pulumi.ComponentResource {
  public readonly vaultAddress: string;
  public readonly environments: Environment[];

  constructor(name: string, args: AllInOneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:topology:AllInOne", name, {}, opts);
    const production =
      args.production !== undefined
        ? { production: args.production, reason: `production is ${args.production}` }
        : isProductionStack(args.stackName ?? pulumi.getStack(), new pulumi.Config("vamp").getBoolean("production"));
    failOn(validateAllInOneArgs(args, production), "vamp:topology:AllInOne", name, this);
    pulumi.log.warn(`${name}: AllInOne has no persistent storage and is for development only; everything is lost with the cluster`, this);
    const k = { parent: this, provider: args.provider };
    const token = this.devVault(name, args, k);
    this.vaultAddress = `http://vamp-vault.${NS}.svc:8200`;
    const org = new Organization(`${name}-org`, { name: args.organization }, { parent: this });
    this.environments = (args.environments ?? ["dev"]).map(
      (e) => new Environment(`${name}-${e}`, { organization: org, name: e, provider: args.provider }, { parent: this }),
    );
    for (const env of this.environments) {
      for (const agent of [GATEWAY_AGENT, WORKFLOW_AGENT]) {
        new k8s.core.v1.Secret(
          `${name}-${env.name}-${agent}-store`,
          { metadata: { name: storeSecretName(agent), namespace: env.namespace }, stringData: { token: token.value } },
          { ...k, dependsOn: [env] },
        );
      }
    }
    new ServiceCluster(
      `${name}-agents`,
      {
        provider: args.provider,
        environments: this.environments,
        store: { kind: "vault", address: this.vaultAddress },
        gatewayPorts: args.gatewayPorts,
        images: { ...DEFAULT_IMAGES, ...args.images },
      },
      { parent: this },
    );
    this.registerOutputs({ vaultAddress: this.vaultAddress });
  }

  /** A dev-mode Vault (in memory, unsealed) in the quickstart namespace; its root token is generated and kept secret. */
  private devVault(name: string, args: AllInOneArgs, k: pulumi.CustomResourceOptions): GeneratedPassword {
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: NS, labels: labels("vamp-quickstart") } }, k);
    const token = new GeneratedPassword(`${name}-vault-token`, { length: 32 }, { parent: this });
    new k8s.core.v1.Secret(
      `${name}-vault-token`,
      { metadata: { name: "vamp-vault-dev-token", namespace: NS }, stringData: { token: token.value } },
      { ...k, dependsOn: [ns] },
    );
    new k8s.apps.v1.Deployment(
      `${name}-vault`,
      {
        metadata: { name: "vamp-vault", namespace: NS, labels: labels("vault") },
        spec: {
          replicas: 1,
          // Dev mode: in memory, unsealed, KV v2 at secret/. Quickstart only.
          ...vaultPodTemplate({
            image: args.images?.vault ?? "hashicorp/vault:1.13.0",
            args: ["server", "-dev", "-dev-listen-address=0.0.0.0:8200"],
            env: [{ name: "VAULT_DEV_ROOT_TOKEN_ID", valueFrom: { secretKeyRef: { name: "vamp-vault-dev-token", key: "token" } } }],
            port: { name: "http", scheme: "HTTP" },
          }),
        },
      },
      { ...k, dependsOn: [ns] },
    );
    new k8s.core.v1.Service(
      `${name}-vault`,
      {
        metadata: { name: "vamp-vault", namespace: NS, labels: labels("vault") },
        spec: { selector: { "app.kubernetes.io/name": "vault" }, ports: [{ name: "http", port: 8200 }] },
      },
      { ...k, dependsOn: [ns] },
    );
    return token;
  }
}
