/**
 * The run-time side of {@link StoreEntry}: check, diff, create, read, update, delete against a
 * real key-value store. Loaded by the dynamic-provider host through `require`; plain inputs in,
 * plain outputs out.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Problem } from "../../model/problem";
import { changedFields } from "../../model/stable";
import { validateStoreConnection, type StoreConnection, type StoreCredentials } from "../../store/connection";
import { withStore } from "../../store/factory";
import { checkResult } from "../failures";

export interface StoreEntryInputs {
  store: StoreConnection;
  credentials?: StoreCredentials;
  key: string;
  value: string;
}

export interface StoreEntryOutputs extends StoreEntryInputs {
  /** The store's revision of the entry as last written or read. */
  revision: string;
}

/** Pure validation of untyped resource inputs. */
export function validateStoreEntry(news: Record<string, unknown>): Problem[] {
  const problems = validateStoreConnection(news.store, "store");
  const key = news.key;
  if (typeof key !== "string" || !/^\/[^\s]*[^/\s]$/.test(key) || key.includes("//")) {
    problems.push({
      source: "",
      path: "key",
      message: `must be an absolute path like "/vamp/acme/dev/x" without spaces, "//" or a trailing "/", got ${JSON.stringify(key)}`,
    });
  }
  if (typeof news.value !== "string") {
    problems.push({ source: "", path: "value", message: `must be a string, got ${JSON.stringify(news.value)}` });
  }
  return problems;
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkResult(news, validateStoreEntry(news));
}

export async function diff(_id: string, olds: StoreEntryOutputs, news: StoreEntryInputs): Promise<pulumi.dynamic.DiffResult> {
  const changed = changedFields({ ...olds }, { ...news }, ["store", "key", "value", "credentials"]);
  // A new key or another store is another entry: write the new one, then delete the old.
  const replaces = changed.filter((f) => f === "store" || f === "key");
  return { changes: changed.length > 0, replaces, stables: replaces.length ? [] : ["store", "key"], deleteBeforeReplace: false };
}

export async function create(inputs: StoreEntryInputs): Promise<pulumi.dynamic.CreateResult> {
  return withStore(inputs.store, inputs.credentials, async (store) => {
    const existing = await store.get(inputs.key);
    if (existing && existing.value !== inputs.value) {
      throw new Error(
        `store key ${inputs.key} already holds another value (revision ${existing.revision}); ` + `another stack may own it. Import it or delete it first.`,
      );
    }
    const revision = existing ? existing.revision : await store.put(inputs.key, inputs.value, null);
    const outs: StoreEntryOutputs = { ...inputs, revision };
    return { id: inputs.key, outs };
  });
}

export async function read(id: string, props: StoreEntryOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const entry = await store.get(props.key ?? id);
    if (!entry) return {}; // gone: the engine drops it from state on refresh
    return { id, props: { ...props, value: entry.value, revision: entry.revision } };
  });
}

export async function update(_id: string, olds: StoreEntryOutputs, news: StoreEntryInputs): Promise<pulumi.dynamic.UpdateResult> {
  return withStore(news.store, news.credentials, async (store) => {
    // Compare-and-swap on the revision we last saw: an out-of-band write is reported, not lost.
    const revision = await store.put(news.key, news.value, olds.revision);
    return { outs: { ...news, revision } };
  });
}

async function deleteEntry(_id: string, props: StoreEntryOutputs): Promise<void> {
  await withStore(props.store, props.credentials, async (store) => {
    await store.delete(props.key);
  });
}
export { deleteEntry as delete };
