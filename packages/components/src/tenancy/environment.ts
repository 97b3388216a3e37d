import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { dnsLabel, failOn, problem, type Problem } from "../common/errors";
import { environmentNamespace, tenantLabels } from "../common/labels";
import type { SearchEndpoint } from "../search/endpoint";
import type { Organization } from "./organization";
import { agentRules, GATEWAY_AGENT, WORKFLOW_AGENT } from "./rbac";
import { agentPolicy, policyName, writerPolicy } from "./vault-policy";

/** Arguments of {@link Environment}. */
export interface EnvironmentArgs {
  organization: Organization;
  /** The environment's name (a DTAP stage: `dev`, `test`, `prod`); a DNS label. */
  name: string;
  /** The service cluster the environment runs on. */
  provider: k8s.Provider;
  /** Overrides the organization's search cluster (GDPR: gateway logs stay in their region). */
  search?: SearchEndpoint;
  /** Where the environment's events (the audit log) go; default the organization's search cluster (the management region's). */
  events?: SearchEndpoint;
}

export function validateEnvironmentArgs(args: Pick<EnvironmentArgs, "name"> & { organization: { name: string } }): Problem[] {
  const out = dnsLabel("name", args.name);
  const ns = environmentNamespace(args.organization.name, args.name);
  if (!out.length && ns.length > 63)
    out.push(problem("name", args.name, `makes the namespace "${ns}" longer than 63 characters; shorten the organization or environment name`));
  return out;
}

/**
 * A Vamp environment: a Namespace `<organization>-<name>` on its service cluster, a
 * ServiceAccount, Role and RoleBinding per agent with the least privilege each needs (see
 * ./rbac.ts), and, with the organization's Vault, the agent and writer policies of its
 * gateways' path.
 *
 * @example
 * const prod = new Environment("acme-prod", { organization: acme, name: "prod", provider: serviceCluster });
 */
export class Environment extends pulumi.ComponentResource {
  public readonly organization: string;
  public readonly name: string;
  public readonly namespace: string;
  public readonly provider: k8s.Provider;
  /** The search cluster its logs go to: its own, else the organization's. */
  public readonly search?: SearchEndpoint;
  /** The search cluster its events go to: its own setting, else the organization's. */
  public readonly events?: SearchEndpoint;
  public readonly serviceAccounts: { gatewayAgent: string; workflowAgent: string };
  /** The Vault policy names (when the organization has Vault). */
  public readonly policies?: { agent: string; writer: string };
  /** The namespace resource, for `dependsOn`. */
  public readonly namespaceResource: k8s.core.v1.Namespace;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:tenancy:Environment", name, {}, opts);
    failOn(validateEnvironmentArgs(args), "vamp:tenancy:Environment", name, this);
    const org = args.organization.name;
    this.organization = org;
    this.name = args.name;
    this.provider = args.provider;
    this.namespace = environmentNamespace(org, args.name);
    this.search = args.search ?? args.organization.search;
    this.events = args.events ?? args.organization.search;
    const k = { parent: this, provider: args.provider };
    this.namespaceResource = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: this.namespace, labels: tenantLabels("environment", org, args.name) } },
      k,
    );
    const inNs = { ...k, dependsOn: [this.namespaceResource] };
    for (const agent of [GATEWAY_AGENT, WORKFLOW_AGENT] as const) {
      const metadata = { name: agent, namespace: this.namespace, labels: tenantLabels(agent, org, args.name) };
      new k8s.core.v1.ServiceAccount(`${name}-${agent}`, { metadata }, inNs);
      new k8s.rbac.v1.Role(`${name}-${agent}`, { metadata, rules: agentRules(agent) }, inNs);
      new k8s.rbac.v1.RoleBinding(
        `${name}-${agent}`,
        {
          metadata,
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: agent },
          subjects: [{ kind: "ServiceAccount", name: agent, namespace: this.namespace }],
        },
        inNs,
      );
    }
    this.serviceAccounts = { gatewayAgent: GATEWAY_AGENT, workflowAgent: WORKFLOW_AGENT };
    const v = args.organization.vault;
    if (v) {
      const paths = { mount: v.mount ?? "secret", organization: org, environment: args.name };
      const p = { parent: this, provider: v.provider };
      const agent = new vault.Policy(`${name}-agent-policy`, { name: policyName(paths, "agent"), policy: agentPolicy(paths) }, p);
      new vault.Policy(`${name}-writer-policy`, { name: policyName(paths, "writer"), policy: writerPolicy(paths) }, p);
      if (v.kubernetesAuthPath) {
        // The agents log in to Vault with their ServiceAccount token and get the agent policy only.
        new vault.kubernetes.AuthBackendRole(
          `${name}-agent-login`,
          {
            backend: v.kubernetesAuthPath,
            roleName: `${org}-${args.name}-gateway-agent`,
            boundServiceAccountNames: [GATEWAY_AGENT],
            boundServiceAccountNamespaces: [this.namespace],
            tokenPolicies: [agent.name],
            tokenTtl: 3600,
          },
          p,
        );
      }
      this.policies = { agent: policyName(paths, "agent"), writer: policyName(paths, "writer") };
    }
    this.registerOutputs({ namespace: this.namespace });
  }
}
