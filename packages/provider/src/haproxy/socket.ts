import * as net from "node:net";

/**
 * Sends one line to an HAProxy CLI socket (stats socket or master socket) and returns all it
 * answers. HAProxy closes a non-interactive connection after the answer, which ends the read.
 * Several commands may share one line, separated by `;`.
 */
export function socketCommand(socketPath: string, line: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const conn = net.createConnection(socketPath);
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`haproxy socket ${socketPath}: no answer to "${line}" within ${timeoutMs} ms`));
    }, timeoutMs);
    conn.on("connect", () => conn.end(`${line}\n`));
    conn.on("data", (c) => chunks.push(c));
    conn.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`haproxy socket ${socketPath}: ${err.message}`));
    });
    conn.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
  });
}
