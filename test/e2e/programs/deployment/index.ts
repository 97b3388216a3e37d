import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Deployment, Environment, Organization } from "@vamp-pulumi/components";
import { CanaryRelease, Route, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const kubeconfig = config.require("kubeconfig");
const provider = new k8s.Provider("cluster", { kubeconfig });
const org = new Organization("org", { name: config.require("organization") });
const env = new Environment("env", { organization: org, name: config.require("environment"), provider });
const shop = new Deployment(
  "shop",
  {
    environment: env,
    store: config.requireObject<StoreConnection>("store"),
    blueprint: config.requireObject<Record<string, unknown>>("blueprint"),
    // The test's HAProxy listens on loopback; in a cluster this is the agents' Service.
    gatewayHost: "127.0.0.1",
    internalPorts: { fixed: config.requireObject<Record<string, number>>("internalPorts") },
    discovery: { kubeconfig },
  },
  { dependsOn: [env] },
);

export const services = shop.services;
export const endpoints = shop.plan.endpoints;
export const gateways = Object.keys(shop.gateways);

// A canary step on one of the deployment's internal gateways.
const canary = config.getObject<{ gateway: string; route: string; weight: number }>("canary");
if (canary) {
  new Route(
    "canary",
    {
      store: config.requireObject<StoreConnection>("store"),
      organization: env.organization,
      environment: env.name,
      gatewayName: canary.gateway,
      route: canary.route,
      weight: canary.weight,
    },
    { dependsOn: Object.values(shop.gateways) },
  );
}

// A canary release between two versions the deployment merged into its internal gateway.
const release = config.getObject<{ stable: string; canary: string }>("release");
export const releasePhase = release
  ? new CanaryRelease(
      "api-release",
      {
        store: config.requireObject<StoreConnection>("store"),
        organization: env.organization,
        environment: env.name,
        gateway: "shop/api/http",
        stable: release.stable,
        canary: release.canary,
        steps: { weights: [50] },
        interval: "2s",
        minSamples: 10,
        noTrafficDeadline: "30s",
      },
      { dependsOn: Object.values(shop.gateways) },
    ).phase
  : undefined;
