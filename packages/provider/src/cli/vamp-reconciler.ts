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
import { loadKubeConfig } from "../discovery/kubernetes";
import { serveStatus } from "../infra/http-status";
import { reconcilerStatusSource } from "../reconciler/health";
import { Reconciler } from "../reconciler/reconciler";
import { stopOnSignal } from "./lifecycle";
import { intOption, newProgram, runProgram } from "./program";
import { parseListen, storeAndTenantFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface ReconcilerFlags extends StoreOptionValues {
  namespace?: string;
  kubeconfig?: string;
  resyncMs?: number;
  listen: string;
}

const program = withStoreOptions(newProgram("vamp-reconciler", "Keeps a tenant's selector gateways in step with the pods of its namespace."))
  .option("--namespace <name>", "where the environment's pods run (default: the environment's name)")
  .option("--kubeconfig <path>", "outside a cluster: the kubeconfig (default $KUBECONFIG)")
  .option("--resync-ms <ms>", "a full run at least this often", intOption(100, 86_400_000))
  .option("--listen <host:port>", "liveness, readiness and status (loopback unless told otherwise)", "127.0.0.1:19101")
  .action(async (flags: ReconcilerFlags) => {
    const listen = parseListen(flags.listen);
    const { store, tenant } = storeAndTenantFromArgs(program, flags, listen.problems);
    const reconciler = new Reconciler({
      store,
      tenant,
      kubeConfig: loadKubeConfig(flags.kubeconfig ?? process.env.KUBECONFIG),
      namespace: flags.namespace,
      resyncMs: flags.resyncMs,
    });
    const server = await serveStatus(
      reconcilerStatusSource(() => reconciler.getStatus()),
      listen,
    );
    await reconciler.start();
    stopOnSignal({ stop: () => reconciler.stop(), server, store });
  });

void runProgram(program);
