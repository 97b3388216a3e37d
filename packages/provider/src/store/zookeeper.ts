import { BackoffState, CoalescingLoop } from "../infra";
import * as zk from "node-zookeeper-client";
import type { ZooKeeperConnection } from "./connection";
import { ExpectedRevision, KeyValueStore, KvEntry, RevisionConflictError, type StoreWatch } from "./types";

type Client = zk.Client;

/** The part of node-zookeeper-client's connection manager the patch below touches. */
interface ConnectionManagerProto {
  onSocketConnected(this: ManagerState): void;
  onSocketData(this: ManagerState, buffer: Buffer): void;
}
interface ManagerState {
  pendingBuffer: Buffer | null;
  socket?: { destroy(): void };
}

/**
 * node-zookeeper-client 1.1.3 keeps a half-read frame across reconnects (its `pendingBuffer` is
 * never reset), so the next connection's first answer is misread and the library throws from a
 * socket handler ("Unknown code: …"), which would end the agent's process when ZooKeeper
 * restarts. Reset it on every new connection, and treat a frame it cannot parse as the library
 * treats other garbage: drop the connection, which makes it reconnect.
 */
function patchConnectionManager(): void {
  // An internal module of the package (not exported): the one place its bug can be mended.
  const { prototype } = require("node-zookeeper-client/lib/ConnectionManager.js") as { prototype: ConnectionManagerProto & { vampPatched?: boolean } };
  if (prototype.vampPatched) return;
  prototype.vampPatched = true;
  const connected = prototype.onSocketConnected;
  const data = prototype.onSocketData;
  prototype.onSocketConnected = function (this: ManagerState) {
    this.pendingBuffer = null;
    connected.call(this);
  };
  prototype.onSocketData = function (this: ManagerState, buffer: Buffer) {
    try {
      data.call(this, buffer);
    } catch {
      this.pendingBuffer = null;
      this.socket?.destroy();
    }
  };
}
patchConnectionManager();
const CONNECT_TIMEOUT_MS = 5000;
const SESSION_TIMEOUT_MS = 10_000;

/**
 * ZooKeeper adapter. Keys are znode paths; an entry is a znode with data (parents created on
 * the way have none and are not entries). The revision is `<creation zxid>.<version>`, so a
 * node deleted and created again never matches an old revision.
 */
export class ZooKeeperStore implements KeyValueStore {
  private client: Client;
  private ready: Promise<void>;
  private disconnectedSince: number | undefined;
  private readonly reconnected = new Set<() => void>();

  constructor(private readonly connection: ZooKeeperConnection) {
    ({ client: this.client, ready: this.ready } = this.connect());
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const c = await this.session();
    const res = await call<[Buffer | undefined, zk.Stat]>((cb) => c.getData(key, cb), [zk.Exception.NO_NODE]);
    if (!res || res[0] === undefined || res[0] === null) return undefined;
    return { key, value: res[0].toString(), revision: revisionOf(res[1]) };
  }

  async list(dir: string): Promise<KvEntry[]> {
    const c = await this.session();
    // Siblings are read in parallel (the client pipelines them): thousands of gateways are one
    // round of requests, not thousands of round trips one after the other.
    const walk = async (path: string): Promise<KvEntry[]> => {
      const children = await call<[string[]]>((cb) => c.getChildren(path, cb), [zk.Exception.NO_NODE]);
      const below = await Promise.all(
        (children?.[0] ?? []).sort().map(async (child) => {
          const p = `${path}/${child}`;
          const [e, deeper] = await Promise.all([this.get(p), walk(p)]);
          return e ? [e, ...deeper] : deeper;
        }),
      );
      return below.flat();
    };
    return walk(dir);
  }

