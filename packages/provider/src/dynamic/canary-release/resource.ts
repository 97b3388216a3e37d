import * as pulumi from "@pulumi/pulumi";
import type { CanarySpec } from "../../model/canary";
import type { ReleaseDriver } from "../../model/release";
import type { StoreConnection } from "../../store/connection";
import { secretCredentials, secretEvents, type EventsArgs, type StoreCredentialsArgs } from "../credentials";
import { delegatingProvider } from "../delegate";

/** Arguments of {@link CanaryRelease}: where the gateway lives, and the release ({@link CanarySpec}). */
export type CanaryReleaseArgs = { [K in keyof CanarySpec]: pulumi.Input<CanarySpec[K]> } & {
  store: pulumi.Input<StoreConnection>;
  credentials?: pulumi.Input<StoreCredentialsArgs>;
  /** The management region's search cluster: every step's report is kept there as an event. */
  events?: pulumi.Input<EventsArgs>;
  /** The environment's search cluster, where the gateway agents ship the access logs: needed by `analysis.logs`. */
  logs?: pulumi.Input<EventsArgs>;
  organization: pulumi.Input<string>;
  environment: pulumi.Input<string>;
  /** The release's name in the store (`vamp release status NAME`); default the resource's name. */
  releaseName?: pulumi.Input<string>;
  /** `pulumi` (default): this `up` drives the release and waits for its end; `cluster`: the workflow agent does. */
  driver?: pulumi.Input<ReleaseDriver>;
};

const provider = delegatingProvider("dist/dynamic/canary-release/handlers");
const TYPE = "pulumi-nodejs:dynamic/vamp:CanaryRelease";

/**
 * A canary release of a gateway: moves traffic from the `stable` route to the `canary` route in
 * steps, each held for `interval` and judged on the two routes' live metrics (errors: a
 * sequential test against stable; latency: a rank test), never on too little traffic. Inside
 * `pulumi up` it prints each step and decision; a rollback puts stable back at 100%, waits until
 * every agent confirms the canary drained, and fails the update with the reason, so the stack
 * keeps the stable version and the next `up` tries again. Ctrl-C rolls back to stable at once;
 * if the process dies, its lease lapses and the workflow agent rolls back.
 *
 * @example
 * import { CanaryRelease } from "@vamp-pulumi/provider";
 * new CanaryRelease("shop-1-1-0", {
 *   store, organization: "acme", environment: "prod",
 *   gateway: "shop", stable: "v1.0.0", canary: "v1.1.0",
 *   steps: { increment: 20 }, interval: "30s", minSamples: 50,
 * });
 */
export class CanaryRelease extends pulumi.dynamic.Resource {
  /** `promoted` after a successful release (`handed-over` when the workflow agent drives it). */
  declare public readonly phase: pulumi.Output<"promoted" | "progressing" | "rolledback" | "handed-over">;
  /** The two routes' weights the release left. */
  declare public readonly weights: pulumi.Output<{ stable: number; canary: number } | undefined>;
  /** Why it ended as it did. */
  declare public readonly reason: pulumi.Output<string | undefined>;
  declare public readonly releaseName: pulumi.Output<string>;

  constructor(name: string, args: CanaryReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        phase: undefined,
        weights: undefined,
        reason: undefined,
        releaseName: name,
        ...args,
        credentials: secretCredentials(args.credentials),
        events: secretEvents(args.events),
        logs: secretEvents(args.logs),
        resourceUrn: pulumi.createUrn(name, TYPE, opts?.parent),
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials", "events", "logs"] }),
      "vamp",
      "CanaryRelease",
    );
  }
}
