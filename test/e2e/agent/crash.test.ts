/**
 * `kill -9` of the agent process at random moments of its work (issue 13, item 4): while it
 * reloads HAProxy for a structural change, while it sets weights at run time. HAProxy keeps
 * serving; a new agent process converges on the store (the applied revision is the store's,
 * and the split is the declared one), with no failed request on the gateway that stays.
 */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HaproxyMaster } from "../../../packages/provider/src/haproxy/master";
import type { KeyValueStore } from "../../../packages/provider/src/store";
import { openTestStore, requireServices } from "../../support/testbed";
import { freePort, LoadClient, sendRequests, startBackend, type Backend } from "../../support/traffic";
import { agentProcessStatus, spawnAgentProcess, splitSpec, until, writeGateway } from "./harness";

jest.setTimeout(180_000);

const ROUNDS = 12;

describe("the agent killed with SIGKILL mid-apply", () => {
  const tenant = { organization: "e2e", environment: `crash${Date.now().toString(36)}` };
  let store: KeyValueStore;
  let a: Backend, b: Backend, c: Backend;
  let workDir: string;
  let statusPort: number;
  let agent: ChildProcess | undefined;
  const ports: number[] = [];
  const addr = (x: Backend) => `127.0.0.1:${x.port}`;

  const startAgentProcess = () => spawnAgentProcess(tenant, workDir, statusPort);
  const status = () => agentProcessStatus(statusPort);

  beforeAll(async () => {
    await requireServices("etcd");
    store = openTestStore("etcd");
    [a, b, c] = await Promise.all([startBackend("a"), startBackend("b"), startBackend("c")]);
    for (let i = 0; i < 2; i++) ports.push(await freePort());
    statusPort = await freePort();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-crash-"));
    await writeGateway(store, tenant, "stays", splitSpec(ports[0], { [addr(a)]: 50, [addr(b)]: 50 }));
    agent = startAgentProcess();
    await until(async () => (await status())?.inSync === true, 15_000, "first agent in sync");
  });

  afterAll(async () => {
    // The agent first, and wait for it: its watchdog would start HAProxy again.
    agent?.kill("SIGKILL");
    if (agent && agent.exitCode === null) await new Promise((r) => agent!.once("exit", r));
    await new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") }).stop();
    for (const e of (await store?.list(`/vamp/${tenant.organization}/${tenant.environment}`)) ?? []) await store.delete(e.key);
    await store?.close();
    await Promise.all([a, b, c].map((x) => x?.close()));
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it(`converges after ${ROUNDS} kills at random moments of reloads and runtime updates`, async () => {
    const load = new LoadClient(`http://127.0.0.1:${ports[0]}/`, 4, 150_000).start();
    const kills: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const structural = round % 2 === 0;
      // A structural change (a gateway comes or goes: a reload), or a weight change (runtime).
      const rev = structural
        ? round % 4 === 0
          ? await writeGateway(store, tenant, "comes-and-goes", splitSpec(ports[1], { [addr(c)]: 100 }))
          : (await store.delete(`/vamp/${tenant.organization}/${tenant.environment}/gateways/comes-and-goes`), undefined)
        : await writeGateway(store, tenant, "stays", splitSpec(ports[0], { [addr(a)]: 5 * round, [addr(b)]: 100 - 5 * round }));
      const delay = Math.floor(Math.random() * 40);
      await new Promise((r) => setTimeout(r, delay));
      agent!.kill("SIGKILL");
      await new Promise((r) => agent!.once("exit", r));
      kills.push(`${structural ? "reload" : "runtime"}+${delay}ms`);
      agent = startAgentProcess();
      await until(
        async () => {
          const s = await status();
          return !!s?.inSync && (rev === undefined || Object.values(s.revisions).includes(rev));
        },
        15_000,
        `round ${round}: the new agent converges`,
      );
    }
    const tally = await load.stop();
    console.log(`[crash] ${ROUNDS} kills (${kills.join(", ")}): ${tally.total} requests on the gateway that stays, ${tally.failed} failed`);
    expect(tally.failed).toBe(0);
    // The last declared split is what HAProxy serves.
    const last = 5 * (ROUNDS - 1);
    const split = await sendRequests(`http://127.0.0.1:${ports[0]}/`, 100);
    expect(split.byBackend).toEqual({ a: last, b: 100 - last });
  });
});
