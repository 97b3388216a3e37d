/**
 * The demo's users: requests at a steady rate through the gateway while the release runs, so it
 * has evidence to judge; counts the answers by the version that gave them.
 */
import * as http from "node:http";

export interface LoadSummary {
  sent: number;
  /** Answers by `x-demo-version` and status, from the first answer the gateway gave. */
  byVersion: Record<string, { ok: number; failed: number }>;
  /** Requests refused before the stack created the gateway (not failures of the release). */
  beforeGateway: number;
}

/** Starts `rps` requests per second to `url`; `stop()` waits for the last answers. */
export function startLoad(url: string, rps: number): { stop(): Promise<LoadSummary> } {
  // Idle sockets close here (5 s) before HAProxy's keep-alive timeout (10 s) closes one under a request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 5000 });
  const s: LoadSummary = { sent: 0, byVersion: {}, beforeGateway: 0 };
  let served = false;
  const pending = new Set<Promise<void>>();
  const one = () =>
    new Promise<void>((resolve) => {
      http
        .get(url, { agent, timeout: 5000 }, (res) => {
          res.resume();
          res.on("end", () => {
            served = true;
            const v = (s.byVersion[String(res.headers["x-demo-version"] ?? "none")] ??= { ok: 0, failed: 0 });
            if (res.statusCode === 200) v.ok++;
            else v.failed++;
            resolve();
          });
        })
        .on("error", () => {
          if (served) (s.byVersion.none ??= { ok: 0, failed: 0 }).failed++;
          else s.beforeGateway++;
          resolve();
        });
    });
  const timer = setInterval(() => {
    s.sent++;
    const p = one().then(() => void pending.delete(p));
    pending.add(p);
  }, 1000 / rps);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return s;
    },
  };
}

/** One line: each version's share of the answers, and the failures. */
export function loadLine(s: LoadSummary): string {
  const total = Object.values(s.byVersion).reduce((n, v) => n + v.ok + v.failed, 0);
  const parts = Object.entries(s.byVersion)
    .sort()
    .map(([v, n]) => `${v}: ${n.ok + n.failed} (${((100 * (n.ok + n.failed)) / Math.max(1, total)).toFixed(1)}%, ${n.failed} failed)`);
  return `${total} answers during the release: ${parts.join(", ")}`;
}
