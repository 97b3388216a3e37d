import type { KubernetesDiscovery } from "../../discovery/kubernetes";
import type { GatewaySpec } from "../../model/spec";
import type { SearchTarget } from "../../search/client";
import type { StoreConnection, StoreCredentials } from "../../store/connection";
import type { EventsOutputs } from "../events";

/** The Gateway resource's inputs, outputs resolved: the gateway's {@link GatewaySpec} plus where it lives. */
export interface GatewayInputs extends GatewaySpec {
  /** The gateway's name in the store; the resource sets it to the resource name by default. */
  gatewayName: string;
  store: StoreConnection;
  credentials?: StoreCredentials;
  /** Where a selector gateway discovers its instances at `up`. */
  discovery?: KubernetesDiscovery;
  organization: string;
  environment: string;
  /** The deployment that owns the gateway: only then may its name be `deployment/cluster/port`. */
  deployment?: string;
  /** The management region's search cluster: each create, update and delete leaves its events there. */
  events?: SearchTarget;
}

export interface GatewayOutputs extends GatewayInputs, EventsOutputs {
  /** The store key of the record. */
  key: string;
  /** The store's revision of the record as last written or read. */
  revision: string;
  /** After `refresh`, when the gateway's own fields differ from what it declares: who wrote the record last (`ui/<user>`, a hand edit). */
  driftBy?: string;
}
