import * as pulumi from "@pulumi/pulumi";
import { Gateway, Route, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const store = config.requireObject<StoreConnection>("store");
const credentials = config.getSecretObject<{ token?: string }>("credentials");
const tenant = { organization: "e2e", environment: config.require("environment") };
const [stable, a, b] = ["stable", "a", "b"].map((n) => `[${config.require(n)}]`);

// The gateway declares the canaries at 0; the Routes own their weights from then on.
const gw = new Gateway("shop", {
  store,
  credentials,
  ...tenant,
  gatewayName: "shop/routes",
  port: config.requireNumber("port"),
  sticky: config.get("sticky") as "route" | undefined,
  routes: { [stable]: {}, [a]: { weight: 0 }, [b]: { weight: 0 } },
});

const routeA = new Route("canary-a", { store, credentials, ...tenant, gatewayName: gw.gatewayName, route: a, weight: config.requireNumber("aWeight") });
const routeB = new Route("canary-b", {
  store,
  credentials,
  ...tenant,
  gatewayName: gw.gatewayName,
  route: b,
  weight: config.requireNumber("bWeight"),
  condition: config.get("bCondition"),
});

export const key = gw.key;
export const revisions = [gw.revision, routeA.revision, routeB.revision];
