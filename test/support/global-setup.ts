/**
 * Jest global set-up of the e2e project: names this test run and puts the test bed's environment
 * (PATH with the Pulumi CLI, PULUMI_*, endpoints) into the environment the workers inherit.
 * Servers are not started here: each suite's `requireServices` starts what it needs, so a subset
 * starts only its own; the global tear-down stops what the run started.
 */
import { applyTestbedEnvironment } from "../../testbed/services";
import { stopRunServices } from "./global-teardown";
import { beginRun } from "./testbed-run";

export default async function globalSetup(): Promise<void> {
  const id = beginRun();
  applyTestbedEnvironment();
  // Interrupted (Ctrl-C) runs skip Jest's tear-down: stop what this run started anyway.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void stopRunServices(id).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}
