/**
 * Propagation latency of the gateway agent: from the store write of a weight change to the
 * first request served by the newly weighted route, under a concurrent keep-alive client.
 *   npm run bench:agent [-- --changes 200 --baseline-changes 20 --gateways 5000 --scale-stores etcd,consul,zookeeper,vault]
 * For each store (etcd, ZooKeeper, Vault KV v2 polled every 100 ms: Vault cannot watch, Consul)
 * with the agent as built (watch + Runtime API), and, in the same run, a Vamp-style baseline
 * (poll every 5 s, full reload on every change) on etcd.
 * Then the agent as its own process (bench/scale.ts) with 10 and with `--gateways` gateways of 4
 * routes on every store (0 skips it): first sync, memory, weight-change latency on one gateway
 * against the same harness at 10 gateways, a structural change (one more gateway: a reload).
 * Last line: propagation_p99_ms=<etcd p99> baseline_p99_ms=<n> failed_requests=<n>
 *            scale_gateways=<n> first_sync_s=<s> agent_rss_mb=<n> scale_weight_p99_ms=<n> scale_vs_10_p99=<ratio> reload_s=<s>
 *            (the scale figures are etcd's)
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
import { consulToken, testbedEnv, vaultToken, type StoreKind } from "../test/support/testbed";
import { freePort, startBackend } from "../test/support/traffic";
import { measureFlips } from "./flips";
import { measureScale, type ScaleResult } from "./scale";

const { values } = parseArgs({
  options: {
    changes: { type: "string", default: "200" },
    "baseline-changes": { type: "string", default: "20" },
    gateways: { type: "string", default: "5000" },
    "scale-stores": { type: "string" },
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
  const scale = await measureScaleTable(Number(values.gateways), Math.min(n, 100));
  failed += scale.failed;
  console.log(
    `propagation_p99_ms=${pct(runs[0].samples, 99).toFixed(1)} baseline_p99_ms=${pct(runs[runs.length - 1].samples, 99).toFixed(1)} failed_requests=${failed}${scale.line}`,
  );
  process.exit(0);
}

/**
 * The agent as its own process with 10 and with N gateways of 4 routes, on every store: the
 * weight-change figures at N against the same harness at 10. ZooKeeper and Vault re-read every
 * record on each change (a tree walk; a poll of every key), so they get fewer flips.
 */
async function measureScaleTable(gateways: number, changes: number): Promise<{ failed: number; line: string }> {
  if (gateways <= 0) return { failed: 0, line: "" };
  const stores = (values["scale-stores"] ?? "etcd,consul,zookeeper,vault").split(",") as StoreKind[];
  const rows: (ScaleResult | { store: StoreKind; gateways: number; error: string })[] = [];
  for (const kind of stores) {
    const flips = kind === "etcd" || kind === "consul" ? changes : Math.min(changes, 20);
    for (const count of [10, gateways])
      rows.push(await measureScale(count, flips, kind).catch((e: Error) => ({ store: kind, gateways: count, error: e.message })));
  }
  console.log("");
  console.log("store     | gateways x4 | first sync s | agent MB | haproxy MB | flips | weight p50 ms | weight p99 ms | p99 vs 10 | structural s | failed");
  let failed = 0;
  for (const r of rows) {
    if ("error" in r) {
      console.log(`${r.store.padEnd(9)} | ${String(r.gateways).padStart(11)} | ${r.error}`);
      continue;
    }
    failed += r.failed;
    const ten = rows.find((x) => x.store === r.store && x.gateways === 10 && !("error" in x)) as ScaleResult | undefined;
    const cells = [
      r.store.padEnd(9),
      String(r.gateways).padStart(11),
      (r.firstSyncMs / 1000).toFixed(1).padStart(12),
      r.agentRssMb.toFixed(0).padStart(8),
      r.haproxyRssMb.toFixed(0).padStart(10),
      String(r.flips).padStart(5),
      r.weightP50Ms.toFixed(1).padStart(13),
      r.weightP99Ms.toFixed(1).padStart(13),
      (ten ? `x${(r.weightP99Ms / ten.weightP99Ms).toFixed(2)}` : "-").padStart(9),
      (r.structuralMs / 1000).toFixed(2).padStart(12),
      String(r.failed),
    ];
    console.log(cells.join(" | "));
  }
  const big = rows.find((r) => r.store === "etcd" && r.gateways === gateways);
  const ten = rows.find((r) => r.store === "etcd" && r.gateways === 10);
  if (!big || "error" in big || !ten || "error" in ten) return { failed, line: ` scale_gateways=${gateways} scale_ready=false` };
  return {
    failed,
    line: ` scale_gateways=${gateways} first_sync_s=${(big.firstSyncMs / 1000).toFixed(1)} agent_rss_mb=${big.agentRssMb.toFixed(0)} scale_weight_p99_ms=${big.weightP99Ms.toFixed(1)} scale_vs_10_p99=${(big.weightP99Ms / ten.weightP99Ms).toFixed(2)} reload_s=${(big.structuralMs / 1000).toFixed(2)}`,
  };
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
