import * as pulumi from "@pulumi/pulumi";
import type { StoreCredentials } from "../store/connection";

/** {@link StoreCredentials} whose fields may be outputs (e.g. `config.requireSecret("token")`). */
export type StoreCredentialsArgs = { [K in keyof StoreCredentials]?: pulumi.Input<string> };

/**
 * Credentials as a secret input, whatever the program passed: a token given as a plain string
 * must not land in plain text in the state file's inputs either.
 */
export function secretCredentials(credentials: pulumi.Input<StoreCredentialsArgs> | undefined): pulumi.Output<StoreCredentialsArgs> | undefined {
  return credentials === undefined ? undefined : pulumi.secret(pulumi.output(credentials) as pulumi.Output<StoreCredentialsArgs>);
}
