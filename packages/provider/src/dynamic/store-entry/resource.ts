import * as pulumi from "@pulumi/pulumi";
import type { StoreConnection } from "../../store/connection";
import { secretCredentials, type StoreCredentialsArgs } from "../credentials";
import { delegatingProvider } from "../delegate";

export type { StoreCredentialsArgs } from "../credentials";

/** Arguments of {@link StoreEntry}. */
export interface StoreEntryArgs {
  /** Where the entry lives, e.g. `{ kind: "etcd", endpoints: ["http://127.0.0.1:2379"] }`. */
  store: pulumi.Input<StoreConnection>;
  /** Credentials for the store; kept secret in the state file. */
  credentials?: pulumi.Input<StoreCredentialsArgs>;
  /** Absolute key, e.g. `/vamp/acme/dev/settings`. Changing it replaces the entry. */
  key: pulumi.Input<string>;
  /** The value to hold. */
  value: pulumi.Input<string>;
}

const provider = delegatingProvider("dist/dynamic/store-entry/handlers");

/**
 * One value at one key of a key-value store, owned by the stack: created on `up`, compared on
 * `refresh` (drift shows as a diff), compare-and-swap on update, removed on `destroy`.
 *
 * @example
 * import { StoreEntry } from "@vamp-pulumi/provider";
 * new StoreEntry("release-note", {
 *   store: { kind: "etcd", endpoints: ["http://127.0.0.1:2379"] },
 *   key: "/vamp/acme/dev/notes/release",
 *   value: "canary of 1.1 starts at 10%",
 * });
 */
export class StoreEntry extends pulumi.dynamic.Resource {
  declare public readonly key: pulumi.Output<string>;
  declare public readonly value: pulumi.Output<string>;
  /** The store's revision of the entry as last written or read. */
  declare public readonly revision: pulumi.Output<string>;

  constructor(name: string, args: StoreEntryArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { revision: undefined, ...args, credentials: secretCredentials(args.credentials) },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials"] }),
      "vamp",
      "StoreEntry",
    );
  }
}
