/**
 * The agent's HTTP endpoint (loopback by default): liveness, readiness, status with the applied
 * revisions and the log pipeline, Prometheus metrics (prom-client: the agent's counters, each
 * route's HAProxy counters, and the live per-route requests and response times from the access
 * log), the live metrics as mergeable JSON windows (`/window`, `/series`), and what HAProxy applies (`/applied`).
 */
import * as client from "prom-client";
import type { StatRow } from "../haproxy/stats";
import type { StatusSource } from "../infra/http-status";
import type { AccessRecord } from "../logs/access-log";
import type { LiveBuckets } from "../metrics/live";
import { statusClass } from "../metrics/window";
import type { AppliedRoute } from "../model/record";
import { VampError } from "../model/problem";
import type { LogPipelineStatus } from "../ship/log-pipeline";
import { windowOf } from "../validation/window";
import type { AgentStatus } from "./agent";

export interface HealthSource {
  getStatus(): AgentStatus;
  stats(): Promise<StatRow[]>;
  /** The access-log pipeline, when the agent receives its proxy's log. */
  logs?: { live: LiveBuckets; status(): LogPipelineStatus };
}

/** The agent's Prometheus registry; {@link AgentMetrics.observe} counts each logged request. */
export class AgentMetrics {
  readonly registry = new client.Registry();
  private readonly requests = new client.Counter({
    name: "vamp_route_log_requests_total",
    help: "Requests per route and status class, from the access log.",
    labelNames: ["gateway", "route", "status"],
    registers: [this.registry],
  });
  private readonly latency = new client.Histogram({
    name: "vamp_route_request_duration_seconds",
    help: "Total request time per route, from the access log.",
    labelNames: ["gateway", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(source: HealthSource) {
    const gauge = (name: string, help: string, value: (s: AgentStatus) => number) =>
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(value(source.getStatus()));
        },
      });
    gauge("vamp_agent_ready", "1 when HAProxy runs the agent's configuration.", (s) => (s.ready ? 1 : 0));
    gauge("vamp_agent_in_sync", "1 when every gateway in the store is served at its store revision.", (s) => (s.inSync ? 1 : 0));
    gauge("vamp_agent_rejected_gateways", "Gateways whose record in the store is refused.", (s) => Object.keys(s.rejected).length);
    gauge("vamp_agent_store_healthy", "1 when the last store read succeeded.", (s) => (s.storeHealthy ? 1 : 0));
    const counters: [keyof AgentStatus["counters"], string, string][] = [
      ["syncs", "vamp_agent_syncs_total", "Store reads."],
      ["syncFailures", "vamp_agent_sync_failures_total", "Failed store reads."],
      ["runtimeUpdates", "vamp_agent_runtime_updates_total", "Weight changes applied without reload."],
      ["reloads", "vamp_agent_reloads_total", "Seamless reloads."],
      ["reloadFailures", "vamp_agent_reload_failures_total", "Configurations refused (haproxy -c or reload)."],
      ["rejected", "vamp_agent_rejected_specs_total", "Gateway records refused by validation."],
    ];
    for (const [key, name, help] of counters)
      new client.Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(source.getStatus().counters[key]);
        },
      });
    this.routeStats(source);
    if (source.logs) this.logStats(source.logs);
  }

  /** Each route's HAProxy backend counters, read at scrape time. */
  private routeStats(source: HealthSource): void {
    const labelNames = ["gateway", "route"] as const;
    // One read of HAProxy's stats per scrape, shared by the three collectors below.
    let pending: { at: number; rows: Promise<[Record<(typeof labelNames)[number], string>, StatRow][]> } | undefined;
    const read = () => {
      if (!pending || Date.now() - pending.at > 100) pending = { at: Date.now(), rows: readOnce() };
      return pending.rows;
    };
    const readOnce = async (): Promise<[Record<(typeof labelNames)[number], string>, StatRow][]> => {
      const byBackend = new Map((await source.stats().catch(() => [])).filter((r) => r.name === "BACKEND").map((r) => [r.proxy, r]));
      return source.getStatus().routes.flatMap((rt) => {
        const row = byBackend.get(rt.backend);
        return row ? [[{ gateway: rt.gateway, route: rt.route }, row] as [Record<"gateway" | "route", string>, StatRow]] : [];
      });
    };
    const counter = (name: string, help: string, pick: (r: StatRow) => number) =>
      new client.Counter({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const [labels, row] of await read()) this.inc(labels, pick(row));
        },
      });
    counter("vamp_route_requests_total", "Requests (sessions for tcp) per route, from HAProxy's counters.", (r) => r.requests);
    counter("vamp_route_http_5xx_total", "5xx responses per route, from HAProxy's counters.", (r) => r.http5xx);
    new client.Gauge({
      name: "vamp_route_response_time_ms",
      help: "Average response time over the last 1024 requests per route.",
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [labels, row] of await read()) this.set(labels, row.responseTimeMs);
      },
    });
  }

  private logStats(logs: NonNullable<HealthSource["logs"]>): void {
    const fields: [keyof LogPipelineStatus, string, string][] = [
      ["received", "vamp_logs_received_total", "Access-log lines received from HAProxy."],
      ["malformed", "vamp_logs_malformed_total", "Access-log lines that could not be read."],
      ["shipped", "vamp_logs_shipped_total", "Lines indexed in the search cluster."],
      ["refused", "vamp_logs_refused_total", "Lines the search cluster refused."],
      ["dropped", "vamp_logs_dropped_total", "Oldest lines dropped when the spool reached its bound."],
      ["spoolBytes", "vamp_logs_spool_bytes", "Bytes in the spool waiting for the search cluster."],
    ];
    for (const [key, name, help] of fields)
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(Number(logs.status()[key] ?? 0));
        },
      });
  }

  /** Counts one logged request. */
  observe(r: AccessRecord): void {
    this.requests.inc({ gateway: r.gateway, route: r.route, status: r.status !== undefined ? statusClass(r.status) : "none" });
    this.latency.observe({ gateway: r.gateway, route: r.route }, r.timeMs / 1000);
  }
}

