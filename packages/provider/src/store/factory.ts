import type { StoreConnection, StoreCredentials } from "./connection";
import { ConsulStore } from "./consul";
import { EtcdStore } from "./etcd";
import type { KeyValueStore } from "./types";
import { VaultStore } from "./vault";
import { ZooKeeperStore } from "./zookeeper";

/**
 * Opens the store a connection names. Unknown kinds throw: a silent fallback would write
 * gateways where no agent reads them.
 *
 * @example
 * const store = openStore({ kind: "etcd", endpoints: ["http://127.0.0.1:2379"] });
 * try { await store.put("/vamp/acme/dev/x", "1"); } finally { await store.close(); }
 */
export function openStore(connection: StoreConnection, credentials: StoreCredentials = {}): KeyValueStore {
  switch (connection.kind) {
    case "etcd":
      return new EtcdStore(connection, credentials);
    case "zookeeper":
      return new ZooKeeperStore(connection);
    case "vault":
      return new VaultStore(connection, credentials);
    case "consul":
      return new ConsulStore(connection, credentials);
    default:
      throw new Error(`unknown store kind ${JSON.stringify((connection as { kind: unknown }).kind)}`);
  }
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(
  connection: StoreConnection,
  credentials: StoreCredentials | undefined,
  fn: (store: KeyValueStore) => Promise<T>,
): Promise<T> {
  const store = openStore(connection, credentials);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
