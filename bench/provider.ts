/**
 * The provider's own cost: `preview`, `up` and a no-op `up` of 10 and 100 Gateways (written to
 * the test bed's etcd), beside the same number of trivial dynamic resources that do nothing, in
 * the same run, through the real engine.
 *   npm run bench:provider [-- --sizes 10,100]
 * Last line: provider_overhead_ratio_100=<Gateway up / trivial up at 100> up_100_s=<n> noop_up_100_s=<n>
 */
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { EtcdStore } from "../packages/provider/src/store";
import { startServices } from "../testbed/services";
import { REPO_ROOT, storeConnection, testbedEnv } from "../test/support/testbed";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "10,100" } } });

async function stackFor(kind: string, count: number, environment: string): Promise<{ stack: Stack; dispose(): void }> {
  const env = testbedEnv();
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-bench-provider-"));
  const stack = await LocalWorkspace.createStack(
    { stackName: `${kind}${count}`, workDir: path.join(REPO_ROOT, "bench", "programs", "provider") },
    {
      envVars: {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "vamp-bench",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        PULUMI_HOME: env.PULUMI_HOME,
        PATH: env.PATH,
      },
      pulumiHome: env.PULUMI_HOME,
    },
  );
  await stack.setAllConfig({
    kind: { value: kind },
    count: { value: String(count) },
    environment: { value: environment },
    store: { value: JSON.stringify(storeConnection("etcd").connection) },
  });
  return { stack, dispose: () => fs.rmSync(backend, { recursive: true, force: true }) };
}

const seconds = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

interface Row {
  kind: string;
  count: number;
  preview: number;
  up: number;
  noop: number;
  update: number;
  destroy: number;
}

async function measure(kind: string, count: number): Promise<Row> {
  const environment = `b${Date.now().toString(36)}`;
  const { stack, dispose } = await stackFor(kind, count, environment);
  try {
    const preview = await seconds(() => stack.preview());
    const up = await seconds(() => stack.up());
    const noop = await seconds(() => stack.up());
    await stack.setConfig("generation", { value: "5" });
    const update = await seconds(() => stack.up());
    const destroy = await seconds(() => stack.destroy());
    const store = new EtcdStore(storeConnection("etcd").connection as never);
    const left = await store.list(`/vamp/bench/${environment}`);
    await store.close();
    if (left.length) throw new Error(`${kind} x${count}: destroy left ${left.length} keys under /vamp/bench/${environment}`);
    return { kind, count, preview, up, noop, update, destroy };
  } finally {
    await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    dispose();
  }
}

async function main(): Promise<void> {
  await startServices(["etcd"]);
  // The engine and the provider run the built package.
  execFileSync("npx", ["--no-install", "tsc", "-b"], { cwd: REPO_ROOT, stdio: "inherit" });
  const sizes = values.sizes!.split(",").map(Number);
  const rows: Row[] = [];
  // A warm-up so the first measured run does not pay for cold caches.
  await measure("trivial", 2);
  for (const n of sizes) {
    for (const kind of ["trivial", "gateway"]) {
      const r = await measure(kind, n);
      rows.push(r);
      console.error(`[bench] ${kind} x${n} done`);
    }
  }
  console.log("resources       | count | preview s |   up s | no-op up s | update s | destroy s | up ratio");
  for (const r of rows) {
    const base = rows.find((x) => x.kind === "trivial" && x.count === r.count)!;
    const f = (x: number) => x.toFixed(2).padStart(6);
    console.log(
      `${(r.kind === "gateway" ? "vamp Gateway" : "trivial dynamic").padEnd(15)} | ${String(r.count).padStart(5)} |    ${f(r.preview)} | ${f(r.up)} |     ${f(r.noop)} |   ${f(r.update)} |    ${f(r.destroy)} | ${(r.up / base.up).toFixed(2)}`,
    );
  }
  const g = rows.find((r) => r.kind === "gateway" && r.count === 100);
  const b = rows.find((r) => r.kind === "trivial" && r.count === 100);
  if (g && b) console.log(`provider_overhead_ratio_100=${(g.up / b.up).toFixed(2)} up_100_s=${g.up.toFixed(2)} noop_up_100_s=${g.noop.toFixed(2)}`);
  process.exit(0);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
