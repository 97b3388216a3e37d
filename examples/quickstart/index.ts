/**
 * The quickstart: everything in one development cluster, without persistent storage.
 * `pulumi preview` fails on a stack named like production (or with `vamp:production=true`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AllInOne } from "@vamp-pulumi/components";

const config = new pulumi.Config();
const provider = new k8s.Provider("cluster", { kubeconfig: config.get("kubeconfig") });

const quickstart = new AllInOne("quickstart", {
  provider,
  organization: config.get("organization") ?? "acme",
  environments: ["dev"],
  gatewayPorts: config.getObject<number[]>("gatewayPorts") ?? [9050],
});

export const vaultAddress = quickstart.vaultAddress;
export const namespaces = quickstart.environments.map((e) => e.namespace);
