import * as pulumi from "@pulumi/pulumi";
import { Gateway, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const canary = config.requireNumber("canaryWeight");
const gw = new Gateway("shop", {
  store: config.requireObject<StoreConnection>("store"),
  credentials: config.getSecretObject<{ token?: string }>("credentials"),
  organization: "e2e",
  environment: config.require("environment"),
  gatewayName: "shop/web",
  port: config.requireNumber("port"),
  routes: {
    [`[${config.require("stable")}]`]: { weight: 100 - canary },
    [`[${config.require("canary")}]`]: { weight: canary, condition: config.get("condition") },
  },
  events: config.getObject<{ url: string }>("events"),
});

export const key = gw.key;
export const revision = gw.revision;
export const eventsMissed = gw.eventsMissed;
