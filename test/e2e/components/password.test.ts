/**
 * GeneratedPassword, the dynamic provider behind the components' database passwords, through
 * the real engine: a random value of the asked length, kept across ups, encrypted in the state
 * file, regenerated only when its length changes.
 */
import * as path from "node:path";
import { newTestStack, stateFileText, type TestStack } from "../../support/pulumi";

jest.setTimeout(120_000);

describe("GeneratedPassword through the real engine", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await newTestStack(path.join(__dirname, "..", "programs", "password"), { length: { value: "32" } });
  });
  afterAll(async () => {
    await t?.stack.destroy().catch(() => undefined);
    await t?.cleanup();
  });

  it("generates a value of the asked length, secret in the state file, stable across ups", async () => {
    const first = String((await t.stack.up()).outputs.value.value);
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(stateFileText(t)).not.toContain(first);
    const again = await t.stack.up();
    expect(again.summary.resourceChanges?.same).toBeGreaterThanOrEqual(1);
    expect(String(again.outputs.value.value)).toBe(first);
  });

  it("regenerates when the length changes", async () => {
    const before = String((await t.stack.outputs()).value.value);
    await t.stack.setConfig("length", { value: "40" });
    const up = await t.stack.up();
    expect(up.summary.resourceChanges?.replace).toBe(1);
    expect(String(up.outputs.value.value)).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(String(up.outputs.value.value)).not.toBe(before);
  });
});
