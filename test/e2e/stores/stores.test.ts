/** The store contract against the real servers of the test bed. */
import { EtcdStore, VaultStore, ZooKeeperStore } from "../../../packages/provider/src/store";
import { storeContract } from "../../support/store-contract";
import { requireServices, testbedEnv, vaultToken } from "../../support/testbed";

jest.setTimeout(30_000);
beforeAll(() => requireServices("etcd", "zookeeper", "vault"));

storeContract("etcd", () => new EtcdStore({ kind: "etcd", endpoints: [testbedEnv().VAMP_ETCD_ENDPOINT] }));
storeContract("zookeeper", () => new ZooKeeperStore({ kind: "zookeeper", servers: [testbedEnv().VAMP_ZK_ENDPOINT] }));
storeContract("vault", () => new VaultStore({ kind: "vault", address: testbedEnv().VAMP_VAULT_ADDR, pollIntervalMs: 100 }, { token: vaultToken() }));
