import * as pulumi from "@pulumi/pulumi";
import { CanaryRelease, Gateway, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const store = config.requireObject<StoreConnection>("store");
const tenant = { organization: "e2e", environment: config.require("environment") };
const [v1, v2] = ["v1", "v2"].map((n) => `[${config.require(n)}]`);

// The gateway declares the new version at 0; the release owns both weights from then on.
const gw = new Gateway("shop", {
  store,
  ...tenant,
  gatewayName: "shop",
  port: config.requireNumber("port"),
  routes: { [v1]: { weight: 100 }, [v2]: { weight: 0 } },
});

const release = new CanaryRelease("shop-v2", {
  store,
  ...tenant,
  gateway: gw.gatewayName,
  stable: v1,
  canary: v2,
  steps: { weights: [20, 50] },
  interval: config.get("interval") ?? "2s",
  minSamples: 10,
  noTrafficDeadline: "20s",
});

export const phase = release.phase;
export const weights = release.weights;
