#!/usr/bin/env node
/**
 * vamp-workflow-agent: the in-cluster side of canary releases for one tenant. It drives the
 * releases handed to the cluster (`CanaryRelease` with `driver: "cluster"`), resuming one at its
 * recorded step after a restart, and takes a release whose `pulumi up` went away (its lease
 * lapsed) back to stable. Example:
 *
 *   vamp-workflow-agent --store etcd --endpoints http://etcd.vamp:2379 --organization acme --environment prod --agent-id wf-0
 */
import * as os from "node:os";
import { jsonLogger } from "../infra/logger";
import { serveStatus } from "../infra/http-status";
import { connectSearch } from "../search/client";
import { EventQueue } from "../search/events";
import { ReleaseSupervisor } from "../workflow/releases";
import { stopOnSignal } from "./lifecycle";
import { newProgram, runProgram } from "./program";
import { searchTargetFromArgs, withSearchOptions, type SearchOptionValues } from "./search-args";
import { parseListen, storeAndTenantFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface WorkflowFlags extends StoreOptionValues, SearchOptionValues {
  listen: string;
  agentId?: string;
}

const program = withSearchOptions(
  withStoreOptions(newProgram("vamp-workflow-agent", "Drives a tenant's canary releases in the cluster and rolls back those whose driver went away.")),
  { events: true },
)
  .option("--agent-id <id>", "this agent's name: its lease holder and events' actor, the same after a restart (default: the host name)")
  .option("--listen <host:port>", "liveness, readiness and status (loopback unless told otherwise)", "127.0.0.1:19102")
  .action(async (flags: WorkflowFlags) => {
    const listen = parseListen(flags.listen);
    const eventsTarget = searchTargetFromArgs(flags, "events");
    const { store, tenant } = storeAndTenantFromArgs(program, flags, [...listen.problems, ...eventsTarget.problems]);
    const agentId = flags.agentId ?? os.hostname();
    const log = jsonLogger({ component: "workflow-agent", agent: agentId });
    const events = eventsTarget.target
      ? new EventQueue(await connectSearch(eventsTarget.target), tenant.organization, (m) =>
          log({ event: "events-missed", count: m.length, error: m[0].error }),
        )
      : undefined;
    const releases = new ReleaseSupervisor({ store, tenant, agentId, log, events });
    const server = await serveStatus({ ready: () => ({ ready: true }), status: () => ({ agent: agentId, releases: releases.active }) }, listen);
    await releases.start();
    log({ event: "started" });
    stopOnSignal({
      stop: async () => {
        await releases.stop();
        await events?.flush();
      },
      server,
      store,
    });
  });

void runProgram(program);
