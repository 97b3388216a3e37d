/**
 * The root stack on the embedded local default: everything on 127.0.0.1, no cluster.
 * `npm run demo` starts the local servers and runs `pulumi up` on this program.
 */
import * as pulumi from "@pulumi/pulumi";
import { StoreEntry } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const store = { kind: "etcd" as const, endpoints: [config.require("etcdEndpoint")] };

const organization = "local";
const environment = "demo";

/** Marks the tenant as provisioned; the agent and later resources read under this prefix. */
const tenant = new StoreEntry("tenant", {
  store,
  key: `/vamp/${organization}/${environment}/tenant`,
  value: JSON.stringify({ organization, environment }),
});

export const storePrefix = `/vamp/${organization}/${environment}`;
export const tenantRevision = tenant.revision;
