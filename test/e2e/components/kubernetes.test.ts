/**
 * The Kubernetes layer of the topology proof for the programs the real engine cannot run here
 * (they also use the MySQL or Vault provider, whose plugins cannot be built): each runs under
 * Pulumi's mocks, every Kubernetes object it declares is server-side applied to the test bed's
 * real API server (scheduler, controller manager, kwok nodes), and the rules of rules.ts are
 * checked there. Programs that need only the Kubernetes provider go through the real engine
 * instead (engine.test.ts).
 */
import { declareResources, kubernetesManifests } from "../../../packages/components/src/testing";
import { kube, serverSideApply } from "../../support/kube";
import { requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { DECLARED_PROGRAMS } from "./programs";
import { expectAgentsSpreadAndReady, expectBudgetBlocksSecondEviction, expectLeastPrivilege, type Manifest } from "./rules";

jest.setTimeout(180_000);

beforeAll(async () => {
  // The test cluster comes with five kwok nodes, each with its hostname label and pod range.
  await requireServices("kubernetes");
});

describe.each(DECLARED_PROGRAMS)("$name: declared objects on a real Kubernetes API", ({ program, options }) => {
  let manifests: Manifest[];
  let namespaces: string[];

  beforeAll(async () => {
    manifests = kubernetesManifests(await declareResources(program, options)) as Manifest[];
    namespaces = manifests.filter((m) => m.kind === "Namespace").map((m) => m.metadata.name);
  });

  afterAll(async () => {
    for (const ns of namespaces ?? []) await kube("DELETE", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true });
    // The next program may declare the same namespaces: wait until these are gone.
    for (const ns of namespaces ?? [])
      await until(async () => !(await kube("GET", `/api/v1/namespaces/${ns}`, undefined, { tolerate404: true })), 90_000, `namespace ${ns} deleted`);
  });

  it("every declared object is accepted by the API server (server-side apply)", async () => {
    expect(manifests.length).toBeGreaterThan(5);
    const ordered = [...manifests.filter((m) => m.kind === "Namespace"), ...manifests.filter((m) => m.kind !== "Namespace")];
    const failures: string[] = [];
    for (const m of ordered) {
      try {
        await serverSideApply(m);
      } catch (e) {
        failures.push(`${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    console.log(`[components k8s] applied ${ordered.length} objects: ${[...new Set(ordered.map((m) => m.kind))].join(", ")}`);
  });

  it("the gateway agents of each environment run on different nodes and become Ready", async () => {
    await expectAgentsSpreadAndReady(manifests.filter((m) => m.kind === "Deployment" && m.metadata.name === "vamp-gateway-agent"));
  });

  it("the PodDisruptionBudget lets one agent go and blocks evicting the second", async () => {
    await expectBudgetBlocksSecondEviction(manifests.find((m) => m.kind === "PodDisruptionBudget")!);
  });

  it("each agent's ServiceAccount may do what it needs and nothing else", async () => {
    await expectLeastPrivilege(manifests.filter((m) => m.kind === "Role" && m.metadata.name === "vamp-gateway-agent").map((m) => m.metadata.namespace!));
  });
});