  async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
    const c = await this.session();
    const data = Buffer.from(value);
    const current = await call<[Buffer | undefined, zk.Stat]>((cb) => c.getData(key, cb), [zk.Exception.NO_NODE]);
    const isEntry = !!current && current[0] !== undefined && current[0] !== null;
    const actual = isEntry ? revisionOf(current[1]) : null;
    if (expect !== undefined && expect !== actual) throw new RevisionConflictError(key, expect, actual);
    if (!current) {
      await call((cb) => c.mkdirp(parentOf(key), cb));
      const created = await call((cb) => c.create(key, data, cb), [zk.Exception.NODE_EXISTS]);
      if (!created) throw new RevisionConflictError(key, expect ?? null, (await this.get(key))?.revision ?? null);
      const now = await this.get(key);
      if (!now) throw new Error(`zookeeper: ${key} vanished right after it was created`);
      return now.revision;
    }
    // Version-checked write: a concurrent writer makes this fail with BAD_VERSION.
    const res = await call<[zk.Stat]>((cb) => c.setData(key, data, current[1].version, cb), [zk.Exception.BAD_VERSION, zk.Exception.NO_NODE]);
    if (!res) throw new RevisionConflictError(key, expect ?? actual, (await this.get(key))?.revision ?? null);
    return revisionOf(res[0]);
  }

  async delete(key: string, expect?: ExpectedRevision): Promise<boolean> {
    const c = await this.session();
    const current = await this.get(key);
    const actual = current?.revision ?? null;
    if (expect !== undefined && expect !== actual) throw new RevisionConflictError(key, expect, actual);
    if (!current) return false;
    const version = Number(actual!.split(".")[1]);
    const res = await call((cb) => c.remove(key, version, cb), [zk.Exception.NO_NODE, zk.Exception.BAD_VERSION, zk.Exception.NOT_EMPTY]);
    if (res) return true;
    // A node with children (a gateway dir) keeps existing as a parent: clear its data instead.
    const again = await call<[Buffer | undefined, zk.Stat]>((cb) => c.getData(key, cb), [zk.Exception.NO_NODE]);
    if (!again) return true;
    if (expect !== undefined && revisionOf(again[1]) !== expect) throw new RevisionConflictError(key, expect, revisionOf(again[1]));
    await call((cb) => c.setData(key, null as unknown as Buffer, again[1].version, cb));
    return true;
  }

  async watch(dir: string, onChange: (keys?: string[]) => void, onError?: (err: Error) => void): Promise<StoreWatch> {
    let closed = false;
    const backoff = new BackoffState({ initialMs: 100, maxMs: 1000 });
    // ZooKeeper watches fire once. One stable watcher function (the client de-duplicates it per
    // path) re-walks the tree to arm them again; events that arrive meanwhile coalesce.
    const arm = async (): Promise<void> => {
      const c = await this.session();
      const walk = async (path: string): Promise<void> => {
        const exists = await call<[zk.Stat | null]>((cb) => c.exists(path, fire, cb));
        if (!exists?.[0]) return;
        const [, children] = await Promise.all([
          call((cb) => c.getData(path, fire, cb), [zk.Exception.NO_NODE]),
          call<[string[]]>((cb) => c.getChildren(path, fire, cb), [zk.Exception.NO_NODE]),
        ]);
        await Promise.all((children?.[0] ?? []).map((child) => walk(`${path}/${child}`)));
      };
      await walk(dir);
    };
    // A node's data changed (a gateway's weights): only its data watch needs arming again, and
    // the caller reads just that key. Anything else (created, deleted, children) walks the tree.
    const rearmData = async (path: string): Promise<void> => {
      try {
        const c = await this.session();
        await call((cb) => c.getData(path, fire, cb), [zk.Exception.NO_NODE]);
        if (!closed) onChange([path]);
      } catch (err) {
        onError?.(err as Error);
        void rearm.trigger();
      }
    };
    const rearm = new CoalescingLoop(async () => {
      try {
        await arm();
        backoff.succeeded();
        if (!closed) onChange();
      } catch (err) {
        onError?.(err as Error);
        backoff.failed();
        if (!closed) setTimeout(fire, backoff.next());
      }
    });
    function fire(event?: zk.Event): void {
      if (closed) return;
      if (event?.getType() === zk.Event.NODE_DATA_CHANGED) void rearmData(event.getPath());
      else void rearm.trigger();
    }
    await arm().catch((err: Error) => {
      onError?.(err);
      setTimeout(fire, 100);
    });
    // After a disconnect the session may have lost events: re-arm and signal on reconnect
    // (of this client or of the one that replaced it).
    const onConnected = () => fire();
    this.reconnected.add(onConnected);
    return {
      close: async () => {
        closed = true;
        this.reconnected.delete(onConnected);
      },
    };
  }

  async close(): Promise<void> {
    try {
      this.client.close();
    } catch {
      // never connected: nothing to release
    }
  }

  private connect(): { client: Client; ready: Promise<void> } {
    const client = zk.createClient(this.connection.servers.join(","), { sessionTimeout: SESSION_TIMEOUT_MS, spinDelay: 200, retries: 2 });
    this.disconnectedSince = undefined;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`zookeeper: no connection to ${this.connection.servers.join(",")} within ${CONNECT_TIMEOUT_MS} ms`)),
        CONNECT_TIMEOUT_MS,
      );
      client.once("connected", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    ready.catch(() => undefined); // reported by the first caller of session()
    client.on("state", (state: zk.State) => this.onState(client, state));
    client.connect();
    return { client, ready };
  }

  private onState(client: Client, state: zk.State): void {
    if (client !== this.client) return; // a replaced client's last words
    if (state === zk.State.SYNC_CONNECTED) {
      this.disconnectedSince = undefined;
      for (const listener of this.reconnected) listener();
    } else if (state === zk.State.DISCONNECTED) {
      this.disconnectedSince ??= Date.now();
    } else if (state === zk.State.EXPIRED) {
      this.renew(); // an expired session never comes back
    }
  }

  /** Closes the current client and opens a new session for the next call. */
  private renew(): void {
    const old = this.client;
    ({ client: this.client, ready: this.ready } = this.connect());
    try {
      old.close();
    } catch {
      // never connected: nothing to release
    }
  }

  /**
   * The client to call. A client that never connected, or has been disconnected for longer
   * than its session can live, is replaced: the old one may keep queueing calls without end.
   */
  private async session(): Promise<Client> {
    const ready = this.ready;
    const stale = this.disconnectedSince !== undefined && Date.now() - this.disconnectedSince > SESSION_TIMEOUT_MS;
    // Concurrent callers renew once: only while the client they saw is still the current one.
    if ((stale || (await settled(ready)) === "rejected") && this.ready === ready) this.renew();
    await this.ready;
    return this.client;
  }
}

