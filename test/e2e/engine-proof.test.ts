/**
 * Proof of the engine: the real Pulumi CLI, the v3.68 Node.js language host and npm
 * @pulumi/pulumi 3.259 drive a dynamic resource of ours, imported the way a user's program does,
 * against a real etcd. Catches serialization mistakes in dynamic providers and breaks in the
 * CLI / language-host pairing. Every later provider follows this pattern.
 */
import * as path from "node:path";
import { EtcdStore } from "../../packages/provider/src/store/etcd";
import { newTestStack, stateFileText, type TestStack } from "../support/pulumi";
import { etcdEndpoint, requireServices } from "../support/testbed";

jest.setTimeout(300_000);

const program = path.join(__dirname, "programs", "store-entry");
const STORE_TOKEN = "s3cr3t-token-that-must-never-show";

describe("real engine: StoreEntry through preview, up, refresh, update, drift, destroy", () => {
  let t: TestStack;
  let etcd: EtcdStore;
  const key = `/vamp/e2e/engine-proof/${Date.now()}`;

  beforeAll(async () => {
    await requireServices("etcd");
    etcd = new EtcdStore({ kind: "etcd", endpoints: [etcdEndpoint()] });
    t = await newTestStack(program, {
      etcdEndpoint: { value: etcdEndpoint() },
      key: { value: key },
      value: { value: "v1" },
      storeToken: { value: STORE_TOKEN, secret: true },
    });
  });

  afterAll(async () => {
    await t?.cleanup();
    await etcd?.delete(key);
    await etcd?.close();
  });

  it("preview plans a create and writes nothing", async () => {
    const res = await t.stack.preview();
    expect(res.changeSummary.create).toBe(2); // the stack and the entry
    expect(await etcd.get(key)).toBeUndefined();
  });

  it("up writes the value to etcd and exports its revision", async () => {
    const res = await t.stack.up();
    expect(res.summary.result).toBe("succeeded");
    const entry = await etcd.get(key);
    expect(entry?.value).toBe("v1");
    expect(res.outputs.revision.value).toBe(entry?.revision);
    expect(res.outputs.key.value).toBe(key);
  });

  it("keeps the store credentials secret in the state file", async () => {
    const state = stateFileText(t).replace(/\s+/g, "");
    expect(state).toContain(key); // the state is readable...
    expect(state).not.toContain(STORE_TOKEN); // ...but the token is only there encrypted
    expect(state).toMatch(/"credentials":\{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":/);
  });

  it("refresh right after up reports no changes", async () => {
    const res = await t.stack.refresh();
    expect(res.summary.resourceChanges?.update ?? 0).toBe(0);
  });

  it("an update changes the value in place (no replace)", async () => {
    await t.stack.setConfig("value", { value: "v2" });
    const preview = await t.stack.preview({ diff: true });
    expect(preview.changeSummary.update).toBe(1);
    expect(preview.changeSummary.replace ?? 0).toBe(0);
    const res = await t.stack.up();
    expect(res.summary.resourceChanges?.update).toBe(1);
    expect((await etcd.get(key))?.value).toBe("v2");
  });

  it("an out-of-band write shows as drift on refresh, and up restores the declared value", async () => {
    await etcd.put(key, "changed-by-hand");
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const up = await t.stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    expect((await etcd.get(key))?.value).toBe("v2");
  });

  it("invalid input fails preview with the field and the bad value, and changes nothing", async () => {
    await t.stack.setConfig("key", { value: "no-leading-slash" });
    await expect(t.stack.preview()).rejects.toThrow(/key.*must be an absolute path.*"no-leading-slash"/s);
    await t.stack.setConfig("key", { value: key });
    expect((await etcd.get(key))?.value).toBe("v2");
  });

  it("destroy removes the key", async () => {
    const res = await t.stack.destroy();
    expect(res.summary.result).toBe("succeeded");
    expect(await etcd.get(key)).toBeUndefined();
  });
});
