/**
 * The reconciler's HTTP endpoint (loopback by default): liveness, readiness (the pod watch is
 * synced, so writes are trusted) and status, for the kubelet's probes of the workflow agent.
 */
import * as http from "node:http";
import type { ReconcilerStatus } from "./reconciler";

/**
 * @example
 * const server = await serveReconcilerHealth(() => reconciler.getStatus(), { host: "127.0.0.1", port: 19101 });
 */
export function serveReconcilerHealth(getStatus: () => ReconcilerStatus, listen: { host: string; port: number }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const status = getStatus();
    const send = (code: number, body: string, type = "text/plain") => {
      res.writeHead(code, { "content-type": type });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "GET only\n");
    switch (req.url) {
      case "/healthz":
        return send(200, "ok\n");
      case "/readyz":
        return status.synced ? send(200, "ready\n") : send(503, "pod watch not synced\n");
      case "/status":
        return send(200, JSON.stringify(status), "application/json");
      default:
        return send(404, "not found\n");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve(server));
  });
}
