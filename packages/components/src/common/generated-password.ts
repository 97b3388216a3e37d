import * as pulumi from "@pulumi/pulumi";

/**
 * A random password generated once at create and kept as a secret: the `random` provider's
 * plugin is not needed, and the value never leaves the state file unencrypted.
 */
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { length: number }) {
    // Required here, not captured: the serialized provider stays a few lines long.
    const { randomBytes, randomUUID } = require("node:crypto") as typeof import("node:crypto");
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const bytes = randomBytes(inputs.length);
    const value = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
    return { id: randomUUID(), outs: { length: inputs.length, value } };
  },
  async diff(_id: string, olds: { length: number }, news: { length: number }) {
    const replace = olds.length !== news.length;
    return { changes: replace, replaces: replace ? ["length"] : [] };
  },
};

/**
 * @example
 * const pw = new GeneratedPassword("db-user", { length: 32 });
 * new mysql.User("u", { user: "vamp", plaintextPassword: pw.value });
 */
export class GeneratedPassword extends pulumi.dynamic.Resource {
  declare public readonly value: pulumi.Output<string>;

  constructor(name: string, args: { length?: number } = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { length: args.length ?? 32, value: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["value"] }),
      "vamp",
      "GeneratedPassword",
    );
  }
}
