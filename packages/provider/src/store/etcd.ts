import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, type IBackoff } from "cockatiel";
import { Etcd3, isRecoverableError } from "etcd3";
import type { EtcdConnection, StoreCredentials } from "./connection";
import { ExpectedRevision, KeyValueStore, KvEntry, RevisionConflictError, type StoreWatch } from "./types";

/** etcd v3 adapter: revisions are the keys' mod_revision; CAS through etcd transactions. */
export class EtcdStore implements KeyValueStore {
  private readonly client: Etcd3;

  constructor(connection: EtcdConnection, credentials: StoreCredentials = {}) {
    this.client = new Etcd3({
      hosts: connection.endpoints,
      auth: credentials.username && credentials.password ? { username: credentials.username, password: credentials.password } : undefined,
      // https:// endpoints without a CA or client certificate use the system's CAs (etcd3's default).
      credentials:
        connection.tls?.ca || connection.tls?.cert
          ? {
              // grpc takes null for "the system's CAs".
              rootCertificate: (connection.tls.ca ? Buffer.from(connection.tls.ca) : null) as Buffer,
              ...(connection.tls.cert ? { certChain: Buffer.from(connection.tls.cert), privateKey: Buffer.from(credentials.tlsKey ?? "") } : {}),
            }
          : undefined,
      // Fail fast: a provider call or an agent loop must not hang on a dead endpoint.
      defaultCallOptions: () => ({ deadline: Date.now() + 5000 }),
      // etcd3's defaults keep a failed host out for 5 s and back watches off up to 30 s; an
      // agent must converge within a second or two of the store's return.
      faultHandling: {
        host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 500, breaker: new ConsecutiveBreaker(3) }),
        // etcd3 types this as IBackoff but uses it as a factory, which ExponentialBackoff is.
        watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }) as unknown as IBackoff<unknown>,
      },
    });
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const res = await this.client.get(key).exec();
    const kv = res.kvs[0];
    return kv ? { key, value: kv.value.toString(), revision: String(kv.mod_revision) } : undefined;
  }

  async list(dir: string): Promise<KvEntry[]> {
    const res = await this.client.getAll().prefix(`${dir}/`).exec();
    return res.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), revision: String(kv.mod_revision) }));
  }

  async put(key: string, value: string, expect?: ExpectedRevision): Promise<string> {
    if (expect === undefined) {
      const res = await this.client.put(key).value(value).exec();
      return String(res.header.revision);
    }
    const txn = this.guard(key, expect).then(this.client.put(key).value(value));
    const res = await txn.commit();
    if (!res.succeeded) throw await this.conflict(key, expect);
    return String(res.header.revision);
  }

  async delete(key: string, expect?: ExpectedRevision): Promise<boolean> {
    if (expect === undefined) {
      const res = await this.client.delete().key(key).exec();
      return Number(res.deleted) > 0;
    }
    const res = await this.guard(key, expect).then(this.client.delete().key(key)).commit();
    if (!res.succeeded) throw await this.conflict(key, expect);
    return expect !== null;
  }

  async watch(dir: string, onChange: (keys?: string[]) => void, onError?: (err: Error) => void): Promise<StoreWatch> {
    // etcd3's watcher reconnects by itself and resumes from the last revision it saw;
    // "connected" after a disconnect means we may have missed events, so signal a full re-read.
    // Each event names its key, so a change of one record is a read of one key.
    const watcher = await this.client.watch().prefix(`${dir}/`).create();
    let lost = false;
    watcher.on("put", (kv) => onChange([kv.key.toString()]));
    watcher.on("delete", (kv) => onChange([kv.key.toString()]));
    watcher.on("disconnected", () => {
      lost = true;
    });
    watcher.on("connected", () => {
      if (lost) {
        lost = false;
        onChange();
      }
    });
    watcher.on("error", (err: Error) => onError?.(err));
    return { close: () => watcher.cancel() };
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private guard(key: string, expect: string | null) {
    return expect === null ? this.client.if(key, "Create", "==", 0) : this.client.if(key, "Mod", "==", Number(expect));
  }

  private async conflict(key: string, expect: string | null): Promise<RevisionConflictError> {
    const now = await this.get(key);
    return new RevisionConflictError(key, expect, now ? now.revision : null);
  }
}
