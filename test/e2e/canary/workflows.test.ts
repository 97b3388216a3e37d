/**
 * Workflows run by the workflow agent as its own process (etcd, the test bed's OpenSearch node
 * for events, a real gateway agent and HAProxy for the client's writes): a time schedule with
 * `repeat: 10` runs exactly 10 times, an event-triggered one starts within 2 s of its event,
 * overlapping ticks are skipped, a run past its timeout is ended, and a script's `vamp` client
 * moves a gateway's weights as the workflow's own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readArtifacts } from "../../../packages/provider/src/dsl/artifacts";
import { workflowRecord } from "../../../packages/provider/src/record/workflow";
import { WORKFLOW_API_VERSION, type WorkflowRecord, type WorkflowStatus } from "../../../packages/provider/src/model/workflow";
import { statusKeyOf, workflowKey } from "../../../packages/provider/src/record/keys";
import { connectSearch } from "../../../packages/provider/src/search/client";
import { emitEvents } from "../../../packages/provider/src/search/events";
import { requireServices } from "../../support/testbed";
import { until } from "../agent/harness";
import { deleteIndices, searchNode } from "../logs/harness";
import { startCanaryBed, startTraffic, startWorkflowAgent, type WorkflowAgentProcess } from "./harness";

jest.setTimeout(120_000);

describe("workflows: the workflow agent's runs", () => {
  const tenant = { organization: `wf${Date.now().toString(36)}`, environment: "prod" };
  let bed: Awaited<ReturnType<typeof startCanaryBed>>;
  let wf: WorkflowAgentProcess;
  const node = searchNode("opensearch");
  const write = (name: string, schedule: WorkflowRecord["workflow"]["schedule"], script: string, env: Record<string, string> = {}) => {
    const rec: WorkflowRecord = {
      apiVersion: WORKFLOW_API_VERSION,
      kind: "Workflow",
      workflow: {
        name,
        schedule,
        breed: {
          name,
          deployable: { type: "application/javascript", definition: script },
          ports: [],
          environmentVariables: [],
          constants: [],
          arguments: [],
          dependencies: {},
        },
        environmentVariables: Object.entries(env).map(([n, value]) => ({ name: n, value })),
        arguments: [],
        dialects: {},
      },
    };
    return bed.gw.store.put(workflowKey(tenant, name), JSON.stringify(rec));
  };
  const logged = (event: string, workflow: string) => wf.lines.filter((l) => l.event === event && l.workflow === workflow);

  beforeAll(async () => {
    await requireServices("etcd", "haproxy", node.service);
    bed = await startCanaryBed(tenant);
    wf = await startWorkflowAgent(tenant, "wf-runs", ["--workflows", "--events-url", node.url]);
  });
  afterAll(async () => {
    await wf?.stop();
    for (const k of ["ten", "on-deploy", "slow", "stuck", "weights", "traffic-report"]) {
      await bed?.gw.store.delete(workflowKey(tenant, k)).catch(() => undefined);
      await bed?.gw.store.delete(statusKeyOf(tenant, "workflows", workflowKey(tenant, k))).catch(() => undefined);
    }
    await bed?.stop();
    await deleteIndices(node.url, `vamp-${tenant.organization}-*`);
  });

  it("a time schedule with repeat: 10 runs exactly 10 times", async () => {
    await write("ten", { time: { period: "PT0.5S", repeat: 10 } }, `console.log("ran")`);
    await until(async () => logged("workflow-ended", "ten").length >= 10, 30_000, "ten runs");
    await new Promise((r) => setTimeout(r, 2000));
    expect(logged("workflow-output", "ten").map((l) => l.line)).toEqual(Array(10).fill("ran"));
    const status = JSON.parse((await bed.gw.store.get(statusKeyOf(tenant, "workflows", workflowKey(tenant, "ten"))))!.value) as WorkflowStatus;
    expect([status.runs, status.last?.ok]).toEqual([10, true]);
  });

  it("an event-triggered workflow starts within 2 s of its event", async () => {
    await write("on-deploy", { event: { tags: ["deployments:shop", "deployed"] } }, `console.log(JSON.stringify(event.tags))`);
    await new Promise((r) => setTimeout(r, 1000)); // the agent has seen the record
    const search = await connectSearch({ url: node.url });
    const at = Date.now();
    await emitEvents(search, tenant.organization, [{ tags: ["deployments:shop", "deployed"], type: "deployment", value: {}, timestamp: at }]);
    await search.close();
    await until(async () => logged("workflow-run", "on-deploy").length === 1, 10_000, "the run");
    const started = Date.parse(String(wf.lines.find((l) => l.event === "workflow-run" && l.workflow === "on-deploy")!.time));
    console.log(`figures: event → workflow run started in ${started - at} ms`);
    expect(started - at).toBeLessThan(2000);
    await until(async () => logged("workflow-output", "on-deploy").length === 1, 10_000, "its output");
    expect(String(logged("workflow-output", "on-deploy")[0].line)).toMatch(/"deployments:shop"/);
  });

  it("skips ticks while the last run still runs, ends a run past its timeout, and moves weights as the workflow's own", async () => {
    await write("slow", { time: { period: "PT0.5S", repeat: 3 } }, `await new Promise((r) => setTimeout(r, 1600))`);
    await write("stuck", { time: { period: "PT1H" } }, `await new Promise(() => setInterval(() => undefined, 1000))`, { VAMP_WORKFLOW_EXECUTION_TIMEOUT: "1" });
    await write(
      "weights",
      { time: { period: "PT1H" } },
      `const [g] = await vamp.gateways(); await vamp.setWeights(g.name, { ${JSON.stringify(bed.routes.stable)}: 70, ${JSON.stringify(bed.routes.canary)}: 30 });`,
    );
    await until(
      async () => logged("workflow-ended", "stuck").length === 1 && logged("workflow-ended", "weights").length === 1,
      20_000,
      "stuck and weights ended",
    );
    expect(logged("workflow-ended", "stuck")[0]).toMatchObject({ ok: false, error: "timed out after 1 s" });
    expect(logged("workflow-ended", "weights")[0]).toMatchObject({ ok: true });
    expect(await bed.weights()).toEqual([70, 30]);
    const rec = JSON.parse((await bed.gw.store.get(`/vamp/${tenant.organization}/prod/gateways/shop`))!.value);
    expect(rec.managers[bed.routes.canary].owner).toBe("workflow/weights");
    await until(async () => logged("workflow-ended", "slow").length === 3, 30_000, "three slow runs");
    expect(logged("workflow-skipped", "slow").length).toBeGreaterThan(0);
  });

  it("runs a Vamp workflow document as it is (examples/workflows/traffic-report.yaml)", async () => {
    const file = path.join(__dirname, "../../../examples/workflows/traffic-report.yaml");
    const read = readArtifacts([{ text: fs.readFileSync(file, "utf8"), file }]);
    expect(read.problems).toEqual([]);
    const { record, problems } = workflowRecord(read.catalog.workflows[0], read.catalog.breeds, file);
    expect(problems).toEqual([]);
    const traffic = startTraffic(bed.gw.url, 20);
    await new Promise((r) => setTimeout(r, 3000)); // something to report
    await bed.gw.store.put(workflowKey(tenant, "traffic-report"), JSON.stringify(record));
    await until(async () => logged("workflow-ended", "traffic-report").length === 1, 20_000, "the report's first run");
    await traffic.stop();
    expect(logged("workflow-ended", "traffic-report")[0]).toMatchObject({ ok: true });
    const [line] = logged("workflow-output", "traffic-report").map((l) => String(l.line));
    expect(line).toMatch(/^shop .*: \d+ requests, 0\.0% 5xx, p95 \d+/);
  });
});
