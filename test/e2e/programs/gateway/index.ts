import * as pulumi from "@pulumi/pulumi";
import { Gateway } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const canary = config.requireNumber("canaryWeight");
const gw = new Gateway("shop", {
  store: { kind: "etcd", endpoints: [config.require("etcdEndpoint")] },
  organization: "e2e",
  environment: config.require("environment"),
  gatewayName: "shop/web",
  port: config.requireNumber("port"),
  routes: {
    [`[${config.require("stable")}]`]: { weight: 100 - canary },
    [`[${config.require("canary")}]`]: { weight: canary, condition: config.get("condition") },
  },
});

export const key = gw.key;
export const revision = gw.revision;
