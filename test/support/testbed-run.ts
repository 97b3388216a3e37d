/**
 * Which test-bed services this test run started, so the run stops exactly those at the end:
 * Jest's global set-up names the run (VAMP_TESTBED_RUN_ID); `requireServices` appends what it
 * starts to $VAMP_RUN/runs/<id>.started (from any worker); the global tear-down stops them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { VAMP_RUN } from "../../testbed/services";

export const RUN_ID_VARIABLE = "VAMP_TESTBED_RUN_ID";

const runFile = (id: string) => path.join(VAMP_RUN, "runs", `${id.replace(/[^A-Za-z0-9._-]/g, "_")}.started`);

/** The current run's id, when Jest's global set-up named one. */
export function currentRunId(): string | undefined {
  return process.env[RUN_ID_VARIABLE] || undefined;
}

/** Names a new run (or keeps the one the caller set) and exports it to the workers. */
export function beginRun(): string {
  const id = currentRunId() ?? `${process.pid}-${Date.now().toString(36)}`;
  process.env[RUN_ID_VARIABLE] = id;
  return id;
}

/** Records that this run started a service. */
export function recordStarted(id: string, name: string): void {
  fs.mkdirSync(path.dirname(runFile(id)), { recursive: true });
  fs.appendFileSync(runFile(id), `${name}\n`);
}

/** The services the run started, in start order, once each. */
export function startedInRun(id: string): string[] {
  try {
    return [...new Set(fs.readFileSync(runFile(id), "utf8").split("\n").filter(Boolean))];
  } catch {
    return [];
  }
}

export function forgetRun(id: string): void {
  fs.rmSync(runFile(id), { force: true });
}
