#!/usr/bin/env node
/**
 * vamp-gateway-agent: keeps a local HAProxy in step with one tenant's gateways in a key-value
 * store, receives its access log (live per-route metrics) and ships it to the environment's
 * search cluster. Example:
 *
 *   vamp-gateway-agent --store etcd --endpoints http://127.0.0.1:2379 \
 *     --organization acme --environment prod --work-dir /var/lib/vamp-agent --listen 127.0.0.1:19100 \
 *     --search-url http://search-de:9200 --events-url http://search-eu:9200
 *
 * Credentials come from the environment (see ./store-args.ts and ./search-args.ts), never from the command line.
 */
import * as os from "node:os";
import * as path from "node:path";
import { GatewayAgent, type AgentEvent } from "../agent/agent";
import { defaultEngine } from "../agent/default-engine";
import { agentEvent, type LogsEvent } from "../agent/events";
import { AgentMetrics, agentStatusSource } from "../agent/health";
import { serveStatus } from "../infra/http-status";
import { jsonLogger } from "../infra/logger";
import type { Problem } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { connectSearch, type SearchTarget } from "../search/client";
import { EventQueue } from "../search/events";
import { LogPipeline } from "../ship/log-pipeline";
import { stopOnSignal } from "./lifecycle";
import { intOption, newProgram, runProgram } from "./program";
import { searchTargetFromArgs, withSearchOptions, type SearchOptionValues } from "./search-args";
import { parseListen, storeAndTenantFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface AgentFlags extends StoreOptionValues, SearchOptionValues {
  workDir: string;
  listen: string;
  logsListen?: string;
  spoolMaxBytes: number;
  agentId?: string;
  advertise?: string;
  haproxy?: string;
  bind?: string;
  virtualHostsPort?: number;
  poll: boolean;
  resyncMs?: number;
}

const program = withSearchOptions(
  withStoreOptions(newProgram("vamp-gateway-agent", "Keeps a local HAProxy in step with one tenant's gateways in a key-value store.")),
  { search: true, events: true },
)
  .option("--work-dir <dir>", "HAProxy's configuration, sockets and state, and the log spool", "/var/lib/vamp-gateway-agent")
  .option("--listen <host:port>", "the agent's health, status and metrics endpoint (loopback unless told otherwise)", "127.0.0.1:19100")
  .option("--advertise <url>", "where others reach that endpoint (live metrics, /applied), written to the store (default: http://<listen>)")
  .option(
    "--logs-listen <host:port|off>",
    "where HAProxy forwards its access log to the agent (live metrics, shipping); off: no access log (default: 127.0.0.1 and the --listen port + 10, fixed so a restarted agent gets what HAProxy buffered meanwhile)",
  )
  .option("--spool-max-bytes <n>", "the bound of the on-disk log spool while the search cluster is away", intOption(1 << 20, 2 ** 40), 256 * 2 ** 20)
  .option("--agent-id <id>", "this agent's name in events, logs and the store (default: the host name)")
  .option("--bind <address>", "the address gateway ports bind to (default: all addresses)")
  .option("--virtual-hosts-port <port>", "port of the shared virtual-host frontend", intOption(1, 65535))
  .option("--haproxy <path>", "the haproxy binary (default: haproxy on PATH)")
  .option("--poll", "poll the store instead of watching it (as Vamp did)", false)
  .option("--resync-ms <ms>", "re-read the store at least this often", intOption(50, 86_400_000))
  .action(async (flags: AgentFlags) => {
    const listen = parseListen(flags.listen);
    // Derived from --listen when not given; a bad --listen is reported once, as itself.
    const derived = listen.problems.length ? "127.0.0.1:1" : `127.0.0.1:${listen.port > 65525 ? listen.port - 10 : listen.port + 10}`;
    const logsListen = flags.logsListen === "off" ? undefined : parseListen(flags.logsListen ?? derived);
    const search = searchTargetFromArgs(flags, "search");
    const eventsTarget = searchTargetFromArgs(flags, "events");
    const problems: Problem[] = [
      ...listen.problems,
      ...(logsListen?.problems ?? []).map((p) => ({ ...p, path: "--logs-listen" })),
      ...search.problems,
      ...eventsTarget.problems,
      ...(!logsListen && search.target ? [{ source: "", path: "--search-url", message: "needs the access log: --logs-listen must not be off" }] : []),
    ];
    const { store, tenant } = storeAndTenantFromArgs(program, flags, problems);
    const agentId = flags.agentId ?? os.hostname();
    const { report, events } = await reporter(agentId, tenant, eventsTarget.target);
    const logs = logsListen
      ? new LogPipeline({
          tenant,
          agentId,
          listen: logsListen,
          search: search.target ? await connectSearch(search.target) : undefined,
          spoolDir: path.join(flags.workDir, "spool"),
          spoolMaxBytes: flags.spoolMaxBytes,
          onRecord: (r) => metrics.observe(r), // records arrive only after start, below
          onEvent: report,
        })
      : undefined;
    const agent = new GatewayAgent({
      tenant,
      store,
      engine: defaultEngine({
        bind: flags.bind,
        virtualHostsPort: flags.virtualHostsPort,
        log: logsListen ? { ring: { server: `${logsListen.host}:${logsListen.port}` } } : false,
      }),
      workDir: flags.workDir,
      haproxyBinary: flags.haproxy,
      watch: !flags.poll,
      resyncMs: flags.resyncMs,
      log: report,
      presence: { id: agentId, endpoint: flags.advertise ?? `http://${listen.host}:${listen.port}` },
    });
    const source = { getStatus: () => agent.getStatus(), stats: () => agent.runtime.stats(), ...(logs ? { logs } : {}) };
    const metrics = new AgentMetrics(source);
    const server = await serveStatus(agentStatusSource(source, metrics), listen);
    await logs?.start();
    await agent.start();
    report({ event: "started" });
    // HAProxy keeps serving when the agent stops: its absence must never interrupt traffic.
    const stop = async () => {
      await agent.stop();
      await logs?.stop();
      await events?.flush();
    };
    stopOnSignal({ stop, server, store });
  });

/** Logs each report as a JSON line and, with an events cluster, keeps it as a Vamp event. */
async function reporter(agentId: string, tenant: Tenant, target: SearchTarget | undefined) {
  const log = jsonLogger({ component: "gateway-agent", agent: agentId });
  const events = target
    ? new EventQueue(await connectSearch(target), tenant.organization, (missed) =>
        log({ event: "events-missed", count: missed.length, error: missed[0].error }),
      )
    : undefined;
  const report = (e: AgentEvent | LogsEvent | { event: "started" }) => {
    log(e as unknown as { event: string });
    const ev = agentEvent(e, agentId, Date.now());
    if (ev) events?.push({ ...ev, tags: [...ev.tags, `environments:${tenant.environment}`] });
  };
  return { report, events };
}

void runProgram(program);
