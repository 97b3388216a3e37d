import * as pulumi from "@pulumi/pulumi";
import type { StoreConnection } from "../../store/connection";
import { secretCredentials, secretEvents, type EventsArgs, type StoreCredentialsArgs } from "../credentials";
import { delegatingProvider } from "../delegate";

/** Arguments of {@link Route}. */
export interface RouteArgs {
  /** The key-value store the gateway lives in. */
  store: pulumi.Input<StoreConnection>;
  /** Store credentials; kept secret in the state file. */
  credentials?: pulumi.Input<StoreCredentialsArgs>;
  /** The management region's search cluster: each change leaves its Vamp events there (kept secret in the state). */
  events?: pulumi.Input<EventsArgs>;
  organization: pulumi.Input<string>;
  environment: pulumi.Input<string>;
  /** The gateway the route belongs to (managed by a `Gateway` resource, here or in another stack). */
  gatewayName: pulumi.Input<string>;
  /** The route's key on that gateway: `"[host:port]"`, a gateway name or a selector capture like `"(1.1.0)"`. */
  route: pulumi.Input<string>;
  /** Percent 0-100. Omitted: the route shares what the gateway's other weights leave. */
  weight?: pulumi.Input<number>;
  /** A condition in Vamp's language; omitted: none. */
  condition?: pulumi.Input<string>;
  /** Percent of the requests matching `condition` that go to this route (default 100). */
  conditionStrength?: pulumi.Input<number>;
}

const provider = delegatingProvider("dist/dynamic/route/handlers");

/**
 * One route's weight, condition and strength on a gateway managed elsewhere, so a canary can be
 * stepped without rewriting the gateway. The Route owns only the fields it sets; the gateway's
 * writer keeps them as the Route left them (see docs/ownership.md). Writes are
 * compare-and-swap with retry, so Routes of one gateway updated in the same `up` keep each
 * other's writes. Destroying a Route leaves its last values serving and hands the fields back
 * to the gateway.
 *
 * @example
 * import { Gateway, Route } from "@vamp-pulumi/provider";
 * const store = { kind: "etcd" as const, endpoints: ["http://etcd.vamp:2379"] };
 * const shop = new Gateway("shop", {
 *   store, organization: "acme", environment: "prod", port: 9050,
 *   routes: { "[10.0.0.11:8080]": {}, "[10.0.0.12:8080]": { weight: 0 } },
 * });
 * new Route("shop-canary", {
 *   store, organization: "acme", environment: "prod",
 *   gatewayName: shop.gatewayName, route: "[10.0.0.12:8080]", weight: 10,
 * });
 */
export class Route extends pulumi.dynamic.Resource {
  /** The store key of the gateway's record. */
  declare public readonly key: pulumi.Output<string>;
  /** The store's revision of the gateway record after this route's last write or read. */
  declare public readonly revision: pulumi.Output<string>;
  declare public readonly weight: pulumi.Output<number | undefined>;
  declare public readonly condition: pulumi.Output<string | undefined>;
  declare public readonly conditionStrength: pulumi.Output<number | undefined>;
  /** Events that could not be written to the `events` cluster, with why (absent when all were). */
  declare public readonly eventsMissed: pulumi.Output<{ tags: string[]; type: string; error: string }[] | undefined>;

  constructor(name: string, args: RouteArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        key: undefined,
        revision: undefined,
        weight: undefined,
        condition: undefined,
        conditionStrength: undefined,
        ...args,
        credentials: secretCredentials(args.credentials),
        events: secretEvents(args.events),
        eventsMissed: undefined,
        // Who manages the route, written into the record so a second Route on it is refused.
        owner: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials", "events"] }),
      "vamp",
      "Route",
    );
  }
}
