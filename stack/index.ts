/**
 * The root stack on the embedded local default: everything on 127.0.0.1, no cluster.
 * `npm run demo` starts etcd, the gateway agent with HAProxy and two versions of a demo service,
 * then runs `pulumi up` on this program, which declares the canary split.
 *
 * Move traffic: `npm run demo -- --canary 50` (or `pulumi config set canaryWeight 50`, then
 * `npm run demo`). The agent applies a weight change without reloading HAProxy.
 */
import * as pulumi from "@pulumi/pulumi";
import { Gateway } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const store = { kind: "etcd" as const, endpoints: [config.require("etcdEndpoint")] };
const canaryWeight = config.getNumber("canaryWeight") ?? 10;
const stable = config.get("stableAddress") ?? "127.0.0.1:18081";
const canary = config.get("canaryAddress") ?? "127.0.0.1:18082";

const demo = new Gateway("demo", {
  store,
  organization: "local",
  environment: "demo",
  gatewayName: "demo/web",
  port: config.getNumber("gatewayPort") ?? 19050,
  routes: {
    [`[${stable}]`]: { weight: 100 - canaryWeight },
    [`[${canary}]`]: { weight: canaryWeight },
  },
});

export const gatewayKey = demo.key;
export const gatewayRevision = demo.revision;
export const split = { stable: 100 - canaryWeight, canary: canaryWeight };
