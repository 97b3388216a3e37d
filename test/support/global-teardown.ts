/** Jest global tear-down of the e2e project: stops exactly the test-bed services this run started. */
import { stopServices } from "../../testbed/services";
import { currentRunId, forgetRun, startedInRun } from "./testbed-run";

export async function stopRunServices(id: string): Promise<void> {
  const started = startedInRun(id);
  if (started.length) await stopServices(started.reverse());
  forgetRun(id);
}

export default async function globalTeardown(): Promise<void> {
  const id = currentRunId();
  if (id) await stopRunServices(id);
}
