/**
 * This agent with HAProxy beside the proxies a user would pick instead, on the same machine in
 * the same run, with the same two backends and the same client (issue 13, item 5). Not CI.
 *   npm run testbed -- install peers     # once: Traefik, Caddy (built, cached), nginx (apt)
 *   npm run bench:peers [-- --flips 200 --baseline-flips 20 --peers ours,traefik,caddy,nginx,baseline]
 *
 * - ours: the gateway record in etcd → `vamp-gateway-agent` (its own process) → HAProxy's Runtime API
 * - traefik: Traefik v3 reading a weighted service from its etcd provider (throttle 0 s: its fastest)
 * - caddy: Caddy v2, weights changed through its admin API (weighted_round_robin)
 * - nginx: a weighted upstream, the file rewritten and `nginx -s reload`
 * - baseline: this agent as Vamp ran (poll every 5 s, reload on every change)
 *
 * Per peer: weight flips 100/0 ↔ 0/100 (store or API write → first answer from the new
 * backend), failed requests during them, the error of a 90/10 split over 10,000 requests,
 * throughput and p99 latency at 64 connections (wrk, 10 s), and the resident memory of the
 * proxy (with its controller, for ours and the baseline).
 * Last line: peers: ours_p99_ms=… traefik_p99_ms=… caddy_p99_ms=… nginx_p99_ms=… ours_failed=… …
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { startServices } from "../testbed/services";
import { freePort, sendRequests, shares, startBackend, type Backend } from "../test/support/traffic";
import { measureFlips } from "./flips";
import { startBaseline, startCaddy, startNginx, startOurs, startTraefik, type Peer } from "./peers/proxies";

const { values } = parseArgs({
  options: {
    flips: { type: "string", default: "200" },
    "baseline-flips": { type: "string", default: "20" },
    peers: { type: "string", default: "ours,traefik,caddy,nginx,baseline" },
  },
});

interface Row {
  name: string;
  flips: number[];
  failed: number;
  splitError: number;
  rps: number;
  p99LatencyMs: number;
  rssMb: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

/** Sets 90/10 and waits until the proxy serves it (a probe within 3 points), then measures 10,000 requests. */
async function splitError(peer: Peer): Promise<number> {
  await peer.setWeight(90);
  const t0 = performance.now();
  for (;;) {
    const probe = await sendRequests(peer.url, 500, 8);
    if (Math.abs((shares(probe).a ?? 0) - 90) <= 3) break;
    if (performance.now() - t0 > 60_000) throw new Error(`${peer.name}: 90/10 not served within 60 s`);
  }
  const tally = await sendRequests(peer.url, 10_000, 16);
  return Math.abs((shares(tally).a ?? 0) - 90);
}

/**
 * wrk at 64 connections for 10 s: requests per second and the p99 latency. Asynchronous: the
 * backends answer from this process, the same for every peer.
 */
async function wrk(url: string): Promise<{ rps: number; p99LatencyMs: number }> {
  const { stdout: out } = await promisify(execFile)("wrk", ["-t2", "-c64", "-d10s", "--latency", url], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const m = /^\s+99%\s+([\d.]+)(us|ms|s)$/m.exec(out);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  return { rps, p99LatencyMs: m ? Number(m[1]) * scale[m[2] as keyof typeof scale] : NaN };
}

async function measure(peer: Peer, flips: number): Promise<Row> {
  const { samples, tally } = await measureFlips(peer.url, flips, (wa) => peer.setWeight(wa), peer.name);
  const error = await splitError(peer);
  const load = await wrk(peer.url);
  if (tally.failed) console.log(`${peer.name}: failed requests during the flips: ${[...new Set(tally.errors)].join("; ")}`);
  return { name: peer.name, flips: samples, failed: tally.failed, splitError: error, ...load, rssMb: await peer.rssMb() };
}

function print(rows: Row[]): void {
  console.log("peer      | flips | write→new p50 ms | p99 ms |  max ms | failed | 90/10 error pts | wrk req/s | wrk p99 ms | RSS MB");
  for (const r of rows) {
    const cells = [
      r.name.padEnd(9),
      String(r.flips.length).padStart(5),
      pct(r.flips, 50).toFixed(1).padStart(16),
      pct(r.flips, 99).toFixed(1).padStart(6),
      Math.max(...r.flips)
        .toFixed(1)
        .padStart(7),
      String(r.failed).padStart(6),
      r.splitError.toFixed(2).padStart(15),
      r.rps.toFixed(0).padStart(9),
      r.p99LatencyMs.toFixed(2).padStart(10),
      r.rssMb.toFixed(0).padStart(6),
    ];
    console.log(cells.join(" | "));
  }
  const line = ["ours", "traefik", "caddy", "nginx", "baseline"]
    .flatMap((n) => {
      const r = rows.find((x) => x.name === n);
      return r ? [`${n}_p99_ms=${pct(r.flips, 99).toFixed(1)}`] : [];
    })
    .concat(rows.map((r) => `${r.name}_failed=${r.failed}`));
  console.log(`peers: ${line.join(" ")}`);
}

async function main(): Promise<void> {
  await startServices(["etcd"]);
  const backends: [Backend, Backend] = await Promise.all([startBackend("a"), startBackend("b")]);
  const starters: Record<string, (port: number, b: [Backend, Backend]) => Promise<Peer>> = {
    ours: startOurs,
    traefik: startTraefik,
    caddy: startCaddy,
    nginx: startNginx,
    baseline: startBaseline,
  };
  const rows: Row[] = [];
  for (const name of values.peers.split(",")) {
    const start = starters[name];
    if (!start) throw new Error(`--peers: unknown peer "${name}" (known: ${Object.keys(starters).join(", ")})`);
    const peer = await start(await freePort(), backends);
    try {
      rows.push(await measure(peer, Number(name === "baseline" ? values["baseline-flips"] : values.flips)));
      console.log(`${name}: done`);
    } finally {
      await peer.stop();
    }
  }
  await Promise.all(backends.map((b) => b.close()));
  print(rows);
  process.exit(0);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
