/**
 * The Workflow component under Pulumi's mocks: the record it writes for a Vamp document as it is
 * and for a program's workflow, and mistakes failing the program (so `pulumi preview`) naming the
 * field. test/e2e/canary/workflows.test.ts runs such records in the real workflow agent.
 */
import * as path from "node:path";
import { declareResources } from "../testing";
import { Workflow } from "./workflow";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- inputs are free-form JSON
const REPORT = path.join(__dirname, "../../../../examples/workflows/traffic-report.yaml");
const environment = { organization: "acme", name: "dev" };
const store = { kind: "etcd" as const, endpoints: ["http://etcd:2379"] };
const script = { name: "beat", deployable: { type: "application/javascript", definition: "vamp.emit(['beat'], 1)" } };

describe("Workflow", () => {
  it("writes a Vamp workflow document as it is, its script breed inline", async () => {
    const d = await declareResources(() => Workflow.fromYaml("report", REPORT, { environment, store }));
    const entry = d.find((r) => (r.inputs as Obj).key !== undefined)!.inputs as Obj;
    expect(entry.key).toBe("/vamp/acme/dev/workflows/traffic-report");
    const rec = JSON.parse(entry.value);
    expect([rec.kind, rec.workflow.name, rec.workflow.schedule, rec.workflow.breed.deployable.type]).toEqual([
      "Workflow",
      "traffic-report",
      { time: { period: "PT1M" } },
      "application/javascript",
    ]);
    expect(rec.workflow.breed.deployable.definition).toContain("await vamp.metrics(g.name, 60)");
    expect(rec.workflow.environmentVariables).toEqual([{ name: "VAMP_WORKFLOW_EXECUTION_TIMEOUT", value: "20" }]);
  });

  it("writes a program's workflow, its breed named among the breeds", async () => {
    const d = await declareResources(
      () =>
        new Workflow("beat", {
          environment,
          store,
          workflow: { name: "beat", breed: "beat", schedule: { event: { tags: ["deployed"] } } },
          breeds: [{ ...script, ports: [], environmentVariables: [], constants: [], arguments: [], dependencies: {} }],
        }),
    );
    const rec = JSON.parse((d.find((r) => (r.inputs as Obj).key !== undefined)!.inputs as Obj).value);
    expect([rec.workflow.schedule, rec.workflow.breed.name]).toEqual([{ event: { tags: ["deployed"] } }, "beat"]);
  });

  it.each([
    [
      { name: "w", breed: script, schedule: { time: { period: "every minute" } } },
      /workflow.schedule.time.period: must be an ISO-8601 period like "PT1M", got "every minute"/,
    ],
    [{ name: "w", breed: "nope", schedule: "daemon" }, /workflow.breed: breed "nope" is not defined/],
    [
      { name: "w", breed: { name: "img", deployable: "shop/web:1" }, schedule: "daemon" },
      /workflow.breed.deployable: the workflow agent runs scripts: .*got "container\/docker"/,
    ],
  ])("fails the program on a mistake, naming the field, before declaring anything (%#)", async (workflow, message) => {
    let declared = 0;
    await expect(
      declareResources(() => {
        new Workflow("w", { environment, store, workflow });
        declared++;
      }),
    ).rejects.toThrow(message);
    expect(declared).toBe(0);
  });
});
