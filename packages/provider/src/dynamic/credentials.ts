import * as pulumi from "@pulumi/pulumi";
import type { SearchFlavor } from "../search/client";
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

/** Where a resource's events go: the management region's search cluster. Kept secret in the state (it may hold credentials). */
export type EventsArgs = { url: pulumi.Input<string>; flavor?: pulumi.Input<SearchFlavor> } & {
  [K in "username" | "password" | "apiKey"]?: pulumi.Input<string>;
};

/** The `events` input as a secret, whatever the program passed. */
export function secretEvents(events: pulumi.Input<EventsArgs> | undefined): pulumi.Output<EventsArgs> | undefined {
  return events === undefined ? undefined : pulumi.secret(pulumi.output(events) as pulumi.Output<EventsArgs>);
}
