/**
 * HAProxy (Debian's 2.6) in master-worker mode with a health frontend: the test bed's check that
 * HAProxy runs here (the agent's suites start their own masters).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ports, runDir } from "./paths";
import { httpGet, onPath, spawnService, stopProcesses, waitFor, type TestbedService } from "./service";

export const haproxy: TestbedService = {
  name: "haproxy",
  byDefault: true,
  notInstalled: "haproxy is not installed: run 'testbed.sh install core'",
  installed: () => onPath("haproxy"),

  async probe() {
    return (await httpGet(`http://127.0.0.1:${ports.haproxy}/healthz`))?.status === 200;
  },

  async start(ctx) {
    const d = runDir("haproxy");
    fs.writeFileSync(
      path.join(d, "haproxy.cfg"),
      `global
  stats socket ${d}/admin.sock mode 600 level admin expose-fd listeners
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend health
  bind 127.0.0.1:${ports.haproxy}
  monitor-uri /healthz
`,
    );
    // Started in its own directory: the master re-reads its start-up directory at every reload.
    spawnService("haproxy", "haproxy", ["-W", "-S", `${d}/master.sock,mode,600`, "-f", path.join(d, "haproxy.cfg")]);
    await waitFor(ctx, "haproxy", 10, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["haproxy"]),
};
