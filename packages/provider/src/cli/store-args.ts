/**
 * The store options every command line of ours takes, and how they become a connection.
 * Credentials come from the environment (VAMP_STORE_USERNAME, VAMP_STORE_PASSWORD,
 * VAMP_STORE_TOKEN), never from arguments, where `ps` would show them.
 */
import * as fs from "node:fs";
import type { FieldProblem, StoreConnection, StoreCredentials } from "../store/connection";
import { validateStoreConnection } from "../store/connection";
import { openStore } from "../store/factory";
import { validateTenant, type Tenant } from "../store/layout";
import type { KeyValueStore } from "../store/types";

/** `parseArgs` options for the store and the tenant. */
export const STORE_OPTIONS = {
  organization: { type: "string" },
  environment: { type: "string" },
  store: { type: "string", default: "etcd" },
  endpoints: { type: "string" },
  mount: { type: "string" },
  "poll-ms": { type: "string" },
  ca: { type: "string" },
  cert: { type: "string" },
} as const;

export const STORE_USAGE = `  --store      etcd | zookeeper | vault (default etcd)
  --endpoints  etcd client URLs, ZooKeeper host:port list, or the Vault address (comma-separated)
  --mount      Vault's KV v2 mount (default secret); --poll-ms how often to poll Vault (default 1000)
  --ca FILE    the CA (PEM) of an https:// store; --cert FILE a client certificate (etcd mutual TLS)
  credentials: VAMP_STORE_USERNAME, VAMP_STORE_PASSWORD, VAMP_STORE_TOKEN, and the client key
  VAMP_STORE_TLS_KEY_FILE, in the environment`;

/** The connection the options name, and what is wrong with it. */
export function storeFromArgs(values: { store?: string; endpoints?: string; mount?: string; "poll-ms"?: string; ca?: string; cert?: string }): { connection: StoreConnection; problems: FieldProblem[] } {
  const list = (values.endpoints ?? "").split(",").filter(Boolean);
  const problems: FieldProblem[] = [];
  const read = (flag: "ca" | "cert") => {
    const file = values[flag];
    if (!file) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch (e) {
      problems.push({ path: `--${flag}`, message: `cannot read ${JSON.stringify(file)}: ${(e as Error).message}` });
      return undefined;
    }
  };
  const ca = read("ca");
  const cert = read("cert");
  let connection: StoreConnection;
  if (values.store === "vault") {
    connection = { kind: "vault", address: list[0] ?? "" };
    if (values.mount) connection.mount = values.mount;
    if (values["poll-ms"]) connection.pollIntervalMs = Number(values["poll-ms"]);
    if (ca) connection.tls = { ca };
  } else if (values.store === "zookeeper") connection = { kind: "zookeeper", servers: list };
  else {
    connection = { kind: values.store, endpoints: list } as StoreConnection;
    if ((ca || cert) && connection.kind === "etcd") connection.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}) };
  }
  return { connection, problems: [...problems, ...validateStoreConnection(connection, "--store/--endpoints")] };
}

/** Credentials from the environment. */
export function storeCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreCredentials {
  const keyFile = env.VAMP_STORE_TLS_KEY_FILE;
  return { username: env.VAMP_STORE_USERNAME, password: env.VAMP_STORE_PASSWORD, token: env.VAMP_STORE_TOKEN, tlsKey: keyFile ? fs.readFileSync(keyFile, "utf8") : undefined };
}

/**
 * The store and tenant a command line names, opened; exits 2 with every problem and the usage
 * when something is wrong. `more` adds the command's own checks.
 */
export function storeAndTenantFromArgs(
  values: Parameters<typeof storeFromArgs>[0] & { organization?: string; environment?: string },
  usage: string,
  more: FieldProblem[] = [],
): { store: KeyValueStore; tenant: Tenant } {
  const { connection, problems } = storeFromArgs(values);
  const tenant = { organization: values.organization ?? "", environment: values.environment ?? "" };
  problems.push(...validateTenant(tenant), ...more);
  if (problems.length) {
    for (const p of problems) console.error(`${p.path}: ${p.message}`);
    console.error(usage);
    process.exit(2);
  }
  return { store: openStore(connection, storeCredentialsFromEnv()), tenant };
}

/** `--listen HOST:PORT`, and what is wrong with it. */
export function parseListen(value: string | undefined): { host: string; port: number; problems: FieldProblem[] } {
  const [host, portText] = (value ?? "").split(/:(?=\d+$)/);
  const ok = !!host && /^\d+$/.test(portText ?? "");
  return { host: host ?? "", port: Number(portText), problems: ok ? [] : [{ path: "--listen", message: `must be HOST:PORT, got ${JSON.stringify(value)}` }] };
}
