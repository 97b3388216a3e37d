/**
 * The GDPR rule through the real engine: a table of regional layouts, each previewed by
 * `pulumi preview` of a program using RegionalElasticsearch. Valid layouts preview; invalid
 * ones fail with a message that names the environment, the country and the cluster.
 */
import type { EngineEvent, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { newTestStack, type TestStack } from "../../support/pulumi";

jest.setTimeout(120_000);

const endpoint = (name: string) => ({ name, url: `https://search-${name}.example.com:9200` });
const regions = [
  { name: "us", jurisdiction: "US", cluster: endpoint("us") },
  { name: "eu", jurisdiction: "EU", cluster: endpoint("eu") },
  { name: "de", jurisdiction: "EU", countries: ["DE"], cluster: endpoint("de") },
];
const layout = (environments: unknown[], extra: Record<string, unknown> = {}) => ({ managementRegion: "us", regions, environments, ...extra });

const CASES: { name: string; layout: unknown; error?: RegExp }[] = [
  {
    name: "the reference layout: EU users to eu, German users to de, US users to us",
    layout: layout([
      { name: "acme/shop-eu", countries: ["FR", "NL", "IT"], gatewayLogs: "eu" },
      { name: "acme/shop-de", countries: ["DE"], gatewayLogs: "de" },
      { name: "acme/shop-us", countries: ["US", "CA"], gatewayLogs: "us" },
    ]),
  },
  {
    name: "German and Austrian users to Germany's own cluster (in the EU)",
    layout: layout([{ name: "acme/dach", countries: ["DE", "AT"], gatewayLogs: "de" }]),
  },
  { name: "users outside the EU may log anywhere", layout: layout([{ name: "acme/shop-us", countries: ["US"], gatewayLogs: "eu" }]) },
  {
    name: "EU users logged in the US",
    layout: layout([{ name: "acme/shop-eu", countries: ["FR"], gatewayLogs: "us" }]),
    error: /environment "acme\/shop-eu" serves users in FR \(EU\), but its gateway logs go to cluster "us" under US jurisdiction/,
  },
  {
    name: "German users logged in the shared EU cluster",
    layout: layout([{ name: "acme/shop-de", countries: ["DE"], gatewayLogs: "eu" }]),
    error: /environment "acme\/shop-de" serves users in DE, which requires its own cluster, but its gateway logs go to cluster "eu"/,
  },
  {
    name: "audit logs outside the management region",
    layout: layout([{ name: "acme/shop-us", countries: ["US"], gatewayLogs: "us", auditLogs: "eu" }]),
    error: /environment "acme\/shop-us": audit logs go to cluster "eu", but they belong in the management region's cluster "us"/,
  },
  {
    name: "a national cluster outside the EU",
    layout: {
      managementRegion: "us",
      regions: [...regions.slice(0, 2), { name: "de", jurisdiction: "US", countries: ["DE"], cluster: endpoint("de") }],
      environments: [],
    },
    error: /region "de" claims to meet DE's own requirement but is not under EU jurisdiction \(US\)/,
  },
  {
    name: "one environment for two countries that each need their own cluster",
    layout: layout([{ name: "acme/shop-defr", countries: ["DE", "FR"], gatewayLogs: "de" }], { nationalRequirements: ["DE", "FR"] }),
    error: /environment "acme\/shop-defr" serves users in DE and FR, each of which needs a cluster of its own/,
  },
];

const COMPONENT = "vamp:search:RegionalElasticsearch";

/**
 * A preview and what the engine planned in it: each resource's step as [op, type, name], the
 * stack left out (every program has it), and the URNs error diagnostics were reported on.
 */
async function previewPlan(stack: Stack): Promise<{ steps: string[][]; errorUrns: string[]; result?: PreviewResult; error?: Error }> {
  const steps: string[][] = [];
  const errorUrns: string[] = [];
  const onEvent = (e: EngineEvent) => {
    const m = e.resourcePreEvent?.metadata;
    if (m && m.type !== "pulumi:pulumi:Stack") steps.push([m.op, m.type, m.urn.slice(m.urn.lastIndexOf("::") + 2)]);
    if (e.diagnosticEvent?.severity === "error" && e.diagnosticEvent.urn) errorUrns.push(e.diagnosticEvent.urn);
  };
  try {
    return { steps, errorUrns, result: await stack.preview({ onEvent }) };
  } catch (error) {
    return { steps, errorUrns, error: error as Error };
  }
}

describe("GDPR regional layouts at preview, through the real engine", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await newTestStack(path.join(__dirname, "..", "programs", "gdpr"), { layout: { value: JSON.stringify(CASES[0].layout) } });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each(CASES)("$name", async ({ layout: l, error }) => {
    await t.stack.setConfig("layout", { value: JSON.stringify(l) });
    const plan = await previewPlan(t.stack);
    if (!error) {
      expect(plan.error).toBeUndefined();
      // The layout is one component and nothing else: no cluster, no provider, no child resource.
      expect(plan.steps).toEqual([["create", COMPONENT, "search"]]);
      // The summary counts the stack too: the stack and the component, both new, nothing else.
      expect(Object.entries(plan.result!.changeSummary).filter(([, n]) => n)).toEqual([["create", 2]]);
    } else {
      expect(plan.error?.message).toMatch(error);
      // Refused before declaring anything: the only resource besides the stack that reaches the engine
      // is the component itself (it registers before checking its arguments, to be named in the error).
      expect(plan.steps.filter(([, type, name]) => !(type === COMPONENT && name === "search"))).toEqual([]);
      // The error is the component's, reported on it.
      expect(plan.errorUrns).toContainEqual(expect.stringMatching(new RegExp(`::${COMPONENT}::search$`)));
    }
  });
});
