/** The store contract against the real servers of the test bed. */
import { ConsulStore, EtcdStore, VaultStore, ZooKeeperStore } from "../../../packages/provider/src/store";
import { storeContract } from "../../support/store-contract";
import { consulToken, requireServices, testbedEnv, vaultToken } from "../../support/testbed";

jest.setTimeout(30_000);
beforeAll(() => requireServices("etcd", "zookeeper", "vault", "consul"));

storeContract("etcd", () => new EtcdStore({ kind: "etcd", endpoints: [testbedEnv().VAMP_ETCD_ENDPOINT] }));
storeContract("zookeeper", () => new ZooKeeperStore({ kind: "zookeeper", servers: [testbedEnv().VAMP_ZK_ENDPOINT] }));
storeContract("vault", () => new VaultStore({ kind: "vault", address: testbedEnv().VAMP_VAULT_ADDR, pollIntervalMs: 100 }, { token: vaultToken() }));
storeContract("consul", () => new ConsulStore({ kind: "consul", address: testbedEnv().VAMP_CONSUL_ADDR }, { token: consulToken() }));

describe("consul ACLs", () => {
  it("refuses a client without a token, naming the request and not the token", async () => {
    const store = new ConsulStore({ kind: "consul", address: testbedEnv().VAMP_CONSUL_ADDR }, { token: "00000000-0000-0000-0000-000000000000" });
    await expect(store.put("/vamp-contract/acl", "x")).rejects.toThrow(/^consul PUT \/vamp-contract\/acl: HTTP 403/);
    await expect(store.get("/vamp-contract/acl")).rejects.toThrow(/HTTP 403/);
    // Consul answers a list the token may not read as if it were empty; the adapter must not
    // take that for "no gateways" (an agent would stop serving them all).
    const admin = new ConsulStore({ kind: "consul", address: testbedEnv().VAMP_CONSUL_ADDR }, { token: consulToken() });
    const dir = `/vamp-contract/acl${Date.now()}`;
    await admin.put(`${dir}/g`, "x");
    const anonymous = new ConsulStore({ kind: "consul", address: testbedEnv().VAMP_CONSUL_ADDR });
    await expect(anonymous.list(dir)).rejects.toThrow(new RegExp(`^consul GET ${dir}: HTTP 403`));
    expect((await admin.list(dir)).map((e) => e.key)).toEqual([`${dir}/g`]);
    await admin.delete(`${dir}/g`);
    expect(await admin.list(dir)).toEqual([]);
  });
});
