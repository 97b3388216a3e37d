/**
 * How to reach a key-value store: the one typed argument every dynamic resource and the agent
 * take. Plain data only (it is serialized into Pulumi state and into agent configuration);
 * credentials live in {@link StoreCredentials} so they can be kept secret on their own.
 */
import * as fs from "node:fs";
import type { Problem } from "../model/problem";

/** TLS towards a store: whom to trust, and (etcd) the client certificate for mutual TLS. */
export interface StoreTls {
  /** PEM of the CA that signed the server's certificate; omitted: the system's CAs. */
  ca?: string;
  /** PEM client certificate (etcd mutual TLS); its private key goes in `credentials.tlsKey`, a secret. */
  cert?: string;
}

/** etcd v3 over gRPC. */
export interface EtcdConnection {
  kind: "etcd";
  /** Client URLs, e.g. `["https://etcd.vamp:2379"]` (`http://` only without `tls`). */
  endpoints: string[];
  tls?: StoreTls;
}

/** ZooKeeper 3.5+. */
export interface ZooKeeperConnection {
  kind: "zookeeper";
  /** `host:port` of each server, e.g. `["127.0.0.1:2181"]`. */
  servers: string[];
}

/** Vault KV v2; the token comes as a credential (a Pulumi secret). */
export interface VaultConnection {
  kind: "vault";
  /** Vault's address, e.g. `"https://vault.example.com:8200"`. */
  address: string;
  /** The KV v2 mount; default `secret`. */
  mount?: string;
  /** Vault cannot watch: how often the agent polls, ms (default 1000). */
  pollIntervalMs?: number;
  /** Whom to trust for an `https://` address (a private CA); omitted: the system's CAs. */
  tls?: Pick<StoreTls, "ca">;
}

/** Consul's KV store; the ACL token comes as a credential (a Pulumi secret). */
export interface ConsulConnection {
  kind: "consul";
  /** Consul's HTTP address, e.g. `"https://consul.example.com:8501"`. */
  address: string;
  /** The datacenter to use; default the agent's own. */
  datacenter?: string;
  /** Whom to trust for an `https://` address (a private CA); omitted: the system's CAs. */
  tls?: Pick<StoreTls, "ca">;
}

/** The connection of any supported store. */
export type StoreConnection = EtcdConnection | ZooKeeperConnection | VaultConnection | ConsulConnection;

/** Credentials, passed as Pulumi secrets and never written in plain text. */
export interface StoreCredentials {
  username?: string;
  password?: string;
  token?: string;
  /** PEM private key of `tls.cert` (etcd mutual TLS). */
  tlsKey?: string;
}

export const STORE_KINDS = ["etcd", "zookeeper", "vault", "consul"] as const;

const LIST_FIELD: Record<"etcd" | "zookeeper", { field: string; pattern: RegExp; example: string }> = {
  etcd: { field: "endpoints", pattern: /^https?:\/\/[^/\s]+$/, example: "http://127.0.0.1:2379" },
  zookeeper: { field: "servers", pattern: /^[^\s/:]+:\d{1,5}$/, example: "127.0.0.1:2181" },
};

/**
 * Checks a connection given as untyped input (a Pulumi program may pass anything).
 *
 * @example
 * validateStoreConnection({ kind: "etcd", endpoints: ["http://127.0.0.1:2379"] }, "store"); // []
 */
export function validateStoreConnection(value: unknown, path: string): Problem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ source: "", path, message: `must be an object such as { kind: "etcd", endpoints: [...] }, got ${JSON.stringify(value)}` }];
  }
  const v = value as Record<string, unknown>;
  if (!STORE_KINDS.includes(v.kind as (typeof STORE_KINDS)[number])) {
    return [{ source: "", path: `${path}.kind`, message: `unknown store kind ${JSON.stringify(v.kind)}; supported: ${STORE_KINDS.join(", ")}` }];
  }
  if (v.kind === "vault") return validateVault(v, path);
  if (v.kind === "consul") return validateConsul(v, path);
  const { field, pattern, example } = LIST_FIELD[v.kind as "etcd" | "zookeeper"];
  const problems: Problem[] = [];
  const known = v.kind === "etcd" ? ["kind", field, "tls"] : ["kind", field];
  for (const key of Object.keys(v)) {
    if (!known.includes(key))
      problems.push({
        source: "",
        path: `${path}.${key}`,
        message: `unknown field for a ${v.kind} store (expected ${known.join(", ")})${key === "tls" ? "; the ZooKeeper client has no TLS" : ""}`,
      });
  }
  if (v.kind === "etcd" && v.tls !== undefined) {
    problems.push(...validateTls(v.tls, `${path}.tls`, ["ca", "cert"]));
    if (Array.isArray(v.endpoints) && v.endpoints.some((e) => typeof e === "string" && e.startsWith("http://"))) {
      problems.push({ source: "", path: `${path}.endpoints`, message: `must be https:// URLs when tls is set, got ${JSON.stringify(v.endpoints)}` });
    }
  }
  const list = v[field];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ source: "", path: `${path}.${field}`, message: `must list at least one address such as "${example}", got ${JSON.stringify(list)}` });
  } else {
    list.forEach((e, i) => {
      if (typeof e !== "string" || !pattern.test(e)) {
        problems.push({ source: "", path: `${path}.${field}[${i}]`, message: `must look like "${example}", got ${JSON.stringify(e)}` });
      }
    });
  }
  return problems;
}

