/**
 * The test side of the test bed (testbed/services): its endpoints and environment, and
 * `requireServices`, which starts what a suite needs when it is down. Tests fail loudly when a
 * server cannot be started: nothing skips.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { openStore, type KeyValueStore, type StoreConnection, type StoreCredentials } from "../../packages/provider/src/store";
import { applyTestbedEnvironment, isRunning, isUp, service, startServices, TestbedError } from "../../testbed/services";
import { versions } from "../../testbed/services/paths";
import { currentRunId, recordStarted } from "./testbed-run";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** How long a suite may wait for the Kubernetes provider plugin that `npm test` builds beside the suites (a cold build: 14 to 25 minutes). */
export const KUBERNETES_PROVIDER_WAIT_MS = 45 * 60_000;

/**
 * Makes sure the Pulumi Kubernetes provider plugin is installed. `npm test` builds it (when not
 * cached) beside the first suites, at low priority, and names the build's directory in
 * VAMP_KUBE_PROVIDER_BUILD: the suites that need it run last (test/support/sequencer.js) and
 * wait here for it. A failed build fails them with its log's tail.
 */
export async function requireKubernetesProvider(): Promise<void> {
  const build = process.env.VAMP_KUBE_PROVIDER_BUILD;
  if (build) {
    const rcFile = path.join(build, "rc");
    const deadline = Date.now() + KUBERNETES_PROVIDER_WAIT_MS;
    while (!fs.existsSync(rcFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
    const rc = fs.existsSync(rcFile) ? fs.readFileSync(rcFile, "utf8").trim() : "still running";
    if (rc !== "0") {
      const log = fs.existsSync(path.join(build, "log")) ? fs.readFileSync(path.join(build, "log"), "utf8").split("\n").slice(-15).join("\n") : "";
      throw new Error(`building the Pulumi Kubernetes provider plugin failed (${rc}); its log ends:\n${log}`);
    }
  }
  const home = testbedEnv().PULUMI_HOME;
  const v = versions.KUBERNETES_PROVIDER_VERSION;
  const plugin = path.join(home, "plugins", `resource-kubernetes-v${v}`, "pulumi-resource-kubernetes");
  if (!fs.existsSync(plugin))
    throw new Error(`the Pulumi Kubernetes provider plugin v${v} is not installed (${plugin}): bash testbed/testbed.sh install kubernetes`);
}

let loaded: Record<string, string> | undefined;

/** The test bed's environment (PATH with the Pulumi CLI, endpoints), applied to process.env once. */
export function testbedEnv(): Record<string, string> {
  if (!loaded) loaded = applyTestbedEnvironment();
  return loaded;
}

/** The services to make sure of: the named ones and what they depend on, dependencies first. */
function withDependencies(names: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    for (const d of service(n).dependsOn ?? []) visit(d);
    if (!out.includes(n)) out.push(n);
  };
  names.forEach(visit);
  return out;
}

/**
 * Makes sure the named test-bed services (and their dependencies) answer: starts those that do
 * not run (recorded for this test run, whose global tear-down stops them again), and waits up
 * to 30 s for those that run but do not answer yet (a suite before may have restarted etcd, the
 * agent's outage scenario, and the Kubernetes API server, which stores in that etcd, takes a
 * moment to be ready again). Throws with the log's tail when a service cannot be started.
 */
export async function requireServices(...services: string[]): Promise<void> {
  testbedEnv();
  const wanted = withDependencies(services);
  const run = currentRunId();
  const down: string[] = [];
  for (const s of wanted) if (!(await isUp(s))) down.push(s);
  const toStart = down.filter((s) => !isRunning(s));
  if (toStart.length) {
    try {
      await startServices(toStart, { parallel: true, onStarted: (n) => run && recordStarted(run, n) });
    } catch (e) {
      const details = e instanceof TestbedError && e.details ? `\n${e.details}` : "";
      throw new Error(`test bed: starting ${toStart.join(", ")} failed: ${(e as Error).message}${details}`);
    }
  }
  const until = Date.now() + 30_000;
  let waiting = down.filter((s) => !toStart.includes(s));
  while (waiting.length) {
    const answers = await Promise.all(waiting.map((s) => isUp(s)));
    waiting = waiting.filter((_, i) => !answers[i]);
    if (!waiting.length) break;
    if (Date.now() > until) {
      throw new Error(`test bed services run but do not answer: ${waiting.join(", ")}. Restart them with: npm run testbed -- restart ${waiting.join(" ")}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The etcd endpoint of the test bed. */
export function etcdEndpoint(): string {
  return testbedEnv().VAMP_ETCD_ENDPOINT;
}

/** The stores a suite can run against; each is a real server of the test bed. */
export type StoreKind = "etcd" | "zookeeper" | "vault" | "consul";

/** Every store of the test bed, or the ones VAMP_E2E_STORES names (comma-separated). */
export function e2eStores(): StoreKind[] {
  const all: StoreKind[] = ["etcd", "zookeeper", "vault", "consul"];
  const named = (process.env.VAMP_E2E_STORES ?? all.join(",")).split(",").filter(Boolean);
  const unknown = named.filter((n) => !all.includes(n as StoreKind));
  if (unknown.length) throw new Error(`VAMP_E2E_STORES: unknown store ${unknown.join(", ")} (known: ${all.join(", ")})`);
  return named as StoreKind[];
}

/** The service name the test bed knows each store by. */
export const STORE_SERVICE: Record<StoreKind, string> = { etcd: "etcd", zookeeper: "zookeeper", vault: "vault", consul: "consul" };

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
    case "consul":
      return { connection: { kind, address: env.VAMP_CONSUL_ADDR }, credentials: { token: consulToken() } };
  }
}

/** A client of a test-bed store. */
export function openTestStore(kind: StoreKind): KeyValueStore {
  const c = storeConnection(kind);
  return openStore(c.connection, c.credentials);
}

/** The test-bed Vault's root token (written when the test bed starts Vault, mode 600). */
export function vaultToken(): string {
  return fs.readFileSync(testbedEnv().VAMP_VAULT_TOKEN_FILE, "utf8").trim();
}

/** The test-bed Consul's management token (made when the test bed first starts Consul, mode 600). */
export function consulToken(): string {
  return fs.readFileSync(testbedEnv().VAMP_CONSUL_TOKEN_FILE, "utf8").trim();
}
