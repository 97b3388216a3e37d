import * as pulumi from "@pulumi/pulumi";
import type { EventKind } from "../../events/changes";
import { secretEvents, type EventsArgs } from "../credentials";
import { delegatingProvider } from "../delegate";

/** Arguments of {@link ArtifactEvents}. */
export interface ArtifactEventsArgs {
  kind: pulumi.Input<EventKind>;
  artifactName: pulumi.Input<string>;
  organization: pulumi.Input<string>;
  environment: pulumi.Input<string>;
  /** What the artifact is now; a change of it is an `archive:update`. */
  content: pulumi.Input<unknown>;
  /** The management region's search cluster (kept secret in the state). */
  events: pulumi.Input<EventsArgs>;
}

const provider = delegatingProvider("dist/dynamic/artifact-events/handlers");

/**
 * The audit trail of an artifact that is not itself a record in the store (a deployment, a
 * breed, a blueprint): its create, update and delete leave Vamp's `archive:*` events, tagged
 * `<kind>:<name>`. Emitting never fails the update: what could not be written is in `eventsMissed`.
 *
 * @example
 * new ArtifactEvents("sava-events", { kind: "deployments", artifactName: "sava", organization: "acme", environment: "prod", content: blueprint, events: { url: "http://search-us:9200" } });
 */
export class ArtifactEvents extends pulumi.dynamic.Resource {
  /** Events that could not be written, with why (absent when all were). */
  declare public readonly eventsMissed: pulumi.Output<{ tags: string[]; type: string; error: string }[] | undefined>;

  constructor(name: string, args: ArtifactEventsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, events: secretEvents(args.events), eventsMissed: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["events"] }),
      "vamp",
      "ArtifactEvents",
    );
  }
}