const PEM = /^-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----\s*$/;

function validateTls(tls: unknown, path: string, fields: string[]): Problem[] {
  if (typeof tls !== "object" || tls === null || Array.isArray(tls))
    return [{ source: "", path, message: `must be an object { ${fields.join(", ")} }, got ${JSON.stringify(tls)}` }];
  const out: Problem[] = [];
  for (const [k, val] of Object.entries(tls)) {
    if (!fields.includes(k)) out.push({ source: "", path: `${path}.${k}`, message: `unknown field (expected ${fields.join(", ")})` });
    // A PEM is not secret, but quote only its start: an error message is no place for a certificate.
    else if (typeof val !== "string" || !PEM.test(val))
      out.push({
        source: "",
        path: `${path}.${k}`,
        message: `must be a PEM certificate ("-----BEGIN CERTIFICATE-----..."), got ${JSON.stringify(String(val).slice(0, 24))}`,
      });
  }
  return out;
}

/** What the HTTP stores (Vault, Consul) share: known fields, an address, optional TLS with a CA. */
function validateHttpStore(v: Record<string, unknown>, path: string, known: string[], example: string): Problem[] {
  const problems: Problem[] = [];
  const p = (field: string, message: string) => problems.push({ source: "", path: `${path}.${field}`, message });
  for (const key of Object.keys(v)) if (!known.includes(key)) p(key, `unknown field for a ${String(v.kind)} store (expected ${known.join(", ")})`);
  if (v.tls !== undefined) {
    problems.push(...validateTls(v.tls, `${path}.tls`, ["ca"]));
    if (typeof v.address === "string" && v.address.startsWith("http://"))
      p("address", `must be an https:// URL when tls is set, got ${JSON.stringify(v.address)}`);
  }
  if (typeof v.address !== "string" || !/^https?:\/\/[^/\s]+\/?$/.test(v.address))
    p("address", `must be a URL like "${example}", got ${JSON.stringify(v.address)}`);
  return problems;
}

function validateVault(v: Record<string, unknown>, path: string): Problem[] {
  const problems = validateHttpStore(v, path, ["kind", "address", "mount", "pollIntervalMs", "tls"], "https://vault:8200");
  if (v.mount !== undefined && (typeof v.mount !== "string" || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(v.mount))) {
    problems.push({ source: "", path: `${path}.mount`, message: `must be a mount path like "secret", got ${JSON.stringify(v.mount)}` });
  }
  if (v.pollIntervalMs !== undefined && (typeof v.pollIntervalMs !== "number" || v.pollIntervalMs < 50)) {
    problems.push({ source: "", path: `${path}.pollIntervalMs`, message: `must be a number of milliseconds >= 50, got ${JSON.stringify(v.pollIntervalMs)}` });
  }
  return problems;
}

function validateConsul(v: Record<string, unknown>, path: string): Problem[] {
  const problems = validateHttpStore(v, path, ["kind", "address", "datacenter", "tls"], "https://consul:8501");
  if (v.datacenter !== undefined && (typeof v.datacenter !== "string" || !/^[A-Za-z0-9_-]+$/.test(v.datacenter))) {
    problems.push({ source: "", path: `${path}.datacenter`, message: `must be a datacenter name like "dc1", got ${JSON.stringify(v.datacenter)}` });
  }
  return problems;
}

/** Credentials from the environment. */
export function storeCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreCredentials {
  const keyFile = env.VAMP_STORE_TLS_KEY_FILE;
  return {
    username: env.VAMP_STORE_USERNAME,
    password: env.VAMP_STORE_PASSWORD,
    token: env.VAMP_STORE_TOKEN,
    tlsKey: keyFile ? fs.readFileSync(keyFile, "utf8") : undefined,
  };
}
