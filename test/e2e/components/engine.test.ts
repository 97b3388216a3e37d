/**
 * examples/quickstart, as it is, through the real Pulumi engine and the real Kubernetes provider
 * plugin (built by the test bed at the version npm @pulumi/kubernetes asks for) against the test
 * bed's API server: `up` creates every object and waits for what the provider waits for (agents
 * Ready, the gateway Service's load-balancer address); `refresh` right after finds nothing
 * changed; a changed argument is an update in place; `destroy` leaves no namespace behind.
 */
import * as path from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { kube } from "../../support/kube";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { REPO_ROOT, requireServices, testbedEnv } from "../../support/testbed";
import { until } from "../agent/harness";
import { expectAgentsSpreadAndReady, expectBudgetBlocksSecondEviction, expectLeastPrivilege, type Manifest } from "./rules";

jest.setTimeout(600_000);

const PROJECT = "vamp-quickstart";
let t: TestStack;
let outputs: OutputMap;
let destroyed = false;
const log: string[] = [];
const onOutput = (line: string) => log.push(line);

/** The changes of an operation other than "same". */
const changes = (summary: Record<string, number> | undefined) => Object.fromEntries(Object.entries(summary ?? {}).filter(([k, n]) => k !== "same" && n > 0));

/** The namespaces the example made: its environments' and the quickstart's own. */
const namespaces = () => [...(outputs.namespaces.value as string[]), "vamp-quickstart"];

beforeAll(async () => {
  await requireServices("kubernetes");
  t = await newTestStack(path.join(REPO_ROOT, "examples", "quickstart"), { [`${PROJECT}:kubeconfig`]: { value: testbedEnv().VAMP_KUBECONFIG } });
});

afterAll(async () => {
  if (!t) return;
  if (!destroyed) await t.stack.destroy().catch(() => undefined);
  await t.cleanup();
});

it("up creates every object through the plugin built at the pinned version, and waits for Ready", async () => {
  const r = await t.stack.up({ onOutput });
  expect(r.summary.result).toBe("succeeded");
  expect(r.summary.resourceChanges?.create).toBeGreaterThan(15);
  outputs = r.outputs;
  // The engine picked the installed plugin by version: no ambient one from PATH, no version warning.
  expect(log.join("")).not.toMatch(/from \$PATH|expected version/i);
  const state = (await t.stack.exportStack()).deployment as { resources: { type: string; inputs?: { version?: string } }[] };
  const providers = state.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
  expect(providers.length).toBeGreaterThan(0);
  for (const p of providers) expect(p.inputs?.version).toBe(require("@pulumi/kubernetes/package.json").version);
  const [env] = outputs.namespaces.value as string[];
  const agents = await kube<Manifest>("GET", `/apis/apps/v1/namespaces/${env}/deployments/vamp-gateway-agent`);
  await expectAgentsSpreadAndReady([agents!]);
  const svc = await kube<{ status: { loadBalancer: { ingress?: { ip: string }[] } } }>("GET", `/api/v1/namespaces/${env}/services/vamp-gateway-agent`);
  expect(svc!.status.loadBalancer.ingress?.[0]?.ip).toMatch(/^127\.0\.200\./);
});

it("the rules hold on what the engine made: one agent may be evicted, not two; least privilege", async () => {
  const [env] = outputs.namespaces.value as string[];
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

it("a changed argument (the gateway ports) is an update in place: nothing replaced, created or deleted", async () => {
  await t.stack.setConfig(`${PROJECT}:gatewayPorts`, { value: "[9050, 9060]" });
  const p = await t.stack.preview({ diff: true });
  expect(changes(p.changeSummary)).toEqual({ update: expect.any(Number) });
  const r = await t.stack.up({ onOutput });
  expect(changes(r.summary.resourceChanges)).toEqual({ update: p.changeSummary.update });
  const [env] = outputs.namespaces.value as string[];
  const svc = await kube<{ spec: { ports: { port: number }[] } }>("GET", `/api/v1/namespaces/${env}/services/vamp-gateway-agent`);
  expect(svc!.spec.ports.map((x) => x.port).sort()).toEqual([9050, 9060]);
});

it("destroy removes every object: the namespaces are gone", async () => {
  const r = await t.stack.destroy({ onOutput });
  destroyed = true;
  expect(r.summary.result).toBe("succeeded");
  for (const ns of namespaces())
    await until(async () => !(await kube("GET", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true })), 120_000, `namespace ${ns} deleted`);
});
