/**
 * The agent's work directory stops being writable (a full or read-only disk): HAProxy keeps
 * serving what it has, weight changes still reach it through the Runtime API, a change that
 * needs a new file is refused without touching what runs, and the agent reports not ready
 * with the reason until the directory is writable again. Tests run as root, whom permission
 * bits do not stop, and a read-only remount is refused while HAProxy holds its log open, so
 * the directory is a small tmpfs that is then filled up (ENOSPC: a full disk).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { agentStatusSource } from "../../../packages/provider/src/agent/health";
import { openTestStore, requireServices } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, startBackend, type Backend } from "../../support/traffic";
import { splitSpec, startAgent, until, writeGateway, type AgentUnderTest } from "./harness";

jest.setTimeout(120_000);

describe("gateway agent whose work directory is not writable", () => {
  const tenant = { organization: "e2e", environment: `wd${Date.now().toString(36)}` };
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-agent-ro-"));
  const filler = path.join(mountPoint, "filler");
  const fill = () => {
    try {
      execFileSync("sh", ["-c", `head -c 64m /dev/zero > ${filler}`], { stdio: "pipe" });
    } catch {
      // ENOSPC: the point
    }
  };
  const unfill = () => fs.rmSync(filler, { force: true });
  let store: KeyValueStore;
  let a: Backend, b: Backend, c: Backend;
  let t: AgentUnderTest;
  let port: number;
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;
  const readiness = () => agentStatusSource({ getStatus: () => t.agent.getStatus(), stats: async () => [] }).ready();

  beforeAll(async () => {
    await requireServices("etcd");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint], { stdio: "pipe" });
    store = openTestStore("etcd");
    [a, b, c] = await Promise.all([startBackend("a"), startBackend("b"), startBackend("c")]);
    port = await freePort();
    await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 100, [addr(b)]: 0 }));
    t = await startAgent(openTestStore("etcd"), tenant, { workDir: path.join(mountPoint, "agent") });
  });

  afterAll(async () => {
    try {
      unfill();
      await t?.stop();
      for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    } finally {
      await store?.close();
      await Promise.all([a, b, c].map((x) => x?.close()));
      execFileSync("umount", [mountPoint], { stdio: "pipe" });
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it("keeps serving and applying weights, refuses what needs a new file, and is not ready until it can write", async () => {
    expect(readiness()).toEqual({ ready: true });
    const url = `http://127.0.0.1:${port}/`;
    const load = new LoadClient(url, 4, 60_000).start();
    fill();

    // A weight change needs no file: HAProxy gets it; writing it down fails and is reported.
    await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 0, [addr(b)]: 100 }));
    await until(async () => (await sendRequests(url, 20)).byBackend.b === 20, 5000, "the weight change served");
    await until(() => !!t.agent.getStatus().degraded, 5000, "the write failure reported");
    expect(readiness()).toEqual({ ready: false, reason: expect.stringMatching(/work directory is not writable.*no space left/i) });

    // A new route needs a new configuration file: refused, the running one keeps serving.
    const structural = await writeGateway(store, tenant, "shop/web", splitSpec(port, { [addr(a)]: 0, [addr(b)]: 50, [addr(c)]: 50 }));
    await until(() => /not writable/.test(t.agent.getStatus().lastError ?? ""), 5000, "the refused reload reported");
    expect(t.agent.getStatus().behind["shop/web"]).toMatchObject({ store: structural });
    expect((await sendRequests(url, 100)).byBackend).toEqual({ b: 100 });

    // Writable again: the next sync applies the change and the agent is ready.
    unfill();
    await t.agent.trigger();
    await until(() => t.agent.getStatus().revisions["shop/web"] === structural, 10_000, "the structural change applied");
    expect(readiness()).toEqual({ ready: true });
    const tally = await load.stop();
    console.log(`[agent work dir] ${tally.total} requests while the disk was full and after, ${tally.failed} failed`);
    expect(tally.failed).toBe(0);
    expect((await sendRequests(url, 100)).byBackend).toEqual({ b: 50, c: 50 });
  });
});
