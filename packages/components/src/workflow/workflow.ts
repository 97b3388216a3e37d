/**
 * A Vamp workflow kept by the environment's workflow agent (`vamp-workflow-agent --workflows`):
 * the workflow, its script breed inline, written to the store as a record the stack owns. The
 * agent's progress through the schedule is its own status record, so the stack never sees drift
 * and a `pulumi up` that changes the script does not reset the schedule. The workflow is checked
 * when the program runs, so `pulumi preview` fails on a mistake, naming it, before anything
 * changes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import {
  readArtifacts,
  StoreEntry,
  validateWorkflow,
  workflowKey,
  workflowRecord,
  type Breed,
  type Problem,
  type StoreConnection,
  type StoreCredentialsArgs,
  type WorkflowRecord,
  WORKFLOW_API_VERSION,
} from "@vamp-pulumi/provider";
import { failOn } from "../common/errors";

export interface WorkflowArgs {
  /**
   * A workflow as a program writes it (`{ name, breed, schedule, environmentVariables }`): `breed`
   * inline or the name of one of `breeds`, a script (`{ type: "application/javascript", definition }`);
   * `schedule` is `"daemon"`, `{ event: { tags } }` or `{ time: { period, start, repeat } }`.
   * Or a record {@link Workflow.fromYaml} read.
   */
  workflow: Record<string, unknown> | WorkflowRecord;
  /** Breeds the workflow names. */
  breeds?: Breed[];
  /** The environment whose workflow agent runs it (an {@link Environment} has both). */
  environment: { organization: string; name: string };
  /** The key-value store the environment's workflow agent reads. */
  store: pulumi.Input<StoreConnection>;
  credentials?: pulumi.Input<StoreCredentialsArgs>;
}

/** The workflow of the arguments, checked and resolved into the record the agent runs. */
export function workflowRecordOf(args: Pick<WorkflowArgs, "workflow" | "breeds">): { record?: WorkflowRecord; problems: Problem[] } {
  const given = args.workflow;
  if (given.apiVersion === WORKFLOW_API_VERSION && given.kind === "Workflow") return { record: given as WorkflowRecord, problems: [] };
  const w = validateWorkflow(given, { source: "" });
  if (!w.workflow) return { problems: w.problems.map((p) => ({ ...p, path: p.path ? `workflow.${p.path}` : "workflow" })) };
  const r = workflowRecord(w.workflow, args.breeds ?? [], "");
  return { record: r.record, problems: r.problems.map((p) => ({ ...p, path: `workflow.${p.path}` })) };
}

/**
 * @example
 * new Workflow("heartbeat", {
 *   environment: prod,                       // an Environment
 *   store: { kind: "etcd", endpoints: ["http://etcd.vamp:2379"] },
 *   workflow: {
 *     name: "heartbeat",
 *     schedule: { time: { period: "PT1M" } },
 *     breed: { name: "heartbeat", deployable: { type: "application/javascript", definition: "await vamp.emit(['heartbeat'], 'alive')" } },
 *   },
 * });
 */
export class Workflow extends pulumi.ComponentResource {
  /** The workflow's name in the store. */
  public readonly workflowName: string;
  /** The record the workflow agent runs. */
  public readonly record: WorkflowRecord;

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:release:Workflow", name, {}, opts);
    const { record, problems } = workflowRecordOf(args);
    failOn(problems, "vamp:release:Workflow", name, this);
    this.record = record!;
    this.workflowName = this.record.workflow.name;
    const tenant = { organization: args.environment.organization, environment: args.environment.name };
    new StoreEntry(
      `${name}-record`,
      { store: args.store, credentials: args.credentials, key: workflowKey(tenant, this.workflowName), value: JSON.stringify(this.record) },
      { parent: this },
    );
    this.registerOutputs({});
  }

  /**
   * A workflow from a file of Vamp documents, as it is (its breeds are the catalog, with
   * `args.breeds` added).
   *
   * @example
   * const kicker = Workflow.fromYaml("kicker", "examples/workflows/kicker.yaml", { environment: dev, store });
   */
  static fromYaml(name: string, file: string, args: Omit<WorkflowArgs, "workflow"> & { workflow?: string }, opts?: pulumi.ComponentResourceOptions): Workflow {
    const text = fs.readFileSync(file, "utf8");
    const r = readArtifacts([{ text, file }]);
    const problems = [...r.problems];
    const wanted = args.workflow;
    const w = wanted ? r.catalog.workflows.find((x) => x.name === wanted) : r.catalog.workflows[0];
    if (!w) problems.push({ source: file, path: "", message: wanted ? `has no workflow named ${JSON.stringify(wanted)}` : "has no workflow" });
    failOn(problems, "vamp:release:Workflow", name);
    const resolved = workflowRecord(w!, [...r.catalog.breeds, ...(args.breeds ?? [])], file);
    failOn(resolved.problems, "vamp:release:Workflow", name);
    return new Workflow(name, { ...args, workflow: resolved.record! }, opts);
  }
}
