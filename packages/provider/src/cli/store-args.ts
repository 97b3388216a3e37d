/**
 * The store options every command line of ours takes, and how they become a connection.
 * Credentials come from the environment (VAMP_STORE_USERNAME, VAMP_STORE_PASSWORD,
 * VAMP_STORE_TOKEN), never from arguments, where `ps` would show them.
 */
import type { FieldProblem, StoreConnection, StoreCredentials } from "../store/connection";
import { validateStoreConnection } from "../store/connection";

/** `parseArgs` options for the store. */
export const STORE_OPTIONS = {
  store: { type: "string", default: "etcd" },
  endpoints: { type: "string" },
  mount: { type: "string" },
  "poll-ms": { type: "string" },
} as const;

export const STORE_USAGE = `  --store      etcd | zookeeper | vault (default etcd)
  --endpoints  etcd client URLs, ZooKeeper host:port list, or the Vault address (comma-separated)
  --mount      Vault's KV v2 mount (default secret); --poll-ms how often to poll Vault (default 1000)
  credentials: VAMP_STORE_USERNAME, VAMP_STORE_PASSWORD, VAMP_STORE_TOKEN in the environment`;

/** The connection the options name, and what is wrong with it. */
export function storeFromArgs(values: { store?: string; endpoints?: string; mount?: string; "poll-ms"?: string }): { connection: StoreConnection; problems: FieldProblem[] } {
  const list = (values.endpoints ?? "").split(",").filter(Boolean);
  let connection: StoreConnection;
  if (values.store === "vault") {
    connection = { kind: "vault", address: list[0] ?? "" };
    if (values.mount) connection.mount = values.mount;
    if (values["poll-ms"]) connection.pollIntervalMs = Number(values["poll-ms"]);
  } else if (values.store === "zookeeper") connection = { kind: "zookeeper", servers: list };
  else connection = { kind: values.store, endpoints: list } as StoreConnection;
  return { connection, problems: validateStoreConnection(connection, "--store/--endpoints") };
}

/** Credentials from the environment. */
export function storeCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreCredentials {
  return { username: env.VAMP_STORE_USERNAME, password: env.VAMP_STORE_PASSWORD, token: env.VAMP_STORE_TOKEN };
}
