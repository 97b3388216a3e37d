#!/usr/bin/env node
/**
 * vamp-workflow-agent: the in-cluster side of canary releases for one tenant. It drives the
 * releases handed to the cluster (`CanaryRelease` with `driver: "cluster"`), resuming one at its
 * recorded step after a restart, and takes a release whose `pulumi up` went away (its lease
 * lapsed) back to stable; with --slas it also keeps the tenant's SLAs, scaling their workloads
 * through the Kubernetes API. Example:
 *
 *   vamp-workflow-agent --store etcd --endpoints http://etcd.vamp:2379 --organization acme --environment prod --agent-id wf-0
 */
import * as os from "node:os";
import { jsonLogger } from "../infra/logger";
import { serveStatus } from "../infra/http-status";
import { connectSearch } from "../search/client";
import { EventQueue } from "../search/events";
import { loadKubeConfig } from "../discovery/kubernetes";
import { ReleaseSupervisor } from "../workflow/releases";
import { SlaMonitor } from "../workflow/slas";
import { WorkflowRunner } from "../workflow/runner";
import { stopOnSignal } from "./lifecycle";
import { newProgram, runProgram } from "./program";
import { searchTargetFromArgs, withSearchOptions, type SearchOptionValues } from "./search-args";
import { parseListen, storeAndTenantFromArgs, storeFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface WorkflowFlags extends StoreOptionValues, SearchOptionValues {
  listen: string;
  agentId?: string;
  slas?: boolean;
  workflows?: boolean;
  kubeconfig?: string;
}

const program = withSearchOptions(
  withStoreOptions(newProgram("vamp-workflow-agent", "Drives a tenant's canary releases in the cluster and rolls back those whose driver went away.")),
  { events: true, search: true },
)
  .option("--agent-id <id>", "this agent's name: its lease holder and events' actor, the same after a restart (default: the host name)")
  .option("--listen <host:port>", "liveness, readiness and status (loopback unless told otherwise)", "127.0.0.1:19102")
  .option("--slas", "also watch the tenant's SLAs and scale their workloads through the Kubernetes API")
  .option("--workflows", "also run the tenant's workflows (scripts) on their schedules")
  .option("--kubeconfig <path>", "with --slas outside a cluster: the kubeconfig (default $KUBECONFIG; in a cluster its service account)")
  .action(async (flags: WorkflowFlags) => {
    const listen = parseListen(flags.listen);
    const eventsTarget = searchTargetFromArgs(flags, "events");
    const logsTarget = searchTargetFromArgs(flags, "search");
    const { store, tenant } = storeAndTenantFromArgs(program, flags, [...listen.problems, ...eventsTarget.problems, ...logsTarget.problems]);
    const { connection } = storeFromArgs(flags);
    const agentId = flags.agentId ?? os.hostname();
    const log = jsonLogger({ component: "workflow-agent", agent: agentId });
    const events = eventsTarget.target
      ? new EventQueue(await connectSearch(eventsTarget.target), tenant.organization, (m) =>
          log({ event: "events-missed", count: m.length, error: m[0].error }),
        )
      : undefined;
    // The gateway logs, for releases with log checks.
    const logs = logsTarget.target ? await connectSearch(logsTarget.target) : undefined;
    const releases = new ReleaseSupervisor({ store, tenant, agentId, log, events, logs });
    const slas = flags.slas
      ? new SlaMonitor({ store, tenant, kubeConfig: loadKubeConfig(flags.kubeconfig ?? process.env.KUBECONFIG), log, events })
      : undefined;
    const server = await serveStatus({ ready: () => ({ ready: true }), status: () => ({ agent: agentId, releases: releases.active }) }, listen);
    const workflows = flags.workflows ? new WorkflowRunner({ store, connection, tenant, log, events: eventsTarget.target }) : undefined;
    await releases.start();
    await slas?.start();
    await workflows?.start();
    log({ event: "started", slas: !!slas, workflows: !!workflows });
    stopOnSignal({
      stop: async () => {
        await slas?.stop();
        await workflows?.stop();
        await releases.stop();
        await events?.flush();
        await logs?.close();
      },
      server,
      store,
    });
  });

void runProgram(program);
