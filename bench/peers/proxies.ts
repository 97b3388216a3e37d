/**
 * The proxies bench:peers compares, each behind one small interface: where it serves, how its
 * weights change, how much memory it holds. Each runs as its own process on 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GatewayAgent } from "../../packages/provider/src/agent/agent";
import { defaultEngine } from "../../packages/provider/src/agent/default-engine";
import { HaproxyMaster } from "../../packages/provider/src/haproxy/master";
import type { GatewaySpec } from "../../packages/provider/src/model/spec";
import { encodeRecord, gatewayKey } from "../../packages/provider/src/record";
import { Etcd3 } from "etcd3";
import { EtcdStore } from "../../packages/provider/src/store";
import { dirs } from "../../testbed/services";
import { REPO_ROOT, testbedEnv } from "../../test/support/testbed";
import { freePort, getOnce, type Backend } from "../../test/support/traffic";

export interface Peer {
  name: string;
  url: string;
  /** Sets backend a's share (b gets the rest); resolves when the write or API call is done, not when it serves. */
  setWeight(weightOfA: number): Promise<void>;
  /** Resident memory of the proxy and its controller, MB. */
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

const rss = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
const childPids = (pid: number): number[] => {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const etcd = () => new EtcdStore({ kind: "etcd", endpoints: [testbedEnv().VAMP_ETCD_ENDPOINT] });
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `vamp-peer-${name}-`));

