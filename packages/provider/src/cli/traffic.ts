/**
 * `vamp metrics`, `vamp events` and the store half of `vamp status`: what the gateways do, from
 * the agents (live) or the search cluster (windowed), and what happened, from the events.
 */
import type { Command } from "commander";
import { formatTime } from "./time";
import { readMetricsAnswer, metricsQuery } from "../metrics/search-query";
import { summarizeWindow, type GatewayMetrics } from "../metrics/window";
import { agentWindows, liveAgents } from "../rollout/agents";
import { listGatewayRoutes, type GatewayRoutes } from "../rollout/routes";
import { indexPrefix } from "../logs/indices";
import type { AgentPresence } from "../model/record";
import { VampError, messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { connectSearch, type SearchTarget } from "../search/client";
import { followEvents, queryEvents } from "../search/events";
import type { KeyValueStore } from "../store/types";
import { seconds } from "../validation/units";
import { table } from "./table";

/** A window's span from `--window` ending at the last whole second. */
export function windowSpan(text: string, now = Date.now()): { from: number; to: number } {
  const w = seconds(text);
  if (!w.ok || w.value <= 0) throw new VampError("invalid", `--window: ${w.ok ? "must be more than 0" : w.reason}`);
  const to = Math.floor(now / 1000) * 1000;
  return { from: to - Math.round(w.value * 1000), to };
}

/** The live metrics of a gateway: every agent's window over the same span, merged. */
export async function liveMetrics(store: KeyValueStore, tenant: Tenant, gateway: string, span: { from: number; to: number }, route?: string) {
  const { window, agents, missing } = await agentWindows(store, tenant, gateway, span);
  return { metrics: summarizeWindow(window, gateway, route), agents, missing };
}

/** The windowed metrics of a gateway from the environment's search cluster. */
export async function searchMetrics(
  target: SearchTarget,
  tenant: Tenant,
  gateway: string,
  span: { from: number; to: number },
  route?: string,
): Promise<GatewayMetrics> {
  const search = await connectSearch(target);
  try {
    const index = `${indexPrefix(tenant.organization, tenant.environment, "gateway-logs")}-*`;
    const answer = await search.request({
      method: "POST",
      path: `/${index}/_search`,
      body: metricsQuery(gateway, span.from, span.to, route),
      querystring: { ignore_unavailable: true, allow_no_indices: true },
    });
    return readMetricsAnswer(answer, gateway, span.from, span.to);
  } finally {
    await search.close();
  }
}

const ms = (v: number | undefined) => (v === undefined ? "-" : v < 10 ? v.toFixed(2) : v.toFixed(1));

/** The metrics as a table: one row per route, then the gateway. */
export function metricsTable(m: GatewayMetrics): string {
  const row = (
    name: string,
    r: { requests: number; rate: number; status: Record<string, number>; errorRate: number; p50?: number; p95?: number; p99?: number; health: number },
  ) => [
    name,
    String(r.requests),
    r.rate.toFixed(2),
    String(r.status["2xx"] ?? 0),
    String(r.status["4xx"] ?? 0),
    String(r.status["5xx"] ?? 0),
    `${(r.errorRate * 100).toFixed(2)}%`,
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    String(r.health),
  ];
  const head = ["ROUTE", "REQUESTS", "RATE/S", "2XX", "4XX", "5XX", "ERRORS", "P50 MS", "P95 MS", "P99 MS", "HEALTH"];
  const span = `${m.gateway}: ${formatTime(m.from)} – ${formatTime(m.to)} (${(m.to - m.from) / 1000} s, ${m.source})`;
  return `${span}\n${table(head, [...m.routes.map((r) => row(r.route, r)), row("(gateway)", { ...m, status: sumStatus(m) })])}`;
}

function sumStatus(m: GatewayMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of m.routes) for (const [k, n] of Object.entries(r.status)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** Gateways, routes and weights in the store (as their agents serve them), and the agents with the revisions they serve. */
export async function storeStatus(store: KeyValueStore, tenant: Tenant): Promise<{ gateways: GatewayRoutes[]; agents: AgentPresence[] }> {
  return { gateways: await listGatewayRoutes(store, tenant), agents: await liveAgents(store, tenant) };
}

export function storeStatusText(s: Awaited<ReturnType<typeof storeStatus>>): string {
  const rows = s.gateways.flatMap((g) =>
    g.routes.length
      ? g.routes.map((r, i) => [i ? "" : g.name, i ? "" : g.port, i ? "" : g.revision, r.route, String(r.weight), r.condition ?? ""])
      : [[g.name, g.port, g.revision, g.invalid ? `(not served: ${g.invalid})` : "(no routes)", "", ""]],
  );
  const agents = s.agents.map((a) => {
    const behind = s.gateways.filter((g) => a.revisions[g.name] !== g.revision).map((g) => g.name);
    return [a.id, a.ready ? "ready" : "not ready", a.endpoint, behind.length ? `behind: ${behind.join(", ")}` : "in sync", formatTime(a.at)];
  });
  return [
    table(["GATEWAY", "PORT", "REVISION", "ROUTE", "WEIGHT", "CONDITION"], rows),
    "",
    s.agents.length ? table(["AGENT", "STATE", "ENDPOINT", "APPLIED", "SEEN"], agents) : "no agent reported in the last 30 s",
  ].join("\n");
}

/** `vamp events`: query, or follow. */
export async function printEvents(
  target: SearchTarget,
  organization: string,
  o: { tag: string[]; since: string; follow?: boolean; output?: string },
): Promise<void> {
  const since = windowSpan(o.since).from;
  const search = await connectSearch(target);
  const print = (e: { timestamp: number; tags: string[]; type: string; value: unknown }) =>
    console.log(
      o.output === "json"
        ? JSON.stringify(e)
        : `${formatTime(e.timestamp)}  ${e.type.padEnd(8)}  ${e.tags.filter((t) => t.includes(":")).join(" ")}  ${JSON.stringify(e.value)}`,
    );
  if (!o.follow) {
    for (const e of await queryEvents(search, organization, o.tag, since)) print(e);
    await search.close();
    return;
  }
  await new Promise<void>((resolve) => {
    const stop = followEvents(search, organization, o.tag, since, print, { onError: (e) => console.error(`vamp events: ${messageOf(e)}`) });
    const end = () => {
      stop();
      resolve();
    };
    process.once("SIGINT", end);
    process.once("SIGTERM", end);
  });
  await search.close();
}

/** Collects a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export type { Command };
