/**
 * The examples that need only the Kubernetes provider, as they are, through the real Pulumi
 * engine and the real Kubernetes provider plugin (built by the test bed at the version npm
 * @pulumi/kubernetes asks for) against the test bed's API server: `up` creates every object and
 * waits for what the provider waits for (agents Ready, each gateway Service's load-balancer
 * address); the topology rules hold on what it made; `refresh` right after finds nothing
 * changed; a bad argument fails preview and changes nothing; a changed argument is an update in
 * place; `destroy` leaves no namespace behind. (examples/management-service also needs the MySQL
 * and Vault providers, whose plugins cannot be had here: kubernetes.test.ts applies what it declares.)
 */
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { kube } from "../../support/kube";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { KUBERNETES_PROVIDER_WAIT_MS, REPO_ROOT, requireKubernetesProvider, requireServices, testbedEnv } from "../../support/testbed";
import { until } from "../agent/harness";
import { expectAgentsSpreadAndReady, expectBudgetBlocksSecondEviction, expectLeastPrivilege, type Manifest } from "./rules";

jest.setTimeout(600_000);

interface Example {
  dir: string;
  project: string;
  /** Config for the test bed's cluster. */
  config: (kubeconfig: string) => ConfigMap;
  /** A config change that must fail preview, and the words the error must say. */
  bad: { key: string; value: string; says: RegExp };
  /** A config change that must update objects in place, and a check of the change on the API server. */
  change: { key: string; value: string; check: (namespaces: string[]) => Promise<void> };
}

const service = (ns: string) =>
  kube<{ spec: { ports: { port: number }[] }; status: { loadBalancer: { ingress?: { ip: string }[] } } }>(
    "GET",
    `/api/v1/namespaces/${ns}/services/vamp-gateway-agent`,
  );
const agents = (ns: string) => kube<Manifest>("GET", `/apis/apps/v1/namespaces/${ns}/deployments/vamp-gateway-agent`, undefined, { tolerate404: true });

const EXAMPLES: Example[] = [
  {
    dir: "quickstart",
    project: "vamp-quickstart",
    config: (k) => ({ "vamp-quickstart:kubeconfig": { value: k } }),
    bad: { key: "vamp:production", value: "true", says: /production/ },
    change: {
      key: "vamp-quickstart:gatewayPorts",
      value: "[9050, 9060]",
      check: async (nss) => {
        const withAgents = (await Promise.all(nss.map(async (ns) => ((await agents(ns)) ? ns : undefined)))).filter(Boolean) as string[];
        expect(((await service(withAgents[0]))!.spec.ports.map((p) => p.port) ?? []).sort()).toEqual([9050, 9060]);
      },
    },
  },
  {
    dir: "gdpr-multi-region",
    project: "vamp-gdpr-multi-region",
    config: (k) => Object.fromEntries(["eu", "de", "us"].map((r) => [`vamp-gdpr-multi-region:${r}Kubeconfig`, { value: k }])),
    bad: { key: "vamp-gdpr-multi-region:shopDeLogs", value: "eu", says: /acme\/shop-de.*DE/ },
    change: {
      key: "vamp-gdpr-multi-region:vaultAddress",
      value: "https://vault-2.example.com:8200",
      check: async (nss) => {
        const texts = await Promise.all(nss.map(async (ns) => JSON.stringify((await agents(ns))?.spec ?? {})));
        expect(texts.filter((t) => t.includes("vault-2.example.com"))).toHaveLength(3);
      },
    },
  },
];

/** The changes of an operation other than "same". */
const changes = (summary: Record<string, number> | undefined) => Object.fromEntries(Object.entries(summary ?? {}).filter(([k, n]) => k !== "same" && n > 0));

// The plugin may still be building beside the suites before this one (npm test).
beforeAll(() => requireKubernetesProvider(), KUBERNETES_PROVIDER_WAIT_MS);
beforeAll(() => requireServices("kubernetes"));

