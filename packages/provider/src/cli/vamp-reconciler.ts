#!/usr/bin/env node
/**
 * vamp-reconciler: keeps the selector gateways of one tenant in step with the pods of its
 * namespace, between `pulumi up`s. Example:
 *
 *   vamp-reconciler --store etcd --endpoints http://etcd.vamp:2379 --organization acme --environment prod
 *
 * In a cluster it uses its service account (it needs get/list/watch on pods of the namespace
 * and nothing else); outside, --kubeconfig or $KUBECONFIG.
 */
import { parseArgs } from "node:util";
import { loadKubeConfig } from "../discovery/kubernetes";
import { Reconciler } from "../reconciler/reconciler";
import { STORE_OPTIONS, STORE_USAGE, storeAndTenantFromArgs } from "./store-args";

const USAGE = `usage: vamp-reconciler --store etcd|zookeeper|vault --endpoints A[,B] --organization O --environment E
                       [--namespace N] [--kubeconfig PATH] [--resync-ms N]
  --namespace  where the environment's pods run (default: the environment's name)
${STORE_USAGE}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...STORE_OPTIONS,
      namespace: { type: "string" },
      kubeconfig: { type: "string" },
      "resync-ms": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const { store, tenant } = storeAndTenantFromArgs(values, USAGE);
  const reconciler = new Reconciler({
    store,
    tenant,
    kubeConfig: loadKubeConfig(values.kubeconfig ?? process.env.KUBECONFIG),
    namespace: values.namespace,
    resyncMs: values["resync-ms"] ? Number(values["resync-ms"]) : undefined,
  });
  await reconciler.start();
  const shutdown = async () => {
    await reconciler.stop();
    await store.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((e: Error) => {
  console.error(`vamp-reconciler: ${e.message}`);
  process.exit(1);
});
