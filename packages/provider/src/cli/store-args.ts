/**
 * The store options every command line of ours takes, and how they become a connection.
 * Credentials come from the environment (VAMP_STORE_USERNAME, VAMP_STORE_PASSWORD,
 * VAMP_STORE_TOKEN), never from arguments, where `ps` would show them.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { formatProblem, type Problem } from "../model/problem";
import type { Tenant } from "../model/tenant";
import type { StoreConnection } from "../store/connection";
import { storeCredentialsFromEnv, validateStoreConnection } from "../store/connection";
import { openStore } from "../store/factory";
import type { KeyValueStore } from "../store/types";
import { validateTenant } from "../validation/tenant";

/** The store and tenant options as commander hands them over. */
export interface StoreOptionValues {
  organization?: string;
  environment?: string;
  store?: string;
  endpoints?: string;
  mount?: string;
  pollMs?: string;
  datacenter?: string;
  ca?: string;
  cert?: string;
}

/** Adds the store and tenant options to a command. */
export function withStoreOptions(cmd: Command, o: { optional?: boolean } = {}): Command {
  const tenant = (flag: string, help: string) => (o.optional ? cmd.option(flag, help) : cmd.requiredOption(flag, help));
  tenant("--organization <name>", "the tenant's organization (a DNS label)");
  tenant("--environment <name>", "the tenant's environment (a DNS label)");
  return cmd
    .option("--store <kind>", "etcd | zookeeper | vault | consul", "etcd")
    .option("--endpoints <list>", "etcd client URLs, ZooKeeper host:port list, or the Vault or Consul address (comma-separated)")
    .option("--datacenter <name>", "Consul's datacenter (default: the agent's own)")
    .option("--mount <path>", "Vault's KV v2 mount (default secret)")
    .option("--poll-ms <ms>", "how often to poll Vault (default 1000)")
    .option("--ca <file>", "the CA (PEM) of an https:// store")
    .option("--cert <file>", "a client certificate (etcd mutual TLS)")
    .addHelpText(
      "after",
      "\nCredentials come from the environment, never from the command line: VAMP_STORE_USERNAME,\nVAMP_STORE_PASSWORD, VAMP_STORE_TOKEN (a Vault token or a Consul ACL token), and the client key file\nVAMP_STORE_TLS_KEY_FILE.",
    );
}

/** The connection the options name, and what is wrong with it. */
export function storeFromArgs(values: StoreOptionValues): { connection: StoreConnection; problems: Problem[] } {
  const list = (values.endpoints ?? "").split(",").filter(Boolean);
  const problems: Problem[] = [];
  const read = (flag: "ca" | "cert") => {
    const file = values[flag];
    if (!file) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch (e) {
      problems.push({
        source: "",
        path: `--${flag}`,
        message: `cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      return undefined;
    }
  };
  const ca = read("ca");
  const cert = read("cert");
  let connection: StoreConnection;
  if (values.store === "vault") {
    connection = { kind: "vault", address: list[0] ?? "" };
    if (values.mount) connection.mount = values.mount;
    if (values.pollMs) connection.pollIntervalMs = Number(values.pollMs);
    if (ca) connection.tls = { ca };
  } else if (values.store === "consul") {
    connection = { kind: "consul", address: list[0] ?? "" };
    if (values.datacenter) connection.datacenter = values.datacenter;
    if (ca) connection.tls = { ca };
  } else if (values.store === "zookeeper") connection = { kind: "zookeeper", servers: list };
  else {
    connection = { kind: values.store, endpoints: list } as StoreConnection;
    if ((ca || cert) && connection.kind === "etcd") connection.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}) };
  }
  return { connection, problems: [...problems, ...validateStoreConnection(connection, "--store/--endpoints")] };
}

/**
 * The store and tenant a command line names, opened; a usage error (exit 2) naming every
 * problem when something is wrong. `more` adds the command's own checks.
 */
export function storeAndTenantFromArgs(cmd: Command, values: StoreOptionValues, more: Problem[] = []): { store: KeyValueStore; tenant: Tenant } {
  const { connection, problems } = storeFromArgs(values);
  const tenant = { organization: values.organization ?? "", environment: values.environment ?? "" };
  problems.push(...validateTenant(tenant).map((p) => ({ ...p, path: `--${p.path}` })), ...more);
  refuseProblems(cmd, problems);
  return { store: openStore(connection, storeCredentialsFromEnv()), tenant };
}

/** Stops with a usage error (exit 2) naming every problem, when there is any. */
export function refuseProblems(cmd: Command, problems: Problem[], name = cmd.name()): void {
  if (problems.length) cmd.error(`${name}: ${problems.map(formatProblem).join("; ")}`, { exitCode: 2, code: "vamp.usage" });
}

/** `--listen HOST:PORT`, and what is wrong with it. */
export function parseListen(value: string | undefined): { host: string; port: number; problems: Problem[] } {
  const [host, portText] = (value ?? "").split(/:(?=\d+$)/);
  const port = Number(portText);
  const ok = !!host && /^\d+$/.test(portText ?? "") && port >= 1 && port <= 65535;
  return {
    host: host ?? "",
    port,
    problems: ok ? [] : [{ source: "", path: "--listen", message: `must be HOST:PORT with a port 1-65535, got ${JSON.stringify(value)}` }],
  };
}
