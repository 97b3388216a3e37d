/**
 * Propagation latency of the gateway agent: from the store write of a weight change to the
 * first request served by the newly weighted route, under a concurrent keep-alive client.
 *   npm run bench:agent [-- --changes 200 --baseline-changes 20 --gateways 5000]
 * For each store (etcd, ZooKeeper, Vault KV v2 polled every 100 ms: Vault cannot watch) with the
 * agent as built (watch + Runtime API), and, in the same run, a Vamp-style baseline (poll every
 * 5 s, full reload on every change) on etcd.
 * Then the agent (its own process, on etcd) with `--gateways` gateways of 4 routes (bench/scale.ts;
 * 0 skips it): first sync, memory, weight-change latency on one gateway, a structural change.
 * Last line: propagation_p99_ms=<etcd p99> baseline_p99_ms=<n> failed_requests=<n>
 *            scale_gateways=<n> first_sync_s=<s> agent_rss_mb=<n> scale_weight_p99_ms=<n> scale_vs_1_p99=<ratio> reload_s=<s>
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { GatewayAgent } from "../packages/provider/src/agent/agent";
import { defaultEngine } from "../packages/provider/src/agent/default-engine";
import { encodeRecord, gatewayKey } from "../packages/provider/src/record";
import { ConsulStore, EtcdStore, VaultStore, ZooKeeperStore, type KeyValueStore } from "../packages/provider/src/store";
import { startServices } from "../testbed/services";
import { consulToken, testbedEnv, vaultToken } from "../test/support/testbed";
import { freePort, startBackend } from "../test/support/traffic";
import { measureFlips } from "./flips";
import { measureScale } from "./scale";

const { values } = parseArgs({
  options: {
    changes: { type: "string", default: "200" },
    "baseline-changes": { type: "string", default: "20" },
    gateways: { type: "string", default: "5000" },
  },
});

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function measure(label: string, open: () => KeyValueStore, changes: number, baseline: boolean) {
  const tenant = { organization: "bench", environment: `a${Date.now().toString(36)}` };
  const [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
  const port = await freePort();
  const writer = open();
  const spec = (wa: number) => ({
    port: `${port}/http`,
    routes: { [`[127.0.0.1:${a.port}]`]: { weight: wa }, [`[127.0.0.1:${b.port}]`]: { weight: 100 - wa } },
  });
  const write = (wa: number) =>
    writer.put(gatewayKey(tenant, "bench/web"), encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name: "bench/web", spec: spec(wa) }));
  await write(100);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-bench-agent-"));
  const agentStore = open();
  const agent = new GatewayAgent({
    tenant,
    store: agentStore,
    engine: defaultEngine({ bind: "127.0.0.1" }),
    workDir,
    watch: !baseline,
    resyncMs: baseline ? 5000 : undefined,
    runtimeWeights: !baseline,
    log: () => undefined,
  });
  await agent.start();
  const { samples, tally } = await measureFlips(`http://127.0.0.1:${port}/`, changes, write, label);
  const status = agent.getStatus();
  await agent.stop();
  await agent.haproxy.stop();
  await Promise.all([writer.close(), agentStore.close(), a.close(), b.close()]);
  fs.rmSync(workDir, { recursive: true, force: true });
  if (tally.failed) console.log(`${label}: failures: ${[...new Set(tally.errors)].join("; ")}`);
  return { label, samples, failed: tally.failed, requests: tally.total, reloads: status.counters.reloads, runtime: status.counters.runtimeUpdates };
}

async function main(): Promise<void> {
  await startServices(["etcd", "zookeeper", "vault", "consul"]);
  const env = testbedEnv();
  const etcd = () => new EtcdStore({ kind: "etcd", endpoints: [env.VAMP_ETCD_ENDPOINT] });
  const zk = () => new ZooKeeperStore({ kind: "zookeeper", servers: [env.VAMP_ZK_ENDPOINT] });
  const vault = () => new VaultStore({ kind: "vault", address: env.VAMP_VAULT_ADDR, pollIntervalMs: 100 }, { token: vaultToken() });
  const consul = () => new ConsulStore({ kind: "consul", address: env.VAMP_CONSUL_ADDR }, { token: consulToken() });
  const n = Number(values.changes);
  const runs = [
    await measure("etcd", etcd, n, false),
    await measure("zookeeper", zk, n, false),
    await measure("vault (poll 100 ms)", vault, n, false),
    await measure("consul", consul, n, false),
    await measure("baseline (etcd, poll 5 s, reload)", etcd, Number(values["baseline-changes"]), true),
  ];
  console.log("store                              | changes |  p50 ms |  p99 ms |  max ms | reloads | runtime | requests | failed");
  for (const r of runs) {
    console.log(
      `${r.label.padEnd(34)} | ${String(r.samples.length).padStart(7)} | ${pct(r.samples, 50).toFixed(1).padStart(7)} | ${pct(r.samples, 99).toFixed(1).padStart(7)} | ${Math.max(
        ...r.samples,
      )
        .toFixed(1)
        .padStart(7)} | ${String(r.reloads).padStart(7)} | ${String(r.runtime).padStart(7)} | ${String(r.requests).padStart(8)} | ${r.failed}`,
    );
  }
  let failed = runs.reduce((s, r) => s + r.failed, 0);
  let scaleLine = "";
  const gateways = Number(values.gateways);
  if (gateways > 0) {
    const r = await measureScale(gateways, Math.min(n, 100)).catch((e: Error) => e);
    if (r instanceof Error) {
      console.log(`\n${gateways} gateways x4 routes: ${r.message}`);
      console.log(
        `propagation_p99_ms=${pct(runs[0].samples, 99).toFixed(1)} baseline_p99_ms=${pct(runs[runs.length - 1].samples, 99).toFixed(1)} failed_requests=${failed} scale_gateways=${gateways} scale_ready=false`,
      );
      process.exit(0);
    }
    failed += r.failed;
    const ratio = r.weightP99Ms / pct(runs[0].samples, 99);
    console.log("");
    console.log(
      "gateways x4 routes | first sync s | agent RSS MB | haproxy RSS MB | weight p50 ms | weight p99 ms | vs 1 gateway | structural change s | failed",
    );
    const cells = [
      String(r.gateways).padStart(18),
      (r.firstSyncMs / 1000).toFixed(1).padStart(12),
      r.agentRssMb.toFixed(0).padStart(12),
      r.haproxyRssMb.toFixed(0).padStart(14),
      r.weightP50Ms.toFixed(1).padStart(13),
      r.weightP99Ms.toFixed(1).padStart(13),
      `x${ratio.toFixed(2)}`.padStart(12),
      (r.structuralMs / 1000).toFixed(2).padStart(19),
      String(r.failed),
    ];
    console.log(cells.join(" | "));
    scaleLine = ` scale_gateways=${r.gateways} first_sync_s=${(r.firstSyncMs / 1000).toFixed(1)} agent_rss_mb=${r.agentRssMb.toFixed(0)} scale_weight_p99_ms=${r.weightP99Ms.toFixed(1)} scale_vs_1_p99=${ratio.toFixed(2)} reload_s=${(r.structuralMs / 1000).toFixed(2)}`;
  }
  console.log(
    `propagation_p99_ms=${pct(runs[0].samples, 99).toFixed(1)} baseline_p99_ms=${pct(runs[runs.length - 1].samples, 99).toFixed(1)} failed_requests=${failed}${scaleLine}`,
  );
  process.exit(0);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
