/** What an agent does, as Vamp events: started, reloaded, applied weights, rejected a gateway, dropped logs. */
import type { VampEvent } from "../events/event";
import type { AgentEvent } from "./agent";

/** A log-pipeline report worth an event. */
export interface LogsEvent {
  event: "logs-dropped" | "logs-refused" | "logs-ship-error" | "logs-shipping-again";
  lines?: number;
  message: string;
}

/**
 * The Vamp event of an agent's report, or undefined when it is not one worth keeping.
 *
 * @example
 * agentEvent({ event: "rejected", gateway: "shop", revision: "7", errors: ["port: ..."], keptLastGood: true }, "agent-a", Date.now())
 * // { tags: ["agents:agent-a", "gateways:shop", "agent:rejected"], type: "agent", ... }
 */
export function agentEvent(e: AgentEvent | LogsEvent | { event: "started" }, agentId: string, timestamp: number): VampEvent | undefined {
  const base = { type: "agent", timestamp, actor: `agent/${agentId}` };
  const tags = (...more: string[]) => [`agents:${agentId}`, ...more];
  switch (e.event) {
    case "started":
      return { ...base, tags: tags("agent:started"), value: {} };
    case "applied":
      return e.plan === "runtime"
        ? { ...base, tags: tags("agent:weights"), value: { changes: e.changes, ms: e.ms } }
        : { ...base, tags: tags("agent:reloaded"), value: { plan: e.plan, reason: e.reason, ms: e.ms, gateways: e.gateways } };
    case "rejected":
      return {
        ...base,
        tags: tags(`gateways:${e.gateway}`, "agent:rejected"),
        value: { revision: e.revision, errors: e.errors, keptLastGood: e.keptLastGood },
      };
    case "started-from-disk":
      return { ...base, tags: tags("agent:started", "agent:fromdisk"), value: { message: e.message } };
    case "apply-error":
      return { ...base, tags: tags("agent:applyerror"), value: { message: e.message } };
    case "logs-dropped":
    case "logs-refused":
      return { ...base, type: "logs", tags: tags(`logs:${e.event.slice(5)}`), value: { lines: e.lines, message: e.message } };
    default:
      return undefined;
  }
}