describe.each(EXAMPLES)("examples/$dir through the real engine and provider plugin", (ex) => {
  let t: TestStack;
  let namespaces: string[] = [];
  let destroyed = false;
  const log: string[] = [];
  const onOutput = (line: string) => log.push(line);

  beforeAll(async () => {
    t = await newTestStack(path.join(REPO_ROOT, "examples", ex.dir), ex.config(testbedEnv().VAMP_KUBECONFIG));
  });

  afterAll(async () => {
    if (!t) return;
    if (!destroyed) await t.stack.destroy().catch(() => undefined);
    await t.cleanup();
  });

  it("up creates every object through the plugin built at the pinned version, and waits for Ready and addresses", async () => {
    const r = await t.stack.up({ onOutput });
    expect(r.summary.result).toBe("succeeded");
    expect(r.summary.resourceChanges?.create).toBeGreaterThan(15);
    // The engine picked the installed plugin by version: no ambient one from PATH, no version warning.
    expect(log.join("")).not.toMatch(/from \$PATH|expected version/i);
    const state = (await t.stack.exportStack()).deployment as {
      resources: { type: string; inputs?: { version?: string }; outputs?: { metadata?: { name?: string } } }[];
    };
    const providers = state.resources.filter((x) => x.type === "pulumi:providers:kubernetes");
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) expect(p.inputs?.version).toBe(require("@pulumi/kubernetes/package.json").version);
    namespaces = state.resources.filter((x) => x.type === "kubernetes:core/v1:Namespace").map((x) => x.outputs!.metadata!.name!);
    const deployed = (await Promise.all(namespaces.map(agents))).filter((d): d is Manifest => !!d);
    expect(deployed.length).toBeGreaterThan(0);
    await expectAgentsSpreadAndReady(deployed);
    for (const d of deployed) expect((await service(d.metadata.namespace!))!.status.loadBalancer.ingress?.[0]?.ip).toMatch(/^127\.0\.200\./);
  });

  it("the rules hold on what the engine made: one agent may be evicted, not two; least privilege", async () => {
    const env = (await Promise.all(namespaces.map(async (ns) => ((await agents(ns)) ? ns : undefined)))).find(Boolean)!;
    const pdbs = await kube<{ items: Manifest[] }>("GET", `/apis/policy/v1/namespaces/${env}/poddisruptionbudgets`);
    expect(pdbs!.items).toHaveLength(1);
    await expectBudgetBlocksSecondEviction(pdbs!.items[0]);
    await expectLeastPrivilege([env]);
  });

  it("refresh right after up changes nothing, and preview then shows no changes", async () => {
    const r = await t.stack.refresh({ onOutput });
    expect(changes(r.summary.resourceChanges)).toEqual({});
    const p = await t.stack.preview({ onOutput });
    expect(changes(p.changeSummary)).toEqual({});
  });

  it("a bad argument fails preview with a message naming it, and changes nothing", async () => {
    await t.stack.setConfig(ex.bad.key, { value: ex.bad.value });
    await expect(t.stack.preview()).rejects.toThrow(ex.bad.says);
    await t.stack.removeConfig(ex.bad.key);
    expect(changes((await t.stack.preview()).changeSummary)).toEqual({});
  });

  it("a changed argument is an update in place: nothing replaced, created or deleted", async () => {
    await t.stack.setConfig(ex.change.key, { value: ex.change.value });
    const p = await t.stack.preview();
    expect(changes(p.changeSummary)).toEqual({ update: expect.any(Number) });
    const r = await t.stack.up({ onOutput });
    expect(changes(r.summary.resourceChanges)).toEqual({ update: p.changeSummary.update });
    await ex.change.check(namespaces);
  });

  it("destroy removes every object: the namespaces are gone", async () => {
    const r = await t.stack.destroy({ onOutput });
    destroyed = true;
    expect(r.summary.result).toBe("succeeded");
    for (const ns of namespaces)
      await until(async () => !(await kube("GET", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true })), 120_000, `namespace ${ns} deleted`);
  });
});
