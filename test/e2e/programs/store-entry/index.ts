import * as pulumi from "@pulumi/pulumi";
import { StoreEntry } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const entry = new StoreEntry("entry", {
  store: { kind: "etcd", endpoints: [config.require("etcdEndpoint")] },
  key: config.require("key"),
  value: config.require("value"),
  // A secret the store does not need (etcd without auth): proves credentials stay encrypted in state.
  credentials: { token: config.requireSecret("storeToken") },
});

export const key = entry.key;
export const revision = entry.revision;
