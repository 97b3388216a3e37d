/**
 * The test side of testbed/testbed.sh: the same paths and endpoints, read from `testbed.sh env`
 * so there is one source of truth. Tests fail loudly when a server is not up: nothing skips.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { openStore, type KeyValueStore, type StoreConnection, type StoreCredentials } from "../../packages/provider/src/store";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

let loaded: Record<string, string> | undefined;

/** The test bed's environment (PATH with the Pulumi CLI, endpoints), applied to process.env once. */
export function testbedEnv(): Record<string, string> {
  if (loaded) return loaded;
  const text = execFileSync("bash", [path.join(REPO_ROOT, "testbed", "testbed.sh"), "env"], { encoding: "utf8" });
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^export ([A-Z_]+)="(.*)"$/.exec(line);
    if (!m) continue;
    // Expand the two forms testbed.sh emits: $VAR and ${VAR:-default}.
    const value = m[2]
      .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, n: string, d: string) => process.env[n] || d)
      .replace(/\$([A-Z_]+)/g, (_, n: string) => process.env[n] ?? "");
    env[m[1]] = value;
    process.env[m[1]] = value;
  }
  loaded = env;
  return env;
}

/**
 * Fails with the fix when a test-bed service does not answer. Waits up to 30 s first: a suite
 * before may have restarted etcd (the agent's outage scenario), and the Kubernetes API server,
 * which stores in that etcd, takes a moment to be ready again.
 */
export function requireServices(...services: string[]): void {
  let status = "";
  let down: string[] = services;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      status = execFileSync("bash", [path.join(REPO_ROOT, "testbed", "testbed.sh"), "status"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch (e) {
      status = String((e as { stdout?: string }).stdout ?? "");
    }
    down = services.filter((s) => !new RegExp(`^${s}: up`, "m").test(status));
    if (!down.length || Date.now() > until) break;
    execFileSync("sleep", ["0.5"]);
  }
  if (down.length) {
    throw new Error(`test bed services not running: ${down.join(", ")}. Start them with: npm run testbed -- start ${down.join(" ")}\n${status}`);
  }
}

/** The etcd endpoint of the test bed. */
export function etcdEndpoint(): string {
  return testbedEnv().VAMP_ETCD_ENDPOINT;
}

/** The stores a suite can run against; each is a real server of the test bed. */
export type StoreKind = "etcd" | "zookeeper" | "vault";

/** The service name `testbed.sh` knows each store by. */
export const STORE_SERVICE: Record<StoreKind, string> = { etcd: "etcd", zookeeper: "zookeeper", vault: "vault" };

/** How to reach a test-bed store, as a program or the agent would be told. */
export function storeConnection(kind: StoreKind): { connection: StoreConnection; credentials?: StoreCredentials } {
  const env = testbedEnv();
  switch (kind) {
    case "etcd":
      return { connection: { kind, endpoints: [env.VAMP_ETCD_ENDPOINT] } };
    case "zookeeper":
      return { connection: { kind, servers: [env.VAMP_ZK_ENDPOINT] } };
    case "vault":
      return { connection: { kind, address: env.VAMP_VAULT_ADDR, pollIntervalMs: 200 }, credentials: { token: vaultToken() } };
  }
}

/** A client of a test-bed store. */
export function openTestStore(kind: StoreKind): KeyValueStore {
  const c = storeConnection(kind);
  return openStore(c.connection, c.credentials);
}

/** The test-bed Vault's root token (written by `testbed.sh start vault`, mode 600). */
export function vaultToken(): string {
  return fs.readFileSync(testbedEnv().VAMP_VAULT_TOKEN_FILE, "utf8").trim();
}
