/**
 * GDPR, end to end: examples/gdpr-multi-region decides where each environment's logs go; the
 * gateway agent of the German environment, started with exactly the search arguments the example
 * gives it, ships its gateway logs only to the German cluster (the OpenSearch node here) and its
 * events only to the management region's (the Elasticsearch node, the US in the example).
 */
import * as path from "node:path";
import { declareResources } from "../../../packages/components/src/testing";
import { REPO_ROOT, requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { countDocs, deleteIndices, measure, searchNode, startMixBackend, startServing, untilLogs } from "./harness";

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
    const gw = await startServing(tenant, { [`127.0.0.1:${backend.port}`]: 100 }, [
      ...["--search-url", argOf(args, "--search-url")!, "--events-url", argOf(args, "--events-url")!],
      ...["--agent-id", agentId],
    ]);
    try {
      const samples = await measure(
        gw.url,
        Array.from({ length: 500 }, () => "/s/200/0"),
        8,
      );
      expect(samples.filter((s) => s.status !== 200)).toEqual([]);
      await untilLogs(gw.agent, (s) => s.shipped >= 500 && s.spoolBytes === 0, 30_000, "every line shipped");
      // Gateway logs: all in Germany, none in the US.
      expect(await countDocs(de().url, "vamp-acme-shop-de-gateway-logs-*")).toBe(500);
      expect(await countDocs(us().url, "vamp-acme-shop-de-gateway-logs-*")).toBe(0);
      // Events: the agent's in the management region, none in Germany.
      const mine = { term: { tags: `agents:${agentId}` } };
      await until(async () => (await countDocs(us().url, "vamp-acme-audit-*", mine)) >= 2, 10_000, "the agent's events reach the management region");
      expect(
        await countDocs(us().url, "vamp-acme-audit-*", {
          bool: { filter: [mine, { term: { tags: "agent:started" } }, { term: { tags: "environments:shop-de" } }] },
        }),
      ).toBe(1);
      expect(await countDocs(de().url, "vamp-acme-audit-*", mine)).toBe(0);
    } finally {
      await gw.stop();
      await backend.close();
      await deleteIndices(us().url, "vamp-acme-audit-*");
    }
  });
});
