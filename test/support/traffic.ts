/**
 * Real traffic for the end-to-end suites: HTTP backends that say who they are, and a
 * concurrent keep-alive client that counts answers per backend and every failure.
 * Loopback only; every loop is bounded in count or time.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Backend {
  id: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a backend's server (keep-alive for the clients' pooled connections). */
function listen(server: http.Server, host: string, port: number): Promise<void> {
  server.keepAliveTimeout = 30_000;
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
}

/** An HTTP server on 127.0.0.1 (ephemeral port) answering 200 with header `x-backend: <id>`. */
export async function startBackend(id: string, host = "127.0.0.1", port = 0): Promise<Backend> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "x-backend": id, "content-type": "text/plain" });
    res.end(`${id} ${req.url}\n`);
  });
  return serve(id, server, host, port);
}

/** A backend of `server`, listening on `host:port` (0: ephemeral). */
export async function serve(id: string, server: http.Server, host = "127.0.0.1", port = 0): Promise<Backend> {
  await listen(server, host, port);
  return {
    id,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A backend that calls `upstream` for every request and answers with `x-backend: <id>><upstream's
 * id>` (502 when the upstream fails): a service reaching its dependency.
 */
export async function startCallingBackend(id: string, host: string, port: number, upstream: string): Promise<Backend> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    req.resume();
    http
      .get(upstream, { agent }, (up) => {
        up.resume();
        const from = String(up.headers["x-backend"] ?? "?");
        res.writeHead(up.statusCode === 200 ? 200 : 502, { "x-backend": `${id}>${from}`, "content-type": "text/plain" });
        res.end(`${id}>${from}\n`);
      })
      .on("error", (e) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`${id}: upstream ${upstream}: ${e.message}\n`);
      });
  });
  await listen(server, host, port);
  return {
    id,
    port,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Tally {
  total: number;
  failed: number;
  byBackend: Record<string, number>;
  /** Failure reasons, at most 20 kept. */
  errors: string[];
}

export function emptyTally(): Tally {
  return { total: 0, failed: 0, byBackend: {}, errors: [] };
}

/** Shares of each backend in percent. */
export function shares(t: Tally): Record<string, number> {
  const ok = t.total - t.failed;
  return Object.fromEntries(Object.entries(t.byBackend).map(([k, v]) => [k, (100 * v) / Math.max(ok, 1)]));
}

/** One GET; resolves to the backend id, or throws with the reason. */
export function getOnce(
  url: string,
  agent: http.Agent,
  headers: Record<string, string> = {},
): Promise<{ backend: string; status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ backend: String(res.headers["x-backend"] ?? ""), status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** Sends `count` requests with `concurrency` keep-alive connections and tallies the answers. */
export async function sendRequests(url: string, count: number, concurrency = 8, headers: Record<string, string> = {}): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const t = emptyTally();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      record(t, await getOnce(url, agent, headers).catch((e: Error) => e));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return t;
}

function record(t: Tally, r: { backend: string; status: number } | Error): void {
  t.total++;
  if (r instanceof Error || r.status !== 200) {
    t.failed++;
    if (t.errors.length < 20) t.errors.push(r instanceof Error ? r.message : `HTTP ${r.status}`);
    return;
  }
  t.byBackend[r.backend] = (t.byBackend[r.backend] ?? 0) + 1;
}

/**
 * A client that keeps sending until stopped (or `maxMs` passes), for "0 failed requests while
 * X happens" assertions. `onAnswer` sees every answer (for propagation measurements).
 */
export class LoadClient {
  readonly tally = emptyTally();
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  onAnswer?: (backend: string, at: number) => void;

  constructor(
    private readonly url: string,
    private readonly concurrency = 4,
    private readonly maxMs = 300_000,
  ) {}

  start(): this {
    const agent = new http.Agent({ keepAlive: true, maxSockets: this.concurrency });
    const t0 = Date.now();
    const worker = async () => {
      while (!this.stopped && Date.now() - t0 < this.maxMs) {
        const r = await getOnce(this.url, agent).catch((e: Error) => e);
        record(this.tally, r);
        if (!(r instanceof Error) && r.status === 200) this.onAnswer?.(r.backend, performance.now());
      }
    };
    this.done = Promise.all(Array.from({ length: this.concurrency }, worker)).then(() => agent.destroy());
    return this;
  }

  async stop(): Promise<Tally> {
    this.stopped = true;
    await this.done;
    return this.tally;
  }
}

/** A TCP port free on 127.0.0.1 right now (for HAProxy binds in tests). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A keep-alive agent for open-loop traffic, whose idle sockets close on the client's side (5 s)
 * before HAProxy's keep-alive timeout (10 s) can close one under a request being sent on it.
 */
export function openLoopAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, timeout: 5000 });
}
