/**
 * A service version's plan → its Kubernetes Deployment (a plain manifest; the Deployment
 * component hands it to @pulumi/kubernetes). Scale → replicas and resources (requests =
 * limits); health checks → readiness and liveness probes; the `kubernetes` dialect merged into
 * the pod spec (its `container` part into the container), later layers winning.
 */
import type { HealthCheck } from "../model/artifact";
import { dnsName, type ServicePlan } from "./plan";
import { BREED_ANNOTATION } from "./status";

type Obj = Record<string, unknown>;

/** The container's probes: ready when the check passes, restarted after `failures` misses. */
function probe(h: HealthCheck, s: ServicePlan): Obj {
  const port = s.ports.find((p) => p.name === h.port)?.number ?? h.port;
  return {
    httpGet: { path: h.path, port, scheme: h.protocol },
    initialDelaySeconds: Math.ceil(h.initialDelay),
    timeoutSeconds: Math.max(1, Math.ceil(h.timeout)),
    periodSeconds: Math.max(1, Math.ceil(h.interval)),
    failureThreshold: h.failures,
  };
}

/** Kubernetes quantities: `250m` cores, `128Mi` (whole MiB, rounded up). */
export function resources(s: Pick<ServicePlan, "cpu" | "memory">): Obj {
  const q = { cpu: `${Math.max(1, Math.round(s.cpu * 1000))}m`, memory: `${Math.ceil(s.memory)}Mi` };
  return { requests: q, limits: q };
}

/**
 * @example
 * workloadManifest(plan.services[0], "acme-dev") // { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "shop-web-web_1" ... } }
 */
export function workloadManifest(s: ServicePlan, namespace: string): Obj {
  const dialect = (s.dialects.kubernetes ?? {}) as Obj;
  const { container: containerDialect = {}, ...podDialect } = dialect as { container?: Obj } & Obj;
  const check = s.healthChecks[0];
  const container: Obj = {
    name: dnsName(s.cluster),
    image: s.image,
    ...(s.args.length ? { args: s.args } : {}),
    ports: s.ports.map((p) => ({ containerPort: p.number, protocol: "TCP" })),
    env: s.env,
    resources: resources(s),
    ...(check ? { readinessProbe: probe(check, s), livenessProbe: probe(check, s) } : {}),
    ...containerDialect,
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: s.name, namespace, labels: s.labels, annotations: { [BREED_ANNOTATION]: s.breed } },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: s.labels },
      template: { metadata: { labels: s.labels }, spec: { ...podDialect, containers: [container] } },
    },
  };
}
