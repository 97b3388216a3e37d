/**
 * Vamp's release artifacts, validated: breeds, scales, blueprints (clusters of services), SLAs,
 * escalations and workflows. A program's arguments and a Vamp document are both checked into
 * these shapes by `validation/artifact/` (one validation for both); a reference to another
 * artifact stays a {@link Ref} until a deployment resolves it against a catalog.
 */
import type { GatewaySpec } from "./spec";

/** A reference to a named artifact (`sava:1.0.0` or `{ ref: sava:1.0.0 }` in a document). */
export interface Ref {
  ref: string;
}

/** An artifact given inline, or a reference to one by name. */
export type Inline<T> = T | Ref;

export const isRef = <T>(v: Inline<T>): v is Ref => typeof v === "object" && v !== null && "ref" in v && Object.keys(v).length === 1;

/** The breeds given inline among `roots` and their dependencies, each once (references skipped). */
export function inlineBreeds(roots: Inline<Breed>[]): Breed[] {
  const out: Breed[] = [];
  const visit = (b: Inline<Breed>) => {
    if (isRef(b) || out.some((x) => x.name === b.name)) return;
    out.push(b);
    Object.values(b.dependencies).forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

export interface Deployable {
  /** `container/docker` unless given. */
  type: string;
  /** The image (or command, for other types). */
  definition: string;
}

export interface BreedPort {
  name: string;
  number: number;
  protocol: "http" | "tcp";
}

/** An environment variable; `value` undefined means `~`: it must be supplied at deploy time. */
export interface EnvironmentVariable {
  name: string;
  /** The name the container sees when it differs (`NAME[ALIAS]`). */
  alias?: string;
  value?: string;
}

export interface HealthCheck {
  /** The breed port (by name) the check talks to. */
  port: string;
  path: string;
  protocol: "HTTP" | "HTTPS";
  /** Seconds. */
  initialDelay: number;
  timeout: number;
  interval: number;
  failures: number;
}

/** One deployable service and what it needs. */
export interface Breed {
  name: string;
  deployable: Deployable;
  ports: BreedPort[];
  environmentVariables: EnvironmentVariable[];
  /** Values published to others (`$cluster.constants.X`), never set in this breed's container. */
  constants: EnvironmentVariable[];
  /** Container arguments, in order (`--name=value` pairs as Vamp's `arguments: [{name: value}]`). */
  arguments: { name: string; value: string }[];
  /** alias → the breed this one needs (reached through its cluster's internal gateway). */
  dependencies: Record<string, Inline<Breed>>;
  healthChecks?: HealthCheck[];
}

/** Resources of one instance, and how many. `cpu` in cores, `memory` in MiB. */
export interface Scale {
  name?: string;
  cpu: number;
  memory: number;
  instances: number;
}

/** Scheduler-specific settings passed into the pod spec (service beats cluster beats blueprint). */
export type Dialects = Record<string, Record<string, unknown>>;

export interface Service {
  breed: Inline<Breed>;
  scale?: Inline<Scale>;
  environmentVariables: EnvironmentVariable[];
  arguments: { name: string; value: string }[];
  healthChecks?: HealthCheck[];
  dialects: Dialects;
}

export interface Escalation {
  name?: string;
  type: "scale_instances" | "scale_cpu" | "scale_memory" | "to_all" | "to_one";
  minimum?: number;
  maximum?: number;
  scaleBy?: number;
  /** The cluster to scale (default: the SLA's). */
  target?: string;
  /** For `to_all` / `to_one`: the escalations to apply. */
  escalations?: Inline<Escalation>[];
}

export interface Sla {
  name?: string;
  type: "response_time_sliding_window" | string;
  /** Milliseconds. */
  threshold: { upper: number; lower: number };
  /** Seconds. */
  window: { interval: number; cooldown: number };
  escalations: Inline<Escalation>[];
}

export interface Cluster {
  name: string;
  services: Service[];
  /** Breed port name → the cluster gateway's settings (routes keyed by breed name). */
  gateways: Record<string, Partial<GatewaySpec>>;
  sla?: Inline<Sla>;
  healthChecks?: HealthCheck[];
  dialects: Dialects;
}

/** A top-level gateway of a blueprint: a port and the cluster port it leads to, or a full gateway. */
export interface BlueprintGateway {
  /** `9050/http`. */
  port: string;
  /** `cluster/port` for the short form. */
  target?: string;
  spec?: Partial<GatewaySpec>;
}

export interface Blueprint {
  name: string;
  clusters: Cluster[];
  gateways: BlueprintGateway[];
  /** `cluster.VAR` → value. */
  environmentVariables: Record<string, string>;
  dialects: Dialects;
}

export type Schedule = { daemon: true } | { event: { tags: string[] } } | { time: { period: string; start?: string; repeat?: number } };

export interface Workflow {
  name: string;
  breed: Inline<Breed>;
  schedule: Schedule;
  scale?: Inline<Scale>;
  environmentVariables: EnvironmentVariable[];
  arguments: { name: string; value: string }[];
  healthChecks?: HealthCheck[];
  dialects: Dialects;
}

/** Every artifact kind a Vamp document may hold (plural, as Vamp's API named them). */
export const ARTIFACT_KINDS = [
  "breeds",
  "blueprints",
  "deployments",
  "gateways",
  "workflows",
  "slas",
  "scales",
  "escalations",
  "routes",
  "conditions",
  "rewrites",
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** A reference from one artifact to another, by kind and name, and where it was made. */
export interface Reference {
  kind: "breeds" | "scales" | "slas" | "escalations";
  name: string;
  /** The referring artifact and field: `blueprint sava` `clusters.sava.services[0].breed`. */
  from: string;
  path: string;
}

/** The named artifacts a blueprint may refer to, where a deployment looks them up. */
export interface ArtifactCatalog {
  breeds: Breed[];
  scales: Scale[];
  slas: Sla[];
  escalations: Escalation[];
}