/** Resolves once the URL answers 200 (the proxy is up and has its first configuration). */
async function answers(url: string, what: string): Promise<void> {
  const agent = new http.Agent();
  const t0 = performance.now();
  try {
    for (;;) {
      const r = await getOnce(url, agent).catch(() => undefined);
      if (r && r.status === 200) return;
      if (performance.now() - t0 > 60_000) throw new Error(`${what} does not answer at ${url} within 60 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    agent.destroy();
  }
}

function need(binary: string, what: string): string {
  if (!fs.existsSync(binary)) throw new Error(`${what} is not built: run 'npm run testbed -- install peers' (missing ${binary})`);
  return binary;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** The gateway record → `vamp-gateway-agent` (its own process, on etcd) → HAProxy. */
export async function startOurs(port: number, [a, b]: [Backend, Backend], baseline = false): Promise<Peer> {
  const store = etcd();
  const tenant = { organization: "peers", environment: `${baseline ? "base" : "ours"}${Date.now().toString(36)}` };
  const spec = (wa: number): GatewaySpec => ({
    port,
    routes: { [`[127.0.0.1:${a.port}]`]: { weight: wa }, [`[127.0.0.1:${b.port}]`]: { weight: 100 - wa } },
  });
  const setWeight = async (wa: number) => {
    await store.put(gatewayKey(tenant, "web"), encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name: "web", spec: spec(wa) }));
  };
  await setWeight(100);
  const workDir = tmp("ours");
  const haproxy = new HaproxyMaster({ configPath: path.join(workDir, "haproxy.cfg"), masterSocket: path.join(workDir, "master.sock") });
  const url = `http://127.0.0.1:${port}/`;
  if (baseline) {
    // Vamp's way, in this process: poll every 5 s, reload on every change.
    const agentStore = etcd();
    const agent = new GatewayAgent({
      tenant,
      store: agentStore,
      engine: defaultEngine({ bind: "127.0.0.1" }),
      workDir,
      watch: false,
      resyncMs: 5000,
      runtimeWeights: false,
      log: () => undefined,
    });
    await agent.start();
    await answers(url, "the baseline");
    return {
      name: "baseline",
      url,
      setWeight,
      rssMb: async () => (await haproxyRss(haproxy)) + rss(process.pid),
      stop: async () => {
        await agent.stop();
        await agent.haproxy.stop();
        await Promise.all([store.close(), agentStore.close()]);
      },
    };
  }
  const statusPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "packages/provider/bin/vamp-gateway-agent.js"),
      ...["--store", "etcd", "--endpoints", testbedEnv().VAMP_ETCD_ENDPOINT, "--organization", tenant.organization, "--environment", tenant.environment],
      ...["--work-dir", workDir, "--listen", `127.0.0.1:${statusPort}`, "--bind", "127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  await answers(url, "the agent's HAProxy");
  return {
    name: "ours",
    url,
    setWeight,
    rssMb: async () => (await haproxyRss(haproxy)) + rss(child.pid!),
    stop: async () => {
      await stopChild(child);
      await haproxy.stop();
      await store.close();
    },
  };
}

export function startBaseline(port: number, backends: [Backend, Backend]): Promise<Peer> {
  return startOurs(port, backends, true);
}

/** HAProxy's master and workers (old ones included), MB. */
async function haproxyRss(h: HaproxyMaster): Promise<number> {
  const st = await h.state();
  return st ? [st.masterPid, ...st.workers, ...st.oldWorkers].reduce((s, p) => s + rss(p), 0) : 0;
}

/** Traefik v3 with its etcd provider: a weighted service over two load balancers. */
export async function startTraefik(port: number, [a, b]: [Backend, Backend]): Promise<Peer> {
  const binary = need(path.join(dirs.traefik, "bin", "traefik"), "Traefik");
  const store = etcd();
  const root = `traefik-${Date.now().toString(36)}`;
  const put = (k: string, v: string) => store.put(`${root}/${k}`, v);
  await put("http/routers/web/rule", "PathPrefix(`/`)");
  await put("http/routers/web/entryPoints/0", "web");
  await put("http/routers/web/service", "split");
  await put("http/services/a/loadBalancer/servers/0/url", `http://127.0.0.1:${a.port}`);
  await put("http/services/b/loadBalancer/servers/0/url", `http://127.0.0.1:${b.port}`);
  await put("http/services/split/weighted/services/0/name", "a");
  await put("http/services/split/weighted/services/1/name", "b");
  // Both weights in one etcd transaction, so Traefik never sees a moment with both at 0.
  const client = new Etcd3({ hosts: testbedEnv().VAMP_ETCD_ENDPOINT });
  const weightKey = (i: number) => `${root}/http/services/split/weighted/services/${i}/weight`;
  const setWeight = async (wa: number) => {
    await client
      .if(weightKey(0), "Version", ">", -1)
      .then(client.put(weightKey(0)).value(String(wa)), client.put(weightKey(1)).value(String(100 - wa)))
      .commit();
  };
  await setWeight(100);
  const child = spawn(
    binary,
    [
      `--entryPoints.web.address=127.0.0.1:${port}`,
      `--providers.etcd.endpoints=${testbedEnv().VAMP_ETCD_ENDPOINT.replace(/^https?:\/\//, "")}`,
      `--providers.etcd.rootKey=${root}`,
      // Its default waits 2 s after a change before applying it; 0 is its fastest.
      "--providers.providersThrottleDuration=0s",
      "--global.checkNewVersion=false",
      "--global.sendAnonymousUsage=false",
      "--log.level=ERROR",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}/`;
  await answers(url, "Traefik");
  return {
    name: "traefik",
    url,
    setWeight,
    rssMb: async () => rss(child.pid!),
    stop: async () => {
      await stopChild(child);
      for (const e of await store.list(root)) await store.delete(e.key);
      await store.close();
      client.close();
    },
  };
}

/** Caddy v2: a reverse proxy with weighted round robin, weights changed through the admin API. */
export async function startCaddy(port: number, [a, b]: [Backend, Backend]): Promise<Peer> {
  const binary = need(path.join(dirs.caddy, "bin", "caddy"), "Caddy");
  const admin = await freePort();
  const dir = tmp("caddy");
  const config = {
    admin: { listen: `127.0.0.1:${admin}` },
    logging: { logs: { default: { level: "ERROR" } } },
    apps: {
      http: {
        servers: {
          web: {
            listen: [`127.0.0.1:${port}`],
            routes: [
              {
                handle: [
                  {
                    handler: "reverse_proxy",
                    upstreams: [{ dial: `127.0.0.1:${a.port}` }, { dial: `127.0.0.1:${b.port}` }],
                    load_balancing: { selection_policy: { policy: "weighted_round_robin", weights: [100, 0] } },
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
  fs.writeFileSync(path.join(dir, "caddy.json"), JSON.stringify(config));
  const child = spawn(binary, ["run", "--config", path.join(dir, "caddy.json")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  const url = `http://127.0.0.1:${port}/`;
  await answers(url, "Caddy");
  const weights = `http://127.0.0.1:${admin}/config/apps/http/servers/web/routes/0/handle/0/load_balancing/selection_policy/weights`;
  return {
    name: "caddy",
    url,
    setWeight: async (wa) => {
      // fetch sends Sec-Fetch-Mode, so Caddy checks the origin: name its own admin address.
      const headers = { "content-type": "application/json", origin: `http://127.0.0.1:${admin}` };
      const r = await fetch(weights, { method: "PATCH", headers, body: JSON.stringify([wa, 100 - wa]) });
      if (!r.ok) throw new Error(`caddy admin API: ${r.status} ${await r.text()}`);
    },
    rssMb: async () => rss(child.pid!),
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx: a weighted upstream; a change rewrites the file and reloads (what a reload-based ingress does). */
export async function startNginx(port: number, [a, b]: [Backend, Backend]): Promise<Peer> {
  const binary = need("/usr/sbin/nginx", "nginx");
  const dir = tmp("nginx");
  const conf = path.join(dir, "nginx.conf");
  // nginx has no weight 0: a server without share is marked down.
  const server = (x: Backend, w: number) => `    server 127.0.0.1:${x.port}${w > 0 ? ` weight=${w}` : " down"};`;
  const write = (wa: number) =>
    fs.writeFileSync(
      conf,
      [
        "worker_processes auto;",
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log error;`,
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`),
        "  upstream split {",
        server(a, wa),
        server(b, 100 - wa),
        "    keepalive 32;",
        "  }",
        `  server { listen 127.0.0.1:${port}; location / { proxy_pass http://split; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
        "}",
      ].join("\n"),
    );
  write(100);
  const run = (...args: string[]) => execFileSync(binary, ["-p", dir, "-c", conf, ...args], { stdio: "pipe" });
  run();
  const url = `http://127.0.0.1:${port}/`;
  await answers(url, "nginx");
  const master = () => Number(fs.readFileSync(path.join(dir, "nginx.pid"), "utf8").trim());
  return {
    name: "nginx",
    url,
    setWeight: async (wa) => {
      write(wa);
      run("-s", "reload");
    },
    rssMb: async () => [master(), ...childPids(master())].reduce((s, p) => s + rss(p), 0),
    stop: async () => {
      run("-s", "quit");
      for (let i = 0; i < 100 && fs.existsSync(path.join(dir, "nginx.pid")); i++) await new Promise((r) => setTimeout(r, 50));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
