import * as pulumi from "@pulumi/pulumi";
import { Gateway, Route, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const gw = new Gateway("shop", {
  store: config.requireObject<StoreConnection>("store"),
  organization: "e2e",
  environment: config.require("environment"),
  gatewayName: "shop/versions",
  port: config.requireNumber("port"),
  selector: `label(app)(shop) && label(version)((.*)) && port(${config.require("podPort")})`,
  routes: config.requireObject<Record<string, { weight?: number }>>("routes"),
  discovery: { kubeconfig: config.require("kubeconfig"), namespace: config.require("namespace") },
});

export const key = gw.key;
export const revision = gw.revision;

// A canary of a discovered version the gateway does not declare, stepped by a Route.
const canary = config.getObject<{ route: string; weight: number }>("canary");
if (canary) {
  new Route("canary", {
    store: config.requireObject<StoreConnection>("store"),
    organization: "e2e",
    environment: config.require("environment"),
    gatewayName: gw.gatewayName,
    route: canary.route,
    weight: canary.weight,
  });
}