async function settled(p: Promise<void>): Promise<"fulfilled" | "rejected"> {
  return p.then(
    () => "fulfilled",
    () => "rejected",
  );
}

function revisionOf(stat: zk.Stat): string {
  return `${stat.czxid.toString("hex")}.${stat.version}`;
}

function parentOf(key: string): string {
  const i = key.lastIndexOf("/");
  return i <= 0 ? "/" : key.slice(0, i);
}

/** How long one call may wait; the client queues calls while disconnected, without limit. */
const CALL_TIMEOUT_MS = 5000;

/**
 * Promisifies a node-zookeeper-client call. Errors whose code is in `tolerated` resolve to
 * undefined (NO_NODE on a read means "absent", not failure).
 */
function call<T extends unknown[] = unknown[]>(
  fn: (cb: (err: Error | zk.Exception | null, ...rest: unknown[]) => void) => void,
  tolerated: number[] = [],
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`zookeeper: no answer within ${CALL_TIMEOUT_MS} ms (disconnected?)`)), CALL_TIMEOUT_MS);
    fn((err, ...rest) => {
      clearTimeout(timer);
      if (!err) return resolve(rest as T);
      const code = "getCode" in err ? err.getCode() : undefined;
      if (code !== undefined && tolerated.includes(code)) return resolve(undefined);
      reject(new Error(`zookeeper: ${"message" in err ? err.message : String(err)}`));
    });
  });
}
