/**
 * A release's webhooks: a JSON POST at each moment they listen to, with a timeout and retries;
 * a 2xx answer agrees. Before start, a step or promotion a refusal rolls back; after a rollback
 * they are told, best effort.
 */
import { retry } from "../infra/retry";
import type { Canary, HookMoment } from "../model/canary";
import { messageOf } from "../model/problem";
import type { ReleaseState } from "../model/release";

export interface HookPayload {
  release: string;
  moment: HookMoment;
  gateway: string;
  stable: string;
  canary: string;
  /** The step the release is about to take (1-based; steps + 1 is the promotion). */
  step: number;
  weights: ReleaseState["weights"];
  reason?: string;
}

/**
 * Calls every webhook listening to `moment`; resolves to the first refusal, or undefined when all agreed.
 *
 * @example
 * const refused = await callHooks(canary, "step", { release: "shop", moment: "step", ... });
 */
export async function callHooks(c: Canary, moment: HookMoment, payload: Omit<HookPayload, "moment">): Promise<string | undefined> {
  for (const h of c.webhooks.filter((w) => w.on.includes(moment))) {
    try {
      await retry(
        async () => {
          const r = await fetch(h.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ ...payload, moment }),
            signal: AbortSignal.timeout(h.timeoutMs),
          });
          if (!r.ok) throw new Error(`${r.status} ${(await r.text()).trim().slice(0, 200)}`);
        },
        { attempts: h.retries + 1, initialMs: 200, maxMs: 2000 },
      );
    } catch (e) {
      return `webhook ${h.url} refused the ${moment}: ${messageOf(e)}`;
    }
  }
  return undefined;
}
