/**
 * The stores over TLS: the contract against a real etcd requiring client certificates (mutual
 * TLS) and a real Vault serving https with its own CA; a client that does not trust the CA, or
 * has no client certificate, is refused.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EtcdStore, VaultStore } from "../../../packages/provider/src/store";
import { storeContract } from "../../support/store-contract";
import { testbedEnv } from "../../support/testbed";
import { freePort } from "../../support/traffic";
import { until } from "../agent/harness";

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-tls-"));
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
const procs: ChildProcess[] = [];
let etcdUrl = "";
let vaultUrl = "";
let vaultCa = "";

function pki(): void {
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=vamp-tls-test-ca");
  for (const [name, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"],
    ["client", "extendedKeyUsage=clientAuth"],
  ] as const) {
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=vamp-${name}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
}

beforeAll(async () => {
  pki();
  const [client, peer] = [await freePort(), await freePort()];
  etcdUrl = `https://127.0.0.1:${client}`;
  procs.push(
    spawn(
      "etcd",
      [
        "--name",
        "tls",
        "--data-dir",
        path.join(dir, "etcd"),
        "--listen-client-urls",
        etcdUrl,
        "--advertise-client-urls",
        etcdUrl,
        "--listen-peer-urls",
        `http://127.0.0.1:${peer}`,
        "--initial-advertise-peer-urls",
        `http://127.0.0.1:${peer}`,
        "--initial-cluster",
        `tls=http://127.0.0.1:${peer}`,
        "--cert-file",
        path.join(dir, "server.crt"),
        "--key-file",
        path.join(dir, "server.key"),
        "--client-cert-auth",
        "--trusted-ca-file",
        path.join(dir, "ca.crt"),
      ],
      { stdio: "ignore" },
    ),
  );
  const vaultPort = await freePort();
  vaultUrl = `https://127.0.0.1:${vaultPort}`;
  procs.push(
    spawn(
      testbedEnv().VAMP_VAULT_BIN,
      ["server", "-dev", "-dev-tls", `-dev-tls-cert-dir=${dir}`, `-dev-listen-address=127.0.0.1:${vaultPort}`, "-dev-root-token-id=tls-test-root"],
      { stdio: "ignore" },
    ),
  );
  await until(() => fs.existsSync(path.join(dir, "vault-ca.pem")), 20_000, "vault dev TLS CA written");
  vaultCa = read("vault-ca.pem");
  const probe = new EtcdStore({ kind: "etcd", endpoints: [etcdUrl], tls: { ca: read("ca.crt"), cert: read("client.crt") } }, { tlsKey: read("client.key") });
  await until(async () => !!(await probe.put("/probe", "1").catch(() => undefined)), 20_000, "etcd over TLS answers");
  await probe.close();
  const vprobe = new VaultStore({ kind: "vault", address: vaultUrl, tls: { ca: vaultCa } }, { token: "tls-test-root" });
  await until(async () => !!(await vprobe.put("/probe", "1").catch(() => undefined)), 20_000, "vault over TLS answers");
});

afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

storeContract(
  "etcd over mutual TLS",
  () => new EtcdStore({ kind: "etcd", endpoints: [etcdUrl], tls: { ca: read("ca.crt"), cert: read("client.crt") } }, { tlsKey: read("client.key") }),
);
storeContract(
  "vault over TLS with a private CA",
  () => new VaultStore({ kind: "vault", address: vaultUrl, pollIntervalMs: 100, tls: { ca: vaultCa } }, { token: "tls-test-root" }),
);

describe("TLS refusals", () => {
  it("etcd refuses a client without a client certificate", async () => {
    const s = new EtcdStore({ kind: "etcd", endpoints: [etcdUrl], tls: { ca: read("ca.crt") } });
    await expect(s.get("/x")).rejects.toThrow();
    await s.close();
  });

  it("a Vault client that does not trust the CA is refused, naming the store call", async () => {
    const s = new VaultStore({ kind: "vault", address: vaultUrl }, { token: "tls-test-root" });
    await expect(s.get("/x")).rejects.toThrow(/vault GET secret\/data\/x: .*(self.signed|certificate|issuer)/i);
  });
});
