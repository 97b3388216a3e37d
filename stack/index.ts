/**
 * The root stack on the embedded local default: everything on 127.0.0.1, no cluster.
 * `npm run demo` starts etcd, the gateway agent with HAProxy, the workflow agent and two versions
 * of a demo service, then runs `pulumi up` on this program: the gateway serves 1.0.0, and a
 * canary release moves its traffic to 1.1.0 step by step, judged on the live metrics of the two
 * versions. `npm run demo -- --bad` runs a faulty 1.1.0: the release rolls it back and fails the
 * update with the reason.
 */
import * as pulumi from "@pulumi/pulumi";
import { CanaryRelease, Gateway } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const store = { kind: "etcd" as const, endpoints: [config.require("etcdEndpoint")] };
const stable = `[${config.get("stableAddress") ?? "127.0.0.1:18081"}]`;
const canary = `[${config.get("canaryAddress") ?? "127.0.0.1:18082"}]`;
const tenant = { organization: "local", environment: "demo" };

// The gateway declares 1.0.0 serving everything and 1.1.0 beside it at 0%.
const demo = new Gateway("demo", {
  store,
  ...tenant,
  gatewayName: "demo/web",
  port: config.getNumber("gatewayPort") ?? 19050,
  routes: { [stable]: { weight: 100 }, [canary]: { weight: 0 } },
});

// From then on the release owns both weights: 10% → 25% → 50% → 100%, each step held 5 s with at
// least 20 requests to 1.1.0; errors and latency compared with 1.0.0's over the same seconds.
const release = new CanaryRelease("web-1.1.0", {
  store,
  ...tenant,
  gateway: demo.gatewayName,
  stable,
  canary,
  steps: { weights: [10, 25, 50] },
  interval: config.get("releaseInterval") ?? "5s",
  minSamples: 20,
  noTrafficDeadline: "60s",
});

export const gatewayKey = demo.key;
export const gatewayRevision = demo.revision;
export const releasePhase = release.phase;
export const releaseWeights = release.weights;
export const releaseReason = release.reason;
