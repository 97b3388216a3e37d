/**
 * The one HTTP server of every daemon (gateway agent, reconciler, workflow agent, the UI):
 * `/healthz`, `/readyz`, `/status` (JSON) and, when given, `/metrics` (Prometheus text), more
 * read-only JSON endpoints with query parameters (the agent's `/window`), actions (POST, JSON,
 * only with the bearer token) and a directory of files (the UI's page). Loopback unless told
 * otherwise.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

export interface StatusSource {
  /** Readiness: ready, or the reason it is not. */
  ready(): { ready: true } | { ready: false; reason: string };
  /** The JSON `/status` answers with. */
  status(): unknown;
  /** Prometheus text for `/metrics`; absent: 404. */
  metrics?(): Promise<string>;
  /** More JSON endpoints by path; a thrown `VampError` answers with its code's status (invalid 400, not-found 404, conflict 409, unavailable 503). */
  json?: Record<string, (query: URLSearchParams) => unknown>;
  /** Changes by path (POST with a JSON body), each allowed only with `Authorization: Bearer <token>`; without a token, refused (read-only). */
  actions?: { token?: string; handlers: Record<string, (body: unknown, query: URLSearchParams) => Promise<unknown>> };
  /** Files served for any other GET path (`/` is `index.html`), from this directory. */
  files?: string;
  /**
   * The `Host` headers answered (`127.0.0.1:19080`); others get 403. A page on loopback sets it,
   * so a web site the browser visits cannot reach it through a name that resolves to 127.0.0.1.
   */
  hosts?: string[];
}

type Answer = [number, string | Buffer, string];

const STATUS_OF: Record<string, number> = { invalid: 400, "not-found": 404, conflict: 409, unavailable: 503, forbidden: 403 };

/** A handler's value as JSON, or its error as the status its code says. */
function answer(run: () => unknown): Promise<Answer> {
  return Promise.resolve()
    .then(run)
    .then(
      (body): Answer => [200, JSON.stringify(body ?? null), "application/json"],
      (e: Error & { code?: string }): Answer => [STATUS_OF[e.code ?? ""] ?? 500, `${e.message}\n`, "text/plain"],
    );
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** A file below `dir` (never outside it), or undefined. */
function file(dir: string, pathname: string): Answer | undefined {
  const rel = pathname === "/" ? "index.html" : decodeURIComponent(pathname).replace(/^\/+/, "");
  const full = path.resolve(dir, rel);
  if (!full.startsWith(path.resolve(dir) + path.sep)) return undefined;
  try {
    return [200, fs.readFileSync(full), TYPES[path.extname(full)] ?? "application/octet-stream"];
  } catch {
    return undefined;
  }
}

/** Whether the request carries the token (compared in constant time). */
function authorized(req: http.IncomingMessage, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!token || !given) return false;
  const a = crypto.createHash("sha256").update(given).digest();
  return crypto.timingSafeEqual(a, crypto.createHash("sha256").update(token).digest());
}

async function act(source: StatusSource, req: http.IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? "/", "http://status");
  const handler = source.actions?.handlers[url.pathname];
  if (!handler) return [404, "not found\n", "text/plain"];
  if (!source.actions?.token) return [403, "read-only: this server takes no changes\n", "text/plain"];
  if (!authorized(req, source.actions.token)) return [401, "a change needs the token: Authorization: Bearer <token>\n", "text/plain"];
  let text = "";
  for await (const chunk of req) text += String(chunk);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    return [400, "the body must be JSON\n", "text/plain"];
  }
  return answer(() => handler(body, url.searchParams));
}

function route(source: StatusSource, rawUrl: string | undefined): Promise<Answer> | Answer {
  const url = new URL(rawUrl ?? "/", "http://status");
  const handler = source.json?.[url.pathname];
  if (handler) return answer(() => handler(url.searchParams));
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
  return (source.files && file(source.files, url.pathname)) || [404, "not found\n", "text/plain"];
}

/**
 * @example
 * const server = await serveStatus(source, { host: "127.0.0.1", port: 19100 });
 */
export async function serveStatus(source: StatusSource, listen: { host: string; port: number }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (source.hosts && !source.hosts.includes(req.headers.host ?? "")) {
      res.writeHead(403, { "content-type": "text/plain" }).end(`unexpected Host ${JSON.stringify(req.headers.host ?? "")}\n`);
      return;
    }
    const post = req.method === "POST" && source.actions;
    if (req.method !== "GET" && req.method !== "HEAD" && !post) {
      res.writeHead(405, { "content-type": "text/plain", allow: source.actions ? "GET, POST" : "GET" }).end("GET only\n");
      return;
    }
    Promise.resolve(post ? act(source, req) : route(source, req.url)).then(
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
