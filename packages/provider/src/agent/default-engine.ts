import type { Gateway } from "../model/gateway";
import { formatProblem } from "../model/problem";
import { effectiveSpec } from "../record/ownership";
import { changedText, renderConfig, type RenderOptions, type RenderResult } from "../render/haproxy";
import { reweighConfig, weightsOnly } from "../render/reweigh";
import { resolveSet } from "../resolve/set";
import { validateGateway } from "../validation/gateway";
import type { GatewayEngine } from "./engine";

/**
 * The gateway engine of this package behind the agent's interface: records are validated one
 * by one (so one bad record keeps its last good version), the set is resolved and rendered.
 *
 * @example
 * new GatewayAgent({ tenant, store, engine: defaultEngine({ bind: "127.0.0.1" }), workDir });
 */
export function defaultEngine(options: Omit<RenderOptions, "statsSocket" | "serverStateFile" | "instance"> = {}): GatewayEngine<Gateway> {
  const vhostPort = (gs: Gateway[]) => (gs.some((g) => g.virtualHosts.length) ? (options.virtualHostsPort ?? 80) : undefined);
  return {
    compile(record) {
      const r = validateGateway(effectiveSpec(record), { source: `gateway ${record.name}`, name: record.name, deployment: record.deployment });
      return { gateway: r.gateway, errors: r.problems.map(formatProblem) };
    },
    checkSet(gateways) {
      return resolveSet(gateways, { virtualHostsPort: vhostPort(gateways) }).problems.map((p) => ({ gateway: p.gateway, message: formatProblem(p) }));
    },
    render(gateways, paths) {
      const set = resolveSet(gateways, { virtualHostsPort: vhostPort(gateways) });
      const bad = new Set(set.problems.map((p) => p.gateway));
      const rendered = renderConfig(
        set.gateways.filter((g) => !bad.has(g.name)),
        { ...options, statsSocket: paths.statsSocket, serverStateFile: paths.serverStateFile, instance: paths.instance },
      );
      return { ...rendered, failures: [...set.problems.map((p) => ({ gateway: p.gateway, message: formatProblem(p) })), ...rendered.failures] };
    },
    checkText(previous, next) {
      return "sections" in previous && "sections" in next ? changedText(previous as RenderResult, next as RenderResult) : undefined;
    },
    reweigh(previous, changes) {
      if (!("sections" in previous) || !changes.every((c) => weightsOnly(c.previous, c.next))) return undefined;
      return reweighConfig(
        previous as RenderResult,
        changes.map((c) => c.next),
      );
    },
  };
}
