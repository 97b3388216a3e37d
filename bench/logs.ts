/**
 * The log pipeline under load: HAProxy → the agent (ring, live buckets, spool) → the search
 * cluster, with a real agent process, HAProxy, a backend and the test bed's search node.
 *   npm run bench:logs [-- --seconds 60 --rates 1000,3000 --flavor opensearch|elasticsearch]
 * For each rate: requests sent open-loop for `--seconds`; lines shipped per second; the lag from a
 * request's answer to its line being searchable (every 50th request is marked and looked for by a
 * poller every 100 ms, so the figure includes the cluster's 1 s refresh); the agent's CPU per
 * 1,000 requests/s, against the same agent with its access log off at the first rate (the
 * baseline, same run); lines lost (sent and answered, never indexed).
 * Last line: logs: lag_p99_ms=<at the highest rate> cpu_per_krps=<% of a core> cpu_vs_no_logs=<ratio> lost=<total>
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { parseArgs } from "node:util";
import { startServices } from "../testbed/services";
import { countDocs, deleteIndices, nearestRank, searchCall, searchNode, startMixBackend, startServing, type Flavor } from "../test/e2e/logs/harness";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    rates: { type: "string", default: "1000,3000" },
    flavor: { type: "string", default: "opensearch" },
  },
});
const seconds = Number(values.seconds);
const rates = values.rates!.split(",").map(Number);
const flavor = values.flavor as Flavor;

/** utime + stime of a process, seconds. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Run {
  label: string;
  rate: number;
  sent: number;
  failed: number;
  shippedPerS: number;
  lagP50: number;
  lagP99: number;
  cpuPerKrps: number;
  lost: number;
}

/** Open-loop traffic at `rate` for `ms`; every 50th request marked, its answer time kept. */
async function drive(url: string, rate: number, ms: number, marked: Map<string, number>): Promise<{ sent: number; failed: number }> {
  // Idle sockets close on the client's side before HAProxy's keep-alive timeout (10 s) can close
  // one under a request being sent on it.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128, timeout: 5000 });
  let failed = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < ms; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const mark = i % 50 === 0 ? `/lag/${i}` : "/s/200/0";
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.get(url + mark, { agent }, (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode !== 200) failed++;
            else if (mark.startsWith("/lag/")) marked.set(mark, Date.now());
            resolve();
          });
        });
        req.on("error", () => {
          failed++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { sent: pending.length, failed };
}

/** Polls the search cluster for marked lines; their lag is when first seen minus when answered. */
function pollLag(url: string, index: string, marked: Map<string, number>, lags: number[]): () => void {
  const seen = new Set<string>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const r = await searchCall<{ hits?: { hits?: { _source: { path: string } }[] } }>(
        url,
        "POST",
        `/${index}/_search?ignore_unavailable=true&allow_no_indices=true`,
        {
          size: 1000,
          _source: ["path"],
          query: { bool: { filter: [{ prefix: { path: "/lag/" } }, { range: { "@timestamp": { gte: "now-20s" } } }] } },
        },
      ).catch(() => undefined);
      const now = Date.now();
      for (const h of r?.json.hits?.hits ?? []) {
        const p = h._source.path;
        const answered = marked.get(p);
        if (answered === undefined || seen.has(p)) continue;
        seen.add(p);
        lags.push(now - answered);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  return () => (stopped = true);
}

async function run(label: string, rate: number, logs: boolean): Promise<Run> {
  const node = searchNode(flavor);
  const tenant = { organization: "bench", environment: `g${Date.now().toString(36)}` };
  const index = `vamp-bench-${tenant.environment}-gateway-logs-*`;
  const backend = await startMixBackend("v1");
  const gw = await startServing(
    tenant,
    { [`127.0.0.1:${backend.port}`]: 100 },
    logs ? ["--search-url", node.url, "--search-flavor", flavor, "--agent-id", "bench"] : ["--logs-listen", "off"],
  );
  const agent = gw.agent;
  try {
    const marked = new Map<string, number>();
    const lags: number[] = [];
    const stopPoll = logs ? pollLag(node.url, index, marked, lags) : () => undefined;
    const cpu0 = cpuSeconds(agent.child.pid!);
    const shipped0 = logs ? (await agent.status()).logs.shipped : 0;
    const t0 = Date.now();
    const { sent, failed } = await drive(gw.url, rate, seconds * 1000, marked);
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(agent.child.pid!) - cpu0;
    const shipped = logs ? (await agent.status()).logs.shipped - shipped0 : 0;
    let lost = 0;
    if (logs) {
      for (let i = 0; i < 600; i++) {
        const s = (await agent.status()).logs;
        if (s.spoolBytes === 0 && s.shipped >= s.received) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1500)); // the last marked lines
      stopPoll();
      lost = sent - failed - (await countDocs(node.url, index));
      await deleteIndices(node.url, `vamp-bench-${tenant.environment}-*`);
    }
    return {
      label,
      rate,
      sent,
      failed,
      shippedPerS: shipped / elapsed,
      lagP50: lags.length ? nearestRank(lags, 0.5) : NaN,
      lagP99: lags.length ? nearestRank(lags, 0.99) : NaN,
      cpuPerKrps: (cpu / elapsed / (sent / elapsed / 1000)) * 100,
      lost,
    };
  } finally {
    await gw.stop();
    await backend.close();
  }
}

async function main(): Promise<void> {
  await startServices(["etcd", searchNode(flavor).service]);
  const runs: Run[] = [await run(`no access log (baseline)`, rates[0], false)];
  for (const rate of rates) runs.push(await run(`logs to ${flavor}`, rate, true));
  const head = ["run", "req/s", "sent", "failed", "shipped/s", "lag p50 ms", "lag p99 ms", "agent cpu %/krps", "lost"];
  const rows = runs.map((r) => [
    r.label,
    String(r.rate),
    String(r.sent),
    String(r.failed),
    r.shippedPerS.toFixed(0),
    r.lagP50.toFixed(0),
    r.lagP99.toFixed(0),
    r.cpuPerKrps.toFixed(1),
    String(r.lost),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i].length)));
  for (const c of [head, ...rows]) console.log(c.map((x, i) => x.padEnd(widths[i])).join("  "));
  const top = runs[runs.length - 1];
  const sameRate = runs.find((r) => r.label.startsWith("logs") && r.rate === rates[0])!;
  const lost = runs.reduce((a, r) => a + r.lost, 0);
  console.log(
    `logs: lag_p99_ms=${top.lagP99.toFixed(0)} cpu_per_krps=${top.cpuPerKrps.toFixed(1)} cpu_vs_no_logs=${(sameRate.cpuPerKrps / runs[0].cpuPerKrps).toFixed(2)} lost=${lost}`,
  );
  process.exit(lost ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench:logs: ${(e as Error).message}`);
  process.exit(1);
});
