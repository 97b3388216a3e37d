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

/** The connection of any supported store; more kinds join this union as adapters land. */
export type StoreConnection = EtcdConnection;

/** Credentials, passed as Pulumi secrets and never written in plain text. */
export interface StoreCredentials {
  username?: string;
  password?: string;
  token?: string;
}

export const STORE_KINDS = ["etcd"] as const;

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
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(v)) {
    if (!["kind", "endpoints"].includes(key)) problems.push({ path: `${path}.${key}`, message: `unknown field for an ${v.kind} store` });
  }
  if (!Array.isArray(v.endpoints) || v.endpoints.length === 0) {
    problems.push({ path: `${path}.endpoints`, message: `must list at least one URL such as "http://127.0.0.1:2379", got ${JSON.stringify(v.endpoints)}` });
  } else {
    v.endpoints.forEach((e, i) => {
      if (typeof e !== "string" || !/^https?:\/\/[^/\s]+$/.test(e)) {
        problems.push({ path: `${path}.endpoints[${i}]`, message: `must be a URL like "http://host:2379", got ${JSON.stringify(e)}` });
      }
    });
  }
  return problems;
}
