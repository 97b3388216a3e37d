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
import { parseArgs } from "node:util";
import { runDaemon } from "./lifecycle";
import { GatewayAgent } from "../agent/agent";
import { defaultEngine } from "../agent/default-engine";
import { serveHealth } from "../agent/health";
import { STORE_OPTIONS, STORE_USAGE, storeAndTenantFromArgs, parseListen } from "./store-args";

const USAGE = `usage: vamp-gateway-agent --store etcd|zookeeper|vault --endpoints A[,B] --organization O --environment E
                          [--work-dir DIR] [--listen HOST:PORT] [--bind ADDR] [--virtual-hosts-port N]
                          [--haproxy PATH] [--poll] [--resync-ms N]
  --listen   the agent's health/metrics endpoint (default 127.0.0.1:19100, loopback only)
  --bind     the address gateway ports bind to (default all addresses)
${STORE_USAGE}`;

async function main() {
  const { values } = parseArgs({
    options: {
      ...STORE_OPTIONS,
      "work-dir": { type: "string", default: "/var/lib/vamp-gateway-agent" },
      listen: { type: "string", default: "127.0.0.1:19100" },
      haproxy: { type: "string" },
      bind: { type: "string" },
      "virtual-hosts-port": { type: "string" },
      poll: { type: "boolean", default: false },
      "resync-ms": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const listen = parseListen(values.listen);
  const { store, tenant } = storeAndTenantFromArgs(values, USAGE, listen.problems);
  const agent = new GatewayAgent({
    tenant,
    store,
    engine: defaultEngine({ bind: values.bind, virtualHostsPort: values["virtual-hosts-port"] ? Number(values["virtual-hosts-port"]) : undefined }),
    workDir: values["work-dir"]!,
    haproxyBinary: values.haproxy,
    watch: !values.poll,
    resyncMs: values["resync-ms"] ? Number(values["resync-ms"]) : undefined,
  });
  const server = await serveHealth({ getStatus: () => agent.getStatus(), stats: () => agent.runtime.stats() }, { host: listen.host, port: listen.port });
  await agent.start();
  // HAProxy keeps serving: the agent's absence must never interrupt traffic.
  return { stop: () => agent.stop(), server, store };
}

runDaemon("vamp-gateway-agent", main);
