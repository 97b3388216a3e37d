import { socketCommand } from "./socket";
import { parseStatCsv, type StatRow } from "./stats";

/** A server weight to set at run time. */
export interface ServerWeight {
  backend: string;
  server: string;
  weight: number;
}

/** HAProxy names and weights are restricted; refuse anything that could inject a second command. */
const NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * The HAProxy Runtime API over the admin stats socket: changes that need no reload.
 *
 * @example
 * const api = new RuntimeApi("/run/haproxy/admin.sock");
 * await api.setWeights([{ backend: "gw_split", server: "route_v2", weight: 10 }]);
 */
export class RuntimeApi {
  constructor(public readonly socketPath: string) {}

  /** Sets many weights in one round trip; throws if HAProxy rejects any of them. */
  async setWeights(weights: ServerWeight[]): Promise<void> {
    for (let i = 0; i < weights.length; i += 200) {
      const batch = weights.slice(i, i + 200);
      for (const w of batch) {
        if (!NAME.test(w.backend) || !NAME.test(w.server) || !Number.isInteger(w.weight) || w.weight < 0 || w.weight > 256) {
          throw new Error(`refusing runtime weight ${JSON.stringify(w)}: names must match ${NAME}, weight 0..256`);
        }
      }
      const out = await socketCommand(this.socketPath, batch.map((w) => `set weight ${w.backend}/${w.server} ${w.weight}`).join(";"));
      // `set weight` answers nothing on success; any text is an error message.
      const errors = out.split("\n").map((l) => l.trim()).filter(Boolean);
      if (errors.length) throw new Error(`haproxy rejected a weight change: ${errors.join("; ")}`);
    }
  }

  /** `show stat` as rows (frontends, backends, servers). */
  async stats(): Promise<StatRow[]> {
    return parseStatCsv(await socketCommand(this.socketPath, "show stat"));
  }

  /** `show servers state`, for the server-state file read at the next reload. */
  async serversState(): Promise<string> {
    return socketCommand(this.socketPath, "show servers state");
  }

  /** Any command; for diagnostics. */
  async raw(command: string): Promise<string> {
    return socketCommand(this.socketPath, command);
  }
}
