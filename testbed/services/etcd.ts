/** etcd: the gateway store of most suites and the demo, and the Kubernetes API server's storage. */
import * as path from "node:path";
import { ports, runDir } from "./paths";
import { httpGet, onPath, spawnService, stopProcesses, waitFor, type TestbedService } from "./service";

const endpoint = () => `http://127.0.0.1:${ports.etcd}`;
const peer = () => `http://127.0.0.1:${ports.etcd + 1}`;

export const etcd: TestbedService = {
  name: "etcd",
  byDefault: true,
  notInstalled: "etcd is not installed: run 'testbed.sh install core'",
  installed: () => onPath("etcd"),

  // As `etcdctl endpoint health`: {"health":"true"} once it has a leader and serves reads.
  async probe() {
    const r = await httpGet(`${endpoint()}/health`);
    if (r?.status !== 200) return false;
    try {
      return (JSON.parse(r.body) as { health?: unknown }).health === "true";
    } catch {
      return false;
    }
  },

  async start(ctx) {
    const d = runDir("etcd");
    spawnService("etcd", "etcd", [
      "--name",
      "vamp-testbed",
      "--data-dir",
      path.join(d, "data"),
      "--listen-client-urls",
      endpoint(),
      "--advertise-client-urls",
      endpoint(),
      "--listen-peer-urls",
      peer(),
      "--initial-advertise-peer-urls",
      peer(),
      "--initial-cluster",
      `vamp-testbed=${peer()}`,
    ]);
    await waitFor(ctx, "etcd", 20, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["etcd"]),
};
