/**
 * The mend of node-zookeeper-client's reconnect bug (see zookeeper.ts), on the library's own
 * connection manager without a server: a half-read frame must not survive a new connection,
 * and a frame it cannot parse must drop the connection instead of throwing from a socket handler.
 */
import * as zk from "node-zookeeper-client";
import "./zookeeper";

interface Manager {
  state: number;
  pendingBuffer: Buffer | null;
  pendingQueue: unknown[];
  socket: unknown;
  onSocketConnected(): void;
  onSocketData(buffer: Buffer): void;
}

const CONNECTED = 2;
const manager = () => (zk.createClient("127.0.0.1:1") as unknown as { connectionManager: Manager }).connectionManager;

describe("node-zookeeper-client, mended", () => {
  it("drops the connection on a reply it cannot parse, without throwing", () => {
    const m = manager();
    const destroy = jest.fn();
    Object.assign(m, { state: CONNECTED, socket: { destroy } });
    m.pendingQueue.push({ request: { header: { xid: 1, type: 4 } }, callback: () => undefined });
    // A reply header read out of step: xid 1, zxid 0, and "mu\0\1" where the error code should be.
    const frame = Buffer.alloc(20);
    frame.writeInt32BE(16, 0);
    frame.writeInt32BE(1, 4);
    frame.writeInt32BE(0x6d750001, 16);
    expect(() => m.onSocketData(frame)).not.toThrow();
    expect(destroy).toHaveBeenCalled();
    expect(m.pendingBuffer).toBeNull();
  });

  it("forgets a half-read frame when a new connection is made", () => {
    const m = manager();
    Object.assign(m, { socket: { write: () => true, setTimeout: () => undefined, destroy: () => undefined } });
    m.pendingBuffer = Buffer.from([0, 0, 0, 50, 1, 2]);
    m.onSocketConnected();
    expect(m.pendingBuffer).toBeNull();
  });
});
