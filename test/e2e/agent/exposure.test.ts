/**
 * Nothing open that should not be (issue 13, item 6): the agent's status endpoint and every
 * HAProxy socket stay on loopback or in a directory only the agent's user can enter; only the
 * gateway port listens on another address, and only when the user asked for it.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HaproxyMaster } from "../../../packages/provider/src/haproxy/master";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { openTestStore, requireServices } from "../../support/testbed";
import { freePort, startBackend, type Backend } from "../../support/traffic";
import { agentProcessStatus, spawnAgentProcess, splitSpec, until, writeGateway } from "./harness";

jest.setTimeout(60_000);

/** Listening TCP and UDP sockets of these processes: `address:port`. */
function listening(pids: number[]): string[] {
  const out = execFileSync("ss", ["-ltunpH"], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => pids.some((p) => l.includes(`pid=${p},`)))
    .map((l) => l.trim().split(/\s+/)[4]);
}

describe.each([
  ["the default", ["--bind", "127.0.0.1"], false],
  ["a gateway bound to every address", ["--bind", "0.0.0.0"], true],
] as const)("sockets of the agent and HAProxy, %s", (_what, flags, exposed) => {
  const tenant = { organization: "e2e", environment: `exp${Date.now().toString(36)}${exposed ? "x" : ""}` };
  let store: KeyValueStore;
  let backend: Backend;
  let workDir: string;
  let agent: ChildProcess;
  let statusPort: number;
  let gatewayPort: number;

  beforeAll(async () => {
    await requireServices("etcd");
    store = openTestStore("etcd");
    backend = await startBackend("a");
    gatewayPort = await freePort();
    statusPort = await freePort();
    workDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vamp-exp-")), "agent");
    await writeGateway(store, tenant, "web", splitSpec(gatewayPort, { [`127.0.0.1:${backend.port}`]: 100 }));
    agent = spawnAgentProcess(tenant, workDir, statusPort, [...flags]);
    await until(async () => (await agentProcessStatus(statusPort))?.inSync === true, 15_000, "agent in sync");
  });

  afterAll(async () => {
    // The agent first, and wait for it: its watchdog would start HAProxy again.
    agent?.kill("SIGTERM");
    if (agent && agent.exitCode === null) await new Promise((r) => agent.once("exit", r));
    await new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") }).stop();
    for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await backend?.close();
    fs.rmSync(path.dirname(workDir), { recursive: true, force: true });
  });

  it("listens on loopback only, but for the gateway port when asked", async () => {
    const proc = (await new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") }).state())!;
    const sockets = listening([agent.pid!, proc.masterPid, ...proc.workers]);
    const open = sockets.filter((s) => !s.startsWith("127.0.0.1:") && !s.startsWith("[::1]:"));
    expect(sockets).toContain(`127.0.0.1:${statusPort}`);
    expect(open).toEqual(exposed ? [`0.0.0.0:${gatewayPort}`] : []);
  });

  it("keeps HAProxy's sockets in a directory only the agent's user can enter", () => {
    expect(fs.statSync(workDir).mode & 0o777).toBe(0o700);
    for (const s of ["master.sock", "admin.sock"]) expect(fs.statSync(path.join(workDir, s)).isSocket()).toBe(true);
    expect(fs.statSync(path.join(workDir, "admin.sock")).mode & 0o077).toBe(0);
  });
});