/**
 * What HAProxy applies for a gateway, route by route, from its stats: a rollback is complete when
 * every agent shows the canary at weight 0 and its request counter has stopped rising.
 */
export function appliedRoutes(routes: AgentStatus["routes"], stats: StatRow[], gateway: string): AppliedRoute[] {
  const row = (proxy: string, name: string) => stats.find((r) => r.proxy === proxy && r.name === name);
  return routes
    .filter((r) => r.gateway === gateway)
    .map((r) => {
      const split = r.split ? row(r.split.backend, r.split.server) : undefined;
      const backend = row(r.backend, "BACKEND");
      return { route: r.route, ...(split ? { weight: split.weight } : {}), ...(backend ? { requests: backend.requests } : {}) };
    });
}

/**
 * The agent behind the one status server: ready when HAProxy runs its configuration; `/status`
 * is {@link AgentStatus} (and the log pipeline's counters); `/metrics` is Prometheus text;
 * `/window?gateway=G&window=30s` the live counts of a window (merge them across agents with
 * `mergeWindows`); `/series?gateway=G&window=15m` per-second counts; `/applied?gateway=G` each
 * route's weight and request counter as HAProxy has them now.
 *
 * @example
 * const server = await serveStatus(agentStatusSource(agent, metrics), { host: "127.0.0.1", port: 19100 });
 */
export function agentStatusSource(source: HealthSource, metrics = new AgentMetrics(source)): StatusSource {
  const gatewayOf = (q: URLSearchParams) => q.get("gateway") ?? undefined;
  return {
    ready: () => {
      const s = source.getStatus();
      if (s.ready && s.degraded) return { ready: false, reason: s.degraded };
      return s.ready ? { ready: true } : { ready: false, reason: s.lastError ?? "no configuration applied yet" };
    },
    status: () => ({ ...source.getStatus(), ...(source.logs ? { logs: source.logs.status() } : {}) }),
    metrics: () => metrics.registry.metrics(),
    json: {
      "/window": (q) => {
        const { from, to } = windowOf(q);
        if (!source.logs) throw new VampError("invalid", "this agent does not receive its proxy's access log (--logs-listen off)");
        return source.logs.live.window(from, to, gatewayOf(q));
      },
      "/applied": async (q) => {
        const gateway = gatewayOf(q);
        if (!gateway) throw new VampError("invalid", "gateway: required");
        return appliedRoutes(source.getStatus().routes, await source.stats(), gateway);
      },
      "/series": (q) => {
        const { from, to } = windowOf(q);
        const gateway = gatewayOf(q);
        if (!gateway) throw new VampError("invalid", "gateway: required");
        if (!source.logs) throw new VampError("invalid", "this agent does not receive its proxy's access log (--logs-listen off)");
        return source.logs.live.series(gateway, from, to);
      },
    },
  };
}
