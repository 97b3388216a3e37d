/**
 * GDPR, end to end: examples/gdpr-multi-region decides where each environment's logs go; the
 * gateway agent of the German environment, started with exactly the search arguments the example
 * gives it, ships its gateway logs only to the German cluster (the OpenSearch node here) and its
 * events only to the management region's (the Elasticsearch node, the US in the example).
 */
import * as path from "node:path";
import { declareResources } from "../../../packages/components/src/testing";
import { openTestStore, REPO_ROOT, requireServices } from "../../support/testbed";
import { freePort } from "../../support/traffic";
import { writeGateway } from "../agent/harness";
import { countDocs, deleteIndices, measure, searchNode, startAgentProcess, startMixBackend } from "./harness";

jest.setTimeout(180_000);

const example = () => require(path.join(REPO_ROOT, "examples", "gdpr-multi-region", "index.ts"));

/** The value after `flag` in an argument list. */
const argOf = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

describe("regional search clusters: German users' logs stay in Germany, events go to the management region", () => {
  const de = () => searchNode("opensearch");
  const us = () => searchNode("elasticsearch");
  const agentId = `de-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await requireServices("etcd", "search", "elasticsearch");
    for (const n of [de(), us()]) await deleteIndices(n.url, "vamp-acme-shop-de-*");
  });
  afterAll(async () => {
    for (const n of [de(), us()]) await deleteIndices(n.url, "vamp-acme-shop-de-*");
  });

  it("the example's agent arguments ship each stream to its region", async () => {
    const declared = await declareResources(example, {
      project: "vamp-gdpr-multi-region",
      config: { "vamp-gdpr-multi-region:usSearch": us().url, "vamp-gdpr-multi-region:deSearch": de().url },
    });
    const agents = declared.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.inputs.metadata as { name: string }).name === "vamp-gateway-agent");
    const argsOf = (ns: string) =>
      (
        agents.find((r) => (r.inputs.metadata as { namespace: string }).namespace === ns)!.inputs as {
          spec: { template: { spec: { containers: { args: string[] }[] } } };
        }
      ).spec.template.spec.containers[0].args;
    const args = argsOf("acme-shop-de");
    expect([argOf(args, "--search-url"), argOf(args, "--events-url")]).toEqual([de().url, us().url]);
    expect(argOf(argsOf("acme-shop-us"), "--search-url")).toBe(us().url); // US users: the US cluster

    const backend = await startMixBackend("v1");
    const tenant = { organization: "acme", environment: "shop-de" };
    const agent = await startAgentProcess(tenant, [
      "--search-url",
      argOf(args, "--search-url")!,
      "--events-url",
      argOf(args, "--events-url")!,
      "--agent-id",
      agentId,
    ]);
    const store = openTestStore("etcd");
    try {
      const port = await freePort();
      await writeGateway(store, tenant, "shop", { port: `${port}/http`, routes: { [`[127.0.0.1:${backend.port}]`]: { weight: 100 } } });
      for (let i = 0; !Object.keys((await agent.status()).revisions).length; i++) {
        if (i > 100) throw new Error("the agent did not apply the gateway");
        await new Promise((r) => setTimeout(r, 100));
      }
      const samples = await measure(
        `http://127.0.0.1:${port}`,
        Array.from({ length: 500 }, () => "/s/200/0"),
        8,
      );
      for (let i = 0; ; i++) {
        const s = (await agent.status()).logs;
        if (s.shipped >= 500 && s.spoolBytes === 0) break;
        if (i > 300) throw new Error(`not shipped within 30 s: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(samples.every((s) => s.status === 200)).toBe(true);
      // Gateway logs: all in Germany, none in the US.
      expect(await countDocs(de().url, "vamp-acme-shop-de-gateway-logs-*")).toBe(500);
      expect(await countDocs(us().url, "vamp-acme-shop-de-gateway-logs-*")).toBe(0);
      // Events: the agent's in the management region, none in Germany.
      const mine = { term: { tags: `agents:${agentId}` } };
      for (let i = 0; (await countDocs(us().url, "vamp-acme-audit-*", mine)) < 2; i++) {
        if (i > 100) throw new Error("the agent's events did not reach the management region");
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(
        await countDocs(us().url, "vamp-acme-audit-*", {
          bool: { filter: [mine, { term: { tags: "agent:started" } }, { term: { tags: "environments:shop-de" } }] },
        }),
      ).toBe(1);
      expect(await countDocs(de().url, "vamp-acme-audit-*", mine)).toBe(0);
    } finally {
      await agent.stop();
      await store.close();
      await backend.close();
      await deleteIndices(us().url, "vamp-acme-audit-*");
    }
  });
});
