/**
 * A rollback is complete only when HAProxy says so: every live agent of the environment shows
 * the canary's route at weight 0 and its request counter has stopped rising. Before that nothing
 * may be scaled down and the release is not reported as rolled back.
 */
import { sleep } from "../infra/retry";
import { VampError, messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import type { KeyValueStore } from "../store/types";
import { agentApplied } from "./agents";

export interface Confirmation {
  /** How long it took from the call, ms. */
  ms: number;
  agents: string[];
}

/**
 * Waits until every live agent serves `route` of `gateway` at weight 0 with its counter still
 * over `quietMs`; throws naming what the agents show after `timeoutMs`.
 *
 * @example
 * const { ms, agents } = await confirmDrained(store, tenant, "shop", "v2");
 */
export async function confirmDrained(
  store: KeyValueStore,
  tenant: Tenant,
  gateway: string,
  route: string,
  opts: { timeoutMs?: number; quietMs?: number } = {},
): Promise<Confirmation> {
  const start = Date.now();
  const deadline = start + (opts.timeoutMs ?? 30_000);
  const quietMs = opts.quietMs ?? 200;
  let last: string;
  for (;;) {
    try {
      const before = await agentApplied(store, tenant, gateway);
      const open = before.filter((a) => (a.routes.find((r) => r.route === route)?.weight ?? 0) !== 0);
      if (!open.length) {
        await sleep(quietMs);
        const after = await agentApplied(store, tenant, gateway);
        const counter = (list: typeof before, agent: string) => list.find((a) => a.agent === agent)?.routes.find((r) => r.route === route)?.requests ?? 0;
        const rising = after.filter((a) => counter(after, a.agent) !== counter(before, a.agent) || !before.some((b) => b.agent === a.agent));
        if (!rising.length) return { ms: Date.now() - start, agents: after.map((a) => a.agent) };
        last = `still serving on ${rising.map((a) => a.agent).join(", ")}`;
      } else last = open.map((a) => `${a.agent} shows weight ${a.routes.find((r) => r.route === route)?.weight}`).join(", ");
    } catch (e) {
      last = messageOf(e);
    }
    if (Date.now() >= deadline)
      throw new VampError("failed", `rollback of ${gateway}/${route} not confirmed after ${((Date.now() - start) / 1000).toFixed(0)} s: ${last}`);
    await sleep(100);
  }
}
