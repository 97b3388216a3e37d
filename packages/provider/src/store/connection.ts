/**
 * How to reach a key-value store: the one typed argument every dynamic resource and the agent
 * take. Plain data only (it is serialized into Pulumi state and into agent configuration);
 * credentials live in {@link StoreCredentials} so they can be kept secret on their own.
 */

/** etcd v3 over gRPC. */
export interface EtcdConnection {
  kind: "etcd";
  /** Client URLs, e.g. `["http://127.0.0.1:2379"]`. */
  endpoints: string[];
}

/** ZooKeeper 3.5+. */
export interface ZooKeeperConnection {
  kind: "zookeeper";
  /** `host:port` of each server, e.g. `["127.0.0.1:2181"]`. */
  servers: string[];
}

/** The connection of any supported store; more kinds join this union as adapters land. */
export type StoreConnection = EtcdConnection | ZooKeeperConnection;

/** Credentials, passed as Pulumi secrets and never written in plain text. */
export interface StoreCredentials {
  username?: string;
  password?: string;
  token?: string;
}

export const STORE_KINDS = ["etcd", "zookeeper"] as const;

const LIST_FIELD: Record<(typeof STORE_KINDS)[number], { field: string; pattern: RegExp; example: string }> = {
  etcd: { field: "endpoints", pattern: /^https?:\/\/[^/\s]+$/, example: "http://127.0.0.1:2379" },
  zookeeper: { field: "servers", pattern: /^[^\s/:]+:\d{1,5}$/, example: "127.0.0.1:2181" },
};

/** A problem with one field of a connection: the path names the field. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * Checks a connection given as untyped input (a Pulumi program may pass anything).
 *
 * @example
 * validateStoreConnection({ kind: "etcd", endpoints: ["http://127.0.0.1:2379"] }, "store"); // []
 */
export function validateStoreConnection(value: unknown, path: string): FieldProblem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ path, message: `must be an object such as { kind: "etcd", endpoints: [...] }, got ${JSON.stringify(value)}` }];
  }
  const v = value as Record<string, unknown>;
  if (!STORE_KINDS.includes(v.kind as (typeof STORE_KINDS)[number])) {
    return [{ path: `${path}.kind`, message: `unknown store kind ${JSON.stringify(v.kind)}; supported: ${STORE_KINDS.join(", ")}` }];
  }
  const { field, pattern, example } = LIST_FIELD[v.kind as (typeof STORE_KINDS)[number]];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(v)) {
    if (!["kind", field].includes(key)) problems.push({ path: `${path}.${key}`, message: `unknown field for a ${v.kind} store (expected kind, ${field})` });
  }
  const list = v[field];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path: `${path}.${field}`, message: `must list at least one address such as "${example}", got ${JSON.stringify(list)}` });
  } else {
    list.forEach((e, i) => {
      if (typeof e !== "string" || !pattern.test(e)) {
        problems.push({ path: `${path}.${field}[${i}]`, message: `must look like "${example}", got ${JSON.stringify(e)}` });
      }
    });
  }
  return problems;
}
