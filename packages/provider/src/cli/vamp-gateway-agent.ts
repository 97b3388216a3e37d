#!/usr/bin/env node
/**
 * vamp-gateway-agent: keeps a local HAProxy in step with one tenant's gateways in a key-value
 * store. Example:
 *
 *   vamp-gateway-agent --store etcd --endpoints http://127.0.0.1:2379 \
 *     --organization acme --environment prod --work-dir /var/lib/vamp-agent --listen 127.0.0.1:19100
 *
 * Credentials come from the environment (see ./store-args.ts), never from the command line.
 */
import { GatewayAgent } from "../agent/agent";
import { defaultEngine } from "../agent/default-engine";
import { agentStatusSource } from "../agent/health";
import { serveStatus } from "../infra/http-status";
import { stopOnSignal } from "./lifecycle";
import { intOption, newProgram, runProgram } from "./program";
import { parseListen, storeAndTenantFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface AgentFlags extends StoreOptionValues {
  workDir: string;
  listen: string;
  haproxy?: string;
  bind?: string;
  virtualHostsPort?: number;
  poll: boolean;
  resyncMs?: number;
}

const program = withStoreOptions(newProgram("vamp-gateway-agent", "Keeps a local HAProxy in step with one tenant's gateways in a key-value store."))
  .option("--work-dir <dir>", "HAProxy's configuration, sockets and state", "/var/lib/vamp-gateway-agent")
  .option("--listen <host:port>", "the agent's health, status and metrics endpoint (loopback unless told otherwise)", "127.0.0.1:19100")
  .option("--bind <address>", "the address gateway ports bind to (default: all addresses)")
  .option("--virtual-hosts-port <port>", "port of the shared virtual-host frontend", intOption(1, 65535))
  .option("--haproxy <path>", "the haproxy binary (default: haproxy on PATH)")
  .option("--poll", "poll the store instead of watching it (as Vamp did)", false)
  .option("--resync-ms <ms>", "re-read the store at least this often", intOption(50, 86_400_000))
  .action(async (flags: AgentFlags) => {
    const listen = parseListen(flags.listen);
    const { store, tenant } = storeAndTenantFromArgs(program, flags, listen.problems);
    const agent = new GatewayAgent({
      tenant,
      store,
      engine: defaultEngine({ bind: flags.bind, virtualHostsPort: flags.virtualHostsPort }),
      workDir: flags.workDir,
      haproxyBinary: flags.haproxy,
      watch: !flags.poll,
      resyncMs: flags.resyncMs,
    });
    const server = await serveStatus(agentStatusSource({ getStatus: () => agent.getStatus(), stats: () => agent.runtime.stats() }), listen);
    await agent.start();
    // HAProxy keeps serving when the agent stops: its absence must never interrupt traffic.
    stopOnSignal({ stop: () => agent.stop(), server, store });
  });

void runProgram(program);
