/**
 * The end of HAProxy's log ring: HAProxy forwards its access log over TCP, one line per request
 * (render/haproxy.ts `ring`), buffering in memory while nobody listens, so serving never waits on
 * the agent and the log never touches HAProxy's disk.
 */
import * as net from "node:net";

/**
 * Listens on `host:port` and hands over complete lines, a batch per chunk received.
 *
 * @example
 * const receiver = await receiveLines({ host: "127.0.0.1", port: 19101 }, (lines) => pipeline.take(lines));
 */
export async function receiveLines(listen: { host: string; port: number }, onLines: (lines: string[]) => void): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let rest = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const text = rest + chunk;
      const end = text.lastIndexOf("\n");
      if (end < 0) {
        rest = text;
        return;
      }
      rest = text.slice(end + 1);
      onLines(
        text
          .slice(0, end)
          .split("\n")
          .filter((l) => l.length),
      );
    });
    socket.on("error", () => socket.destroy()); // HAProxy reconnects and resends from its ring
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    // HAProxy holds its connection open for good: close it, or the server never closes.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
