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
import { runDaemon } from "./lifecycle";
import { loadKubeConfig } from "../discovery/kubernetes";
import { serveReconcilerHealth } from "../reconciler/health";
import { Reconciler } from "../reconciler/reconciler";
import { STORE_OPTIONS, STORE_USAGE, storeAndTenantFromArgs, parseListen } from "./store-args";

const USAGE = `usage: vamp-reconciler --store etcd|zookeeper|vault --endpoints A[,B] --organization O --environment E
                       [--namespace N] [--kubeconfig PATH] [--resync-ms N] [--listen HOST:PORT]
  --namespace  where the environment's pods run (default: the environment's name)
  --listen     liveness, readiness and status (default 127.0.0.1:19101, loopback only)
${STORE_USAGE}`;

async function main() {
  const { values } = parseArgs({
    options: {
      ...STORE_OPTIONS,
      namespace: { type: "string" },
      kubeconfig: { type: "string" },
      "resync-ms": { type: "string" },
      listen: { type: "string", default: "127.0.0.1:19101" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const listen = parseListen(values.listen);
  const { store, tenant } = storeAndTenantFromArgs(values, USAGE, listen.problems);
  const reconciler = new Reconciler({
    store,
    tenant,
    kubeConfig: loadKubeConfig(values.kubeconfig ?? process.env.KUBECONFIG),
    namespace: values.namespace,
    resyncMs: values["resync-ms"] ? Number(values["resync-ms"]) : undefined,
  });
  const server = await serveReconcilerHealth(() => reconciler.getStatus(), { host: listen.host, port: listen.port });
  await reconciler.start();
  return { stop: () => reconciler.stop(), server, store };
}

runDaemon("vamp-reconciler", main);
