import { formatError, type Gateway } from "../model/gateway";
import { renderConfig, type RenderOptions } from "../haproxy/render";
import { validateGateway } from "../validation/gateway";
import { resolveSet } from "../validation/set";
import { effectiveSpec } from "../store/ownership";
import type { GatewayEngine } from "./engine";

/**
 * The gateway engine of this package behind the agent's interface: records are validated one
 * by one (so one bad record keeps its last good version), the set is resolved and rendered.
 */
export function defaultEngine(options: Omit<RenderOptions, "statsSocket" | "serverStateFile" | "instance"> = {}): GatewayEngine<Gateway> {
  const vhostPort = (gs: Gateway[]) => (gs.some((g) => g.virtualHosts.length) ? options.virtualHostsPort ?? 80 : undefined);
  return {
    compile(record) {
      const r = validateGateway(effectiveSpec(record), `gateway ${record.name}`, { name: record.name });
      if (r.gateway && r.gateway.name !== record.name) return { errors: [`gateway ${record.name}: name: the record's spec names another gateway (${r.gateway.name})`] };
      return { gateway: r.gateway, errors: r.errors.map(formatError) };
    },
    checkSet(gateways) {
      return resolveSet(gateways, { virtualHostsPort: vhostPort(gateways) }).errors.map((e) => ({ gateway: e.source.replace(/^gateway /, ""), message: formatError(e) }));
    },
    render(gateways, paths) {
      const set = resolveSet(gateways, { virtualHostsPort: vhostPort(gateways) });
      if (set.errors.length) throw new Error(set.errors.map(formatError).join("; "));
      return renderConfig(set.gateways, { ...options, statsSocket: paths.statsSocket, serverStateFile: paths.serverStateFile, instance: paths.instance });
    },
  };
}
