import * as pulumi from "@pulumi/pulumi";
import { Gateway, type StoreConnection } from "@vamp-pulumi/provider";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const kind = config.require("kind");
const generation = config.getNumber("generation") ?? 0;

/** The baseline: a dynamic resource that does nothing, so the engine's own cost per resource shows. */
const trivial: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds.routes) !== JSON.stringify(news.routes) };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(trivial, name, props, {});
  }
}

for (let i = 0; i < count; i++) {
  const routes = { [`[10.0.${i >> 8}.${i & 255}:8080]`]: { weight: 90 - generation }, [`[10.1.${i >> 8}.${i & 255}:8080]`]: { weight: 10 + generation } };
  if (kind === "trivial") new Trivial(`t${i}`, { name: `t${i}`, routes });
  else
    new Gateway(`g${i}`, {
      store: config.requireObject<StoreConnection>("store"),
      organization: "bench",
      environment: config.require("environment"),
      port: 30000 + i,
      routes,
    });
}
