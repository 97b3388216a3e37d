import { socketCommand } from "./socket";
import { parseShowProc } from "./master";
import { parseStatCsv, type StatRow } from "./stats";

import { isIP } from "node:net";
import type { ServerWeight, SlotState } from "../model/resolved";

export type { ServerWeight } from "../model/resolved";

/** HAProxy names and weights are restricted; refuse anything that could inject a second command. */
const NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * The HAProxy Runtime API: changes that need no reload. Through the master socket (`viaMaster`)
 * every command goes to the current worker (`@1`). Why not the stats socket: after a reload, old
 * workers finishing their connections still accept on it, so a command could land in an old
 * worker (a weight set where no new request goes, stats of the wrong process).
 *
 * @example
 * const api = new RuntimeApi("/run/haproxy/master.sock", { viaMaster: true });
 * await api.setWeights([{ backend: "gw_split", server: "route_v2", weight: 10 }]);
 */
export class RuntimeApi {
  private readonly prefix: string;

  constructor(
    public readonly socketPath: string,
    options: { viaMaster?: boolean } = {},
  ) {
    this.prefix = options.viaMaster ? "@1 " : "";
  }

  /** Sets many weights, up to 200 commands per socket connection; throws if HAProxy rejects any of them. */
  async setWeights(weights: ServerWeight[]): Promise<void> {
    for (let i = 0; i < weights.length; i += 200) {
      const batch = weights.slice(i, i + 200);
      for (const w of batch) {
        if (!NAME.test(w.backend) || !NAME.test(w.server) || !Number.isInteger(w.weight) || w.weight < 0 || w.weight > 256) {
          throw new Error(`refusing runtime weight ${JSON.stringify(w)}: names must match ${NAME}, weight 0..256`);
        }
      }
      const out = await socketCommand(this.socketPath, batch.map((w) => `${this.prefix}set weight ${w.backend}/${w.server} ${w.weight}`).join("; "));
      // `set weight` answers nothing on success; any text is an error message.
      const errors = out
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      if (errors.length) throw new Error(`haproxy rejected a weight change: ${errors.join("; ")}`);
    }
  }

  /**
   * Fills, moves or empties server slots: an address and `ready`, or `maint`. Commands of one
   * slot go in one line, so a slot never serves with half its change applied.
   */
  async setSlots(slots: SlotState[]): Promise<void> {
    const lines = slots.map((s) => {
      if (!NAME.test(s.backend) || !NAME.test(s.server)) throw new Error(`refusing slot ${JSON.stringify(s)}: names must match ${NAME}`);
      const at = `${s.backend}/${s.server}`;
      if (!s.host) return `${this.prefix}set server ${at} state maint`;
      if (!isIP(s.host) || !Number.isInteger(s.port) || s.port! < 1 || s.port! > 65535)
        throw new Error(`refusing slot ${JSON.stringify(s)}: an IP address and a port`);
      return `${this.prefix}set server ${at} addr ${s.host} port ${s.port}; ${this.prefix}set server ${at} state ready`;
    });
    for (let i = 0; i < lines.length; i += 100) {
      const out = await socketCommand(this.socketPath, lines.slice(i, i + 100).join("; "));
      // `addr` answers "IP changed from ... to ..." (and "port changed ..."); anything else is an error.
      const errors = out
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^(IP changed from|no need to change|port changed from|.*changed from .* to )/i.test(l));
      if (errors.length) throw new Error(`haproxy rejected a slot change: ${errors.join("; ")}`);
    }
  }

  /**
   * `show stat` as rows (frontends, backends, servers). Through the master socket the request
   * and 5xx counters are summed over the current worker and the old ones still finishing
   * connections after a reload, so a reload never makes a route's counters drop.
   */
  async stats(): Promise<StatRow[]> {
    if (!this.prefix) return parseStatCsv(await socketCommand(this.socketPath, "show stat"));
    const proc = parseShowProc(await socketCommand(this.socketPath, "show proc"));
    const current = parseStatCsv(await socketCommand(this.socketPath, `${this.prefix}show stat`));
    const others = await Promise.all(
      proc.workers
        .slice(1)
        .concat(proc.oldWorkers)
        .map((pid) => socketCommand(this.socketPath, `@!${pid} show stat`).then(parseStatCsv, () => [] as StatRow[])),
    );
    const byKey = new Map(current.map((r) => [`${r.proxy}/${r.name}`, r]));
    for (const rows of others) {
      for (const r of rows) {
        const mine = byKey.get(`${r.proxy}/${r.name}`);
        if (!mine) continue; // a proxy the current configuration no longer has
        mine.requests += r.requests;
        mine.http5xx += r.http5xx;
      }
    }
    return current;
  }

  /** `show servers state`, for the server-state file read at the next reload. */
  async serversState(): Promise<string> {
    return socketCommand(this.socketPath, `${this.prefix}show servers state`);
  }

  /** Any command; for diagnostics. */
  async raw(command: string): Promise<string> {
    return socketCommand(this.socketPath, `${this.prefix}${command}`);
  }
}
