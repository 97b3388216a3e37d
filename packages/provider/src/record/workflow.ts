/**
 * A validated workflow → the record the workflow agent runs: its breed resolved (inline, or
 * named among `breeds`) and a script the agent can run. Pure.
 */
import { isRef, type Breed, type Workflow } from "../model/artifact";
import { quote, type Problem } from "../model/problem";
import { WORKFLOW_API_VERSION, type WorkflowRecord } from "../model/workflow";

/** The deployable type of a script breed: its definition is the script. */
export const SCRIPT_TYPE = "application/javascript";

/**
 * @example
 * workflowRecord(workflow, [{ name: "tick-script", deployable: { type: "application/javascript", definition: "console.log(1)" }, ... }], "")
 * // { record: { apiVersion: "vamp.io/v1", kind: "Workflow", workflow: { ..., breed: { name: "tick-script", ... } } }, problems: [] }
 */
export function workflowRecord(w: Workflow, breeds: Breed[], source: string): { record?: WorkflowRecord; problems: Problem[] } {
  const fail = (path: string, message: string) => ({ problems: [{ source, path, message }] });
  const breed = isRef(w.breed) ? breeds.find((b) => b.name === (w.breed as { ref: string }).ref) : w.breed;
  if (!breed) return fail("breed", `breed ${quote((w.breed as { ref: string }).ref)} is not defined (give it inline or among the breeds)`);
  if (breed.deployable.type !== SCRIPT_TYPE)
    return fail(
      "breed.deployable",
      `the workflow agent runs scripts: the deployable's type must be ${SCRIPT_TYPE} with the script as its definition, got ${quote(breed.deployable.type)}`,
    );
  if (!breed.deployable.definition.trim()) return fail("breed.deployable.definition", "must hold the workflow's script, got an empty one");
  return { record: { apiVersion: WORKFLOW_API_VERSION, kind: "Workflow", workflow: { ...w, breed } }, problems: [] };
}
