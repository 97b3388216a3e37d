/** The store contract against the real servers of the test bed. */
import { EtcdStore, ZooKeeperStore } from "../../../packages/provider/src/store";
import { storeContract } from "../../support/store-contract";
import { requireServices, testbedEnv } from "../../support/testbed";

jest.setTimeout(30_000);
beforeAll(() => requireServices("etcd", "zookeeper"));

storeContract("etcd", () => new EtcdStore({ kind: "etcd", endpoints: [testbedEnv().VAMP_ETCD_ENDPOINT] }));
storeContract("zookeeper", () => new ZooKeeperStore({ kind: "zookeeper", servers: [testbedEnv().VAMP_ZK_ENDPOINT] }));
