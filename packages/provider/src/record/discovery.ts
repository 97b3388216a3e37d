import { discoverRoutes } from "../selector/evaluate";
import { parseSelector } from "../selector/parse";
import type { WorkloadInstance } from "../model/selector";
import type { DiscoveredState, GatewayRecord } from "../model/record";
import { discoveryWrite } from "./ownership";
import { stableStringify } from "../model/stable";

/**
 * What a gateway's selector finds among the instances, in the record's `discovered` shape
 * (pure). The same function serves the `Gateway` resource at `up` and the reconciler, so the
 * two can never disagree about the same pods.
 *
 * @example
 * discoveredState("label(app)(shop) && label(version)((.*))", instances, "reconciler")
 * // { routes: { "(1.0)": [{ name: "shop-1-abc", host: "10.1.0.5", port: 8080 }] }, writer: "reconciler" }
 */
export function discoveredState(selector: string, instances: WorkloadInstance[], writer: string): DiscoveredState {
  const parsed = parseSelector(selector);
  if (!parsed.ast) throw new Error(`selector ${JSON.stringify(selector)}: ${parsed.errors.map((e) => `${e.message} at offset ${e.offset}`).join("; ")}`);
  const { routes, skipped } = discoverRoutes(parsed.ast, instances);
  const state: DiscoveredState = { routes: Object.fromEntries(routes.map((r) => [r.key, r.instances])), writer };
  if (skipped.length) state.skipped = skipped;
  return state;
}

/** Whether two discovered states route the same (the writer and skipped reasons aside). */
export function sameRoutes(a: DiscoveredState | undefined, b: DiscoveredState | undefined): boolean {
  return stableStringify(a?.routes ?? null) === stableStringify(b?.routes ?? null);
}

/**
 * A gateway record after discovery over `instances`, or undefined when it has no selector or
 * discovery would change nothing (pure). Only `discovered` changes (see record/ownership.ts).
 */
export function reconcileRecord(record: GatewayRecord, instances: WorkloadInstance[], writer: string): GatewayRecord | undefined {
  const selector = record.spec.selector;
  if (typeof selector !== "string") return undefined;
  const state = discoveredState(selector, instances, writer);
  return sameRoutes(record.discovered, state) ? undefined : discoveryWrite(record, state);
}
