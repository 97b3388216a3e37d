/**
 * The gateway agents of an environment as a release (and `vamp metrics`) sees them: who is alive,
 * their live counts over a window merged, and what HAProxy applies on each.
 */
import { mergeSeries, type GatewaySeries, type SecondCounts } from "../metrics/series";
import { mergeWindows, type WindowCounts } from "../metrics/window";
import { VampError, messageOf } from "../model/problem";
import { AGENT_PRESENCE_STALE_MS, type AgentPresence, type AppliedRoute } from "../model/record";
import type { Tenant } from "../model/tenant";
import { agentsDir } from "../record/keys";
import type { KeyValueStore } from "../store/types";

/** The agents of a tenant that said they are alive in the last 30 s. */
export async function liveAgents(store: KeyValueStore, tenant: Tenant, now = Date.now()): Promise<AgentPresence[]> {
  const out: AgentPresence[] = [];
  for (const e of await store.list(agentsDir(tenant))) {
    try {
      const p = JSON.parse(e.value) as AgentPresence;
      if (now - p.at <= AGENT_PRESENCE_STALE_MS) out.push(p);
    } catch {
      // not a presence record
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!r.ok) throw new Error(`${r.status} ${(await r.text()).trim()}`);
  return (await r.json()) as T;
}

/** Asks every agent in turn-free parallel; answers and failures by agent. */
async function askAll<T>(agents: AgentPresence[], path: string, timeoutMs: number) {
  const answers: { agent: AgentPresence; value: T }[] = [];
  const missing: string[] = [];
  await Promise.all(
    agents.map(async (agent) => {
      try {
        answers.push({ agent, value: await getJson<T>(`${agent.endpoint}${path}`, timeoutMs) });
      } catch (e) {
        missing.push(`${agent.id} (${agent.endpoint}): ${messageOf(e)}`);
      }
    }),
  );
  return { answers, missing };
}

const noAgent = (t: Tenant) => new VampError("unavailable", `no gateway agent of ${t.organization}/${t.environment} reported in the last 30 s`);

/**
 * Every live agent's counts of `gateway` over `[from, to)`, merged. With `strict`, one agent not
 * answering is an error (a release must not judge on part of the traffic).
 *
 * @example
 * const { window } = await agentWindows(store, tenant, "shop", { from: Date.now() - 30_000, to: Date.now() });
 */
export async function agentWindows(
  store: KeyValueStore,
  tenant: Tenant,
  gateway: string,
  span: { from: number; to: number },
  opts: { strict?: boolean; timeoutMs?: number } = {},
): Promise<{ window: WindowCounts; agents: number; missing: string[] }> {
  const agents = await liveAgents(store, tenant);
  if (!agents.length) throw noAgent(tenant);
  const q = `/window?gateway=${encodeURIComponent(gateway)}&from=${span.from}&to=${span.to}`;
  const { answers, missing } = await askAll<WindowCounts>(agents, q, opts.timeoutMs ?? 3000);
  if (!answers.length || (opts.strict && missing.length)) throw new VampError("unavailable", `agents did not answer: ${missing.join("; ")}`);
  return { window: { ...mergeWindows(answers.map((a) => a.value)), from: span.from, to: span.to }, agents: answers.length, missing };
}

/** What HAProxy applies for `gateway` on every live agent; an agent that does not answer is an error. */
export async function agentApplied(
  store: KeyValueStore,
  tenant: Tenant,
  gateway: string,
  timeoutMs = 2000,
): Promise<{ agent: string; routes: AppliedRoute[] }[]> {
  const agents = await liveAgents(store, tenant);
  if (!agents.length) throw noAgent(tenant);
  const { applied, missing } = await appliedByAgent(agents, gateway, timeoutMs);
  if (missing.length) throw new VampError("unavailable", `agents did not answer: ${missing.join("; ")}`);
  return applied;
}

/**
 * Every one of `agents`' per-second counts of `gateway` over `[from, to)`, merged into one column
 * per route; the agents that did not answer are named, not fatal (a chart shows what it has).
 * The caller lists the agents (and so tells the store's failures apart from the agents').
 *
 * @example
 * const { series, missing } = await seriesFrom(await liveAgents(store, tenant), tenant, "shop", { from: Date.now() - 900_000, to: Date.now() });
 */
export async function seriesFrom(
  agents: AgentPresence[],
  tenant: Tenant,
  gateway: string,
  span: { from: number; to: number },
  timeoutMs = 2000,
): Promise<{ series: GatewaySeries; agents: number; missing: string[] }> {
  if (!agents.length) throw noAgent(tenant);
  const { answers, missing } = await askAll<SecondCounts[]>(
    agents,
    `/series?gateway=${encodeURIComponent(gateway)}&from=${span.from}&to=${span.to}`,
    timeoutMs,
  );
  return {
    series: mergeSeries(
      gateway,
      answers.map((a) => a.value),
      span.from,
      span.to,
    ),
    agents: answers.length,
    missing,
  };
}

/**
 * What HAProxy applies for `gateway` on each of `agents` (as {@link liveAgents} listed them);
 * an agent that does not answer is named in `missing`, not fatal (a page shows what it has).
 */
export async function appliedByAgent(
  agents: AgentPresence[],
  gateway: string,
  timeoutMs = 1500,
): Promise<{ applied: { agent: string; revision?: string; routes: AppliedRoute[] }[]; missing: string[] }> {
  const { answers, missing } = await askAll<AppliedRoute[]>(agents, `/applied?gateway=${encodeURIComponent(gateway)}`, timeoutMs);
  const applied = answers.map((a) => ({ agent: a.agent.id, revision: a.agent.revisions[gateway], routes: a.value }));
  return { applied: applied.sort((a, b) => a.agent.localeCompare(b.agent)), missing };
}
