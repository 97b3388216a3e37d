import * as pulumi from "@pulumi/pulumi";
import { StoreEntry } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const entry = new StoreEntry("entry", {
  store: { kind: "etcd", endpoints: [config.require("etcdEndpoint")] },
  key: config.require("key"),
  value: config.require("value"),
});

export const key = entry.key;
export const revision = entry.revision;
