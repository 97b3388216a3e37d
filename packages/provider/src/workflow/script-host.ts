/**
 * One run of a workflow script, in a process of its own (so a timeout can end it and a crash
 * harms nothing else): the script's text runs as the body of an async function of `vamp` (the
 * {@link workflowClient}) and `event` (what triggered it, for event schedules). Started by the
 * workflow agent with the run's settings in the environment; exits 0 when the script resolves.
 */
import { messageOf } from "../model/problem";
import { connectSearch } from "../search/client";
import { EventQueue } from "../search/events";
import { storeCredentialsFromEnv, type StoreConnection } from "../store/connection";
import { openStore } from "../store/factory";
import { workflowClient } from "./client";

/** The environment a run gets from the agent (besides the workflow's own variables). */
export const HOST_ENV = {
  name: "VAMP_WORKFLOW_NAME",
  script: "VAMP_WORKFLOW_SCRIPT",
  store: "VAMP_WORKFLOW_STORE",
  organization: "VAMP_WORKFLOW_ORGANIZATION",
  environment: "VAMP_WORKFLOW_ENVIRONMENT",
  events: "VAMP_WORKFLOW_EVENTS_URL",
  trigger: "VAMP_WORKFLOW_TRIGGER",
} as const;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const name = env[HOST_ENV.name] ?? "workflow";
  const store = openStore(JSON.parse(env[HOST_ENV.store] ?? "{}") as StoreConnection, storeCredentialsFromEnv(env));
  const search = env[HOST_ENV.events] ? await connectSearch({ url: env[HOST_ENV.events]! }) : undefined;
  const events = search ? new EventQueue(search, env[HOST_ENV.organization] ?? "", () => undefined, 100) : undefined;
  const tenant = { organization: env[HOST_ENV.organization] ?? "", environment: env[HOST_ENV.environment] ?? "" };
  const vamp = workflowClient(store, tenant, name, events);
  const trigger = env[HOST_ENV.trigger] ? (JSON.parse(env[HOST_ENV.trigger]!) as unknown) : undefined;
  // The script is the workflow's own code, given by its owner: it runs with the agent's rights in this tenant.
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
  try {
    await new AsyncFunction("vamp", "event", env[HOST_ENV.script] ?? "")(vamp, trigger);
  } finally {
    await events?.flush();
    await search?.close();
    await store.close();
  }
}

if (require.main === module) {
  // A script whose promise never settles and leaves nothing running did not succeed.
  process.once("beforeExit", () => {
    process.stderr.write("the script's promise never settled\n");
    process.exit(1);
  });
  main(process.env).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${messageOf(e)}\n`);
      process.exit(1);
    },
  );
}
