import * as pulumi from "@pulumi/pulumi";
import { SearchLogIndices } from "@vamp-pulumi/components";

const config = new pulumi.Config();
const logs = new SearchLogIndices("acme-prod-logs", {
  url: config.require("url"),
  organization: "acme",
  environment: config.require("environment"),
  streams: {
    "gateway-logs": { retentionDays: config.requireNumber("gatewayLogDays"), replicas: 0 },
    events: { retentionDays: 90, replicas: 0 },
  },
});

export const templates = logs.templates;
export const deleted = logs.deleted;
