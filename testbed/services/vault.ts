/**
 * Vault: a real (not dev-mode) server with file storage, so data survives a restart (the agent's
 * outage test stops and starts it); initialized once with one unseal key, unsealed on every
 * start, KV v2 mounted at secret/. The root token and unseal key stay in $VAMP_RUN/vault/init.json
 * (mode 600); the root token alone in $VAMP_RUN/vault/token.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dirs, ports, runDir } from "./paths";
import { httpGet, isExecutable, spawnService, stopProcesses, TestbedError, waitFor, type HttpAnswer, type TestbedService } from "./service";

const bin = () => path.join(dirs.vault, "bin", "vault");
const api = () => `http://127.0.0.1:${ports.vault}/v1`;

function call(method: string, apiPath: string, body?: unknown, token?: string): Promise<HttpAnswer | undefined> {
  return httpGet(`${api()}/${apiPath}`, {
    method,
    timeoutMs: 10_000,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { "X-Vault-Token": token } : undefined,
  });
}

const ok = (r: HttpAnswer | undefined): boolean => !!r && r.status >= 200 && r.status < 300;

function writeSecret(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export const vault: TestbedService = {
  name: "vault",
  byDefault: true,
  notInstalled: "vault is not installed: run 'testbed.sh install vault'",
  installed: () => isExecutable(bin()),

  // 200 only when initialized, unsealed and active.
  async probe() {
    return (await httpGet(`${api()}/sys/health`))?.status === 200;
  },

  async start(ctx) {
    const d = runDir("vault");
    const initFile = path.join(d, "init.json");
    fs.mkdirSync(path.join(d, "data"), { recursive: true });
    fs.writeFileSync(
      path.join(d, "vault.hcl"),
      `storage "file" { path = "${d}/data" }
listener "tcp" {
  address = "127.0.0.1:${ports.vault}"
  tls_disable = true
}
disable_mlock = true
api_addr = "http://127.0.0.1:${ports.vault}"
ui = false
`,
    );
    spawnService("vault", bin(), ["server", `-config=${d}/vault.hcl`]);
    // Any answer: sealed and uninitialized servers answer /sys/health with 5xx.
    await waitFor(ctx, "vault", 30, async () => (await httpGet(`${api()}/sys/health`)) !== undefined);
    if (!fs.existsSync(initFile) || fs.statSync(initFile).size === 0) {
      const r = await call("PUT", "sys/init", { secret_shares: 1, secret_threshold: 1 });
      if (!r || !ok(r)) throw new TestbedError(`vault init failed${r ? ` (HTTP ${r.status}: ${r.body.trim()})` : ""}`);
      writeSecret(initFile, r.body);
    }
    const init = JSON.parse(fs.readFileSync(initFile, "utf8")) as { keys: string[]; root_token: string };
    if (!ok(await call("PUT", "sys/unseal", { key: init.keys[0] }))) throw new TestbedError("vault unseal failed");
    await waitFor(ctx, "vault", 30, () => this.probe(ctx));
    const mounts = await call("GET", "sys/mounts", undefined, init.root_token);
    const listed = mounts && ok(mounts) ? (JSON.parse(mounts.body) as Record<string, unknown> & { data?: Record<string, unknown> }) : {};
    if (!listed["secret/"] && !listed.data?.["secret/"]) {
      if (!ok(await call("POST", "sys/mounts/secret", { type: "kv", options: { version: "2" } }, init.root_token)))
        throw new TestbedError("mounting kv-v2 at secret/ failed");
    }
    writeSecret(path.join(d, "token"), `${init.root_token}\n`);
  },

  stop: (ctx) => stopProcesses(ctx, ["vault"]),
};
