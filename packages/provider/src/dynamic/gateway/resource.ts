import * as pulumi from "@pulumi/pulumi";
import type { StoreConnection } from "../../store/connection";
import { delegatingProvider } from "../delegate";
import { secretCredentials, secretEvents, type EventsArgs, type StoreCredentialsArgs } from "../credentials";
import type { RouteSpec } from "../../model/spec";

/** One route of a {@link Gateway}; every field may be an output. */
export type GatewayRouteArgs = { [K in keyof RouteSpec]?: pulumi.Input<RouteSpec[K]> };

/** Arguments of {@link Gateway}. */
export interface GatewayArgs {
  /** The key-value store the gateway agents of the environment read. */
  store: pulumi.Input<StoreConnection>;
  /** Store credentials (a Vault token, an etcd password); kept secret in the state file. */
  credentials?: pulumi.Input<StoreCredentialsArgs>;
  /** The tenant: organization and environment (DNS labels). Changing either replaces the gateway. */
  organization: pulumi.Input<string>;
  environment: pulumi.Input<string>;
  /** The gateway's name (1-4 `/`-separated segments); default the resource name. */
  gatewayName?: pulumi.Input<string>;
  /** `9050` (http), `"9050/http"` or `"9050/tcp"`; omitted: assigned from 40000-45000. */
  port?: pulumi.Input<number | string>;
  /** Keep a client on its route (`route`) or on its instance too (`instance`); http only. */
  sticky?: pulumi.Input<"route" | "instance">;
  /** Host names served through the shared virtual-host port; http only. */
  virtualHosts?: pulumi.Input<pulumi.Input<string>[]>;
  /** A selector (`label(app)(shop) && label(version)((.*))`) for the reconciler. */
  selector?: pulumi.Input<string>;
  /** Keep the query string in the access log shipped to search (default false: it may carry personal data). */
  logQueryString?: pulumi.Input<boolean>;
  /** Routes keyed by target: `"[host:port]"`, another gateway's name, or a selector capture. */
  routes: pulumi.Input<Record<string, pulumi.Input<GatewayRouteArgs>>>;
  /**
   * For a gateway with a `selector`: the cluster and namespace whose pods it discovers at `up`
   * (the `vamp-reconciler` keeps them current afterwards). Kept secret in the state file, as a
   * kubeconfig may hold keys.
   */
  discovery?: pulumi.Input<{ kubeconfig?: pulumi.Input<string>; namespace?: pulumi.Input<string> }>;
  /** Set by the `Deployment` component for the gateways it owns (`deployment/cluster/port`, `deployment/port`). */
  deployment?: pulumi.Input<string>;
  /** The management region's search cluster: each create, update and delete leaves its Vamp events there (kept secret in the state). */
  events?: pulumi.Input<EventsArgs>;
}

const provider = delegatingProvider("dist/dynamic/gateway/handlers");

/**
 * A Vamp gateway: an HAProxy frontend with weighted and conditional routes, written as a
 * structured record to the tenant's key-value store, where the gateway agents pick it up.
 * `pulumi preview` validates it with the gateway engine (errors name the field); a weight
 * change is applied by the agents without an HAProxy reload. With a `selector` and
 * `discovery`, the routes follow the pods: one route per captured value (see docs/ownership.md).
 *
 * @example
 * import { Gateway } from "@vamp-pulumi/provider";
 * new Gateway("shop", {
 *   store: { kind: "etcd", endpoints: ["http://etcd.vamp:2379"] },
 *   organization: "acme",
 *   environment: "prod",
 *   port: 9050,
 *   routes: {
 *     "[10.0.0.11:8080]": { weight: 90 },
 *     "[10.0.0.12:8080]": { weight: 10, condition: "has cookie beta", conditionStrength: 100 },
 *   },
 * });
 *
 * // One route per version of the `shop` pods; a new version starts at weight 0.
 * new Gateway("shop-versions", {
 *   store: { kind: "etcd", endpoints: ["http://etcd.vamp:2379"] },
 *   organization: "acme", environment: "prod", port: 9051,
 *   selector: "label(app)(shop) && label(version)((.*)) && port(8080)",
 *   routes: { "(1.0.0)": { weight: 100 } },
 *   discovery: { kubeconfig: cluster.kubeconfig },
 * });
 */
export class Gateway extends pulumi.dynamic.Resource {
  /** The store key of the gateway's record. */
  declare public readonly key: pulumi.Output<string>;
  /** The store's revision of the record as last written or read. */
  declare public readonly revision: pulumi.Output<string>;
  declare public readonly gatewayName: pulumi.Output<string>;
  declare public readonly routes: pulumi.Output<Record<string, RouteSpec>>;
  /** After `refresh`, when the gateway's own fields drifted: who wrote the record last (`ui/<user>` for the page). */
  declare public readonly driftBy: pulumi.Output<string | undefined>;
  /** Events that could not be written to the `events` cluster, with why (absent when all were). */
  declare public readonly eventsMissed: pulumi.Output<{ tags: string[]; type: string; error: string }[] | undefined>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        key: undefined,
        revision: undefined,
        ...args,
        credentials: secretCredentials(args.credentials),
        discovery: args.discovery === undefined ? undefined : pulumi.secret(args.discovery),
        events: secretEvents(args.events),
        eventsMissed: undefined,
        gatewayName: args.gatewayName ?? name,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials", "discovery", "events"] }),
      "vamp",
      "Gateway",
    );
  }
}
