export * from "./types";
export * from "./connection";
export { EtcdStore } from "./etcd";
export { openStore, withStore } from "./factory";
export { ZooKeeperStore } from "./zookeeper";
export { MemoryStore } from "./memory";
export { VaultStore } from "./vault";
export { updateEntry, type EntryChange, type UpdateOptions } from "./update";
