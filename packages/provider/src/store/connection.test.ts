import { validateStoreConnection } from "./connection";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("validateStoreConnection", () => {
  it("accepts each kind in its plain and TLS forms", () => {
    expect(validateStoreConnection({ kind: "etcd", endpoints: ["http://127.0.0.1:2379"] }, "store")).toEqual([]);
    expect(validateStoreConnection({ kind: "etcd", endpoints: ["https://etcd:2379"], tls: { ca: PEM, cert: PEM } }, "store")).toEqual([]);
    expect(validateStoreConnection({ kind: "zookeeper", servers: ["zk:2181"] }, "store")).toEqual([]);
    expect(validateStoreConnection({ kind: "vault", address: "https://vault:8200", tls: { ca: PEM } }, "store")).toEqual([]);
  });

  it("names the field, the value and the reason", () => {
    expect(validateStoreConnection({ kind: "etcd", endpoints: ["http://etcd:2379"], tls: { ca: PEM } }, "store")).toEqual([
      { source: "", path: "store.endpoints", message: 'must be https:// URLs when tls is set, got ["http://etcd:2379"]' },
    ]);
    expect(validateStoreConnection({ kind: "etcd", endpoints: ["https://etcd:2379"], tls: { ca: "not a pem", key: PEM } }, "store").map((p) => p.path)).toEqual(
      ["store.tls.ca", "store.tls.key"],
    );
    expect(validateStoreConnection({ kind: "zookeeper", servers: ["zk:2181"], tls: {} }, "store")[0].message).toMatch(
      /unknown field .*the ZooKeeper client has no TLS/,
    );
    expect(validateStoreConnection({ kind: "redis" }, "store")).toEqual([
      { source: "", path: "store.kind", message: 'unknown store kind "redis"; supported: etcd, zookeeper, vault, consul' },
    ]);
    expect(validateStoreConnection({ kind: "consul" }, "store")).toEqual([
      { source: "", path: "store.address", message: 'must be a URL like "https://consul:8501", got undefined' },
    ]);
    expect(validateStoreConnection({ kind: "consul", address: "http://consul:8500", datacenter: "dc 1", acl: "x" }, "store").map((p) => p.path)).toEqual([
      "store.acl",
      "store.datacenter",
    ]);
    expect(validateStoreConnection({ kind: "consul", address: "https://consul:8501", datacenter: "dc1", tls: { ca: PEM } }, "store")).toEqual([]);
    expect(validateStoreConnection({ kind: "vault", address: "http://vault:8200", tls: { ca: PEM } }, "store")[0].path).toBe("store.address");
  });
});
