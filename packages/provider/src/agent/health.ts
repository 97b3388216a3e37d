/**
 * The agent's HTTP endpoint (loopback by default): liveness, readiness, status with the applied
 * revisions, and Prometheus metrics with per-route requests, 5xx and response times read from
 * HAProxy's stats.
 */
import * as http from "node:http";
import type { StatRow } from "../proxy/stats";
import type { AgentStatus } from "./agent";

export interface HealthSource {
  getStatus(): AgentStatus;
  stats(): Promise<StatRow[]>;
}

/** Prometheus text for the agent's counters and each route's backend stats. */
export function renderMetrics(status: AgentStatus, stats: StatRow[]): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) out.push(`${name}${labels} ${v}`);
  };
  const c = status.counters;
  metric("vamp_agent_ready", "gauge", "1 when HAProxy runs the agent's configuration.", [["", status.ready ? 1 : 0]]);
  metric("vamp_agent_store_healthy", "gauge", "1 when the last store read succeeded.", [["", status.storeHealthy ? 1 : 0]]);
  metric("vamp_agent_syncs_total", "counter", "Store reads.", [["", c.syncs]]);
  metric("vamp_agent_sync_failures_total", "counter", "Failed store reads.", [["", c.syncFailures]]);
  metric("vamp_agent_runtime_updates_total", "counter", "Weight changes applied without reload.", [["", c.runtimeUpdates]]);
  metric("vamp_agent_reloads_total", "counter", "Seamless reloads.", [["", c.reloads]]);
  metric("vamp_agent_reload_failures_total", "counter", "Configurations refused (haproxy -c or reload).", [["", c.reloadFailures]]);
  metric("vamp_agent_rejected_specs_total", "counter", "Gateway records refused by validation.", [["", c.rejected]]);
  const byBackend = new Map(stats.filter((r) => r.name === "BACKEND").map((r) => [r.proxy, r]));
  const routeSamples = (pick: (r: StatRow) => number): [string, number][] =>
    status.routes.flatMap((rt) => {
      const row = byBackend.get(rt.backend);
      return row ? [[`{gateway=${q(rt.gateway)},route=${q(rt.route)}}`, pick(row)] as [string, number]] : [];
    });
  metric("vamp_route_requests_total", "counter", "Requests (sessions for tcp) per route.", routeSamples((r) => r.requests));
  metric("vamp_route_http_5xx_total", "counter", "5xx responses per route.", routeSamples((r) => r.http5xx));
  metric("vamp_route_response_time_ms", "gauge", "Average response time over the last 1024 requests per route.", routeSamples((r) => r.responseTimeMs));
  return out.join("\n") + "\n";
}

function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * Serves `/healthz`, `/readyz`, `/status` and `/metrics`.
 *
 * @example
 * const server = await serveHealth(agent, { host: "127.0.0.1", port: 19100 });
 */
export async function serveHealth(source: HealthSource, listen: { host: string; port: number }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const status = source.getStatus();
      const send = (code: number, body: string, type = "text/plain") => {
        res.writeHead(code, { "content-type": type });
        res.end(body);
      };
      switch (req.url) {
        case "/healthz":
          return send(200, "ok\n");
        case "/readyz":
          return status.ready ? send(200, "ready\n") : send(503, `not ready: ${status.lastError ?? "no configuration applied yet"}\n`);
        case "/status":
          return send(200, JSON.stringify(status, null, 2), "application/json");
        case "/metrics": {
          const stats = await source.stats().catch(() => []);
          return send(200, renderMetrics(status, stats), "text/plain; version=0.0.4");
        }
        default:
          return send(404, "not found\n");
      }
    })().catch((e: Error) => {
      res.writeHead(500);
      res.end(e.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return server;
}
