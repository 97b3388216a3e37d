/**
 * Consul: a single server (not dev mode) with a data directory, so gateways survive a restart
 * (the agent's outage test stops and starts it), and ACLs on with a default-deny policy: the
 * tests write with the management token, which the first start generates into
 * $VAMP_RUN/consul/token (mode 600). HTTP only on 127.0.0.1; no DNS, no gRPC.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { dirs, ports, runDir } from "./paths";
import { httpGet, isExecutable, spawnService, stopProcesses, waitFor, type TestbedService } from "./service";

const bin = () => path.join(dirs.consul, "bin", "consul");
const api = () => `http://127.0.0.1:${ports.consul}/v1`;

/** The management token, made at the first start. */
export function consulToken(): string {
  const file = path.join(runDir("consul"), "token");
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${randomUUID()}\n`, { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

function config(d: string, token: string): string {
  const p = ports.consul;
  return `datacenter = "dc1"
data_dir = "${d}/data"
server = true
bootstrap_expect = 1
bind_addr = "127.0.0.1"
client_addr = "127.0.0.1"
advertise_addr = "127.0.0.1"
log_level = "WARN"
# A single server elects itself sooner (the default multiplier 5 waits ~5 s after each start).
performance {
  raft_multiplier = 1
}
ports {
  http = ${p}
  dns = -1
  grpc = -1
  grpc_tls = -1
  server = ${p + 1}
  serf_lan = ${p + 2}
  serf_wan = ${p + 3}
}
acl {
  enabled = true
  default_policy = "deny"
  enable_token_persistence = true
  tokens {
    initial_management = "${token}"
  }
}
`;
}

export const consul: TestbedService = {
  name: "consul",
  byDefault: false,
  notInstalled: "consul is not installed: run 'testbed.sh install consul'",
  installed: () => isExecutable(bin()),

  // A leader elected and the KV store answering the management token.
  async probe() {
    const r = await httpGet(`${api()}/kv/vamp-testbed-probe`, { headers: { "X-Consul-Token": consulToken() } });
    return r?.status === 200 || r?.status === 404;
  },

  async start(ctx) {
    const d = runDir("consul");
    fs.mkdirSync(path.join(d, "data"), { recursive: true });
    fs.writeFileSync(path.join(d, "consul.hcl"), config(d, consulToken()), { mode: 0o600 });
    spawnService("consul", bin(), ["agent", `-config-file=${path.join(d, "consul.hcl")}`]);
    await waitFor(ctx, "consul", 60, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["consul"]),
};
