/**
 * The agent's HTTP endpoint (loopback by default): liveness, readiness, status with the applied
 * revisions, and Prometheus metrics with per-route requests, 5xx and response times read from
 * HAProxy's stats.
 */
import type { StatRow } from "../haproxy/stats";
import type { StatusSource } from "../infra/http-status";
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
  metric("vamp_agent_in_sync", "gauge", "1 when every gateway in the store is served at its store revision.", [["", status.inSync ? 1 : 0]]);
  metric("vamp_agent_rejected_gateways", "gauge", "Gateways whose record in the store is refused.", [["", Object.keys(status.rejected).length]]);
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
  metric(
    "vamp_route_requests_total",
    "counter",
    "Requests (sessions for tcp) per route.",
    routeSamples((r) => r.requests),
  );
  metric(
    "vamp_route_http_5xx_total",
    "counter",
    "5xx responses per route.",
    routeSamples((r) => r.http5xx),
  );
  metric(
    "vamp_route_response_time_ms",
    "gauge",
    "Average response time over the last 1024 requests per route.",
    routeSamples((r) => r.responseTimeMs),
  );
  return out.join("\n") + "\n";
}

function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * The agent behind the one status server: ready when HAProxy runs its configuration; `/status`
 * is {@link AgentStatus}; `/metrics` adds each route's HAProxy counters.
 *
 * @example
 * const server = await serveStatus(agentStatusSource(agent), { host: "127.0.0.1", port: 19100 });
 */
export function agentStatusSource(source: HealthSource): StatusSource {
  return {
    ready: () => {
      const s = source.getStatus();
      if (s.ready && s.degraded) return { ready: false, reason: s.degraded };
      return s.ready ? { ready: true } : { ready: false, reason: s.lastError ?? "no configuration applied yet" };
    },
    status: () => source.getStatus(),
    metrics: async () => renderMetrics(source.getStatus(), await source.stats().catch(() => [])),
  };
}
