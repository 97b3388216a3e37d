/**
 * The one status server of every daemon (gateway agent, reconciler): `/healthz`, `/readyz`,
 * `/status` (JSON) and, when given, `/metrics` (Prometheus text) and more read-only JSON
 * endpoints with query parameters (the agent's `/window`). Loopback unless told otherwise.
 */
import * as http from "node:http";

export interface StatusSource {
  /** Readiness: ready, or the reason it is not. */
  ready(): { ready: true } | { ready: false; reason: string };
  /** The JSON `/status` answers with. */
  status(): unknown;
  /** Prometheus text for `/metrics`; absent: 404. */
  metrics?(): Promise<string>;
  /** More JSON endpoints by path; a thrown `VampError` of code `invalid` answers 400 with its message. */
  json?: Record<string, (query: URLSearchParams) => unknown>;
}

type Answer = [number, string, string];

function route(source: StatusSource, rawUrl: string | undefined): Promise<Answer> | Answer {
  const url = new URL(rawUrl ?? "/", "http://status");
  const handler = source.json?.[url.pathname];
  if (handler)
    return Promise.resolve()
      .then(() => handler(url.searchParams))
      .then(
        (body): Answer => [200, JSON.stringify(body), "application/json"],
        (e: Error & { code?: string }): Answer => [e.code === "invalid" ? 400 : 500, `${e.message}\n`, "text/plain"],
      );
  switch (url.pathname) {
    case "/healthz":
      return [200, "ok\n", "text/plain"];
    case "/readyz": {
      const r = source.ready();
      return r.ready ? [200, "ready\n", "text/plain"] : [503, `not ready: ${r.reason}\n`, "text/plain"];
    }
    case "/status":
      return [200, JSON.stringify(source.status(), null, 2), "application/json"];
    case "/metrics":
      if (source.metrics) return source.metrics().then((m) => [200, m, "text/plain; version=0.0.4"]);
  }
  return [404, "not found\n", "text/plain"];
}

/**
 * @example
 * const server = await serveStatus(source, { host: "127.0.0.1", port: 19100 });
 */
export async function serveStatus(source: StatusSource, listen: { host: string; port: number }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain", allow: "GET" }).end("GET only\n");
      return;
    }
    Promise.resolve(route(source, req.url)).then(
      ([code, body, type]) => res.writeHead(code, { "content-type": type }).end(body),
      (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return server;
}
