/**
 * The objects of one environment on a service cluster (pure): the gateway agents (at least
 * two, never two on one node), their PodDisruptionBudget and load-balanced Service, and the
 * workflow agent. Returned as plain specs so tests can read and apply them as they are.
 */
import type { StoreConnection } from "@vamp-pulumi/provider";
import { tenantLabels } from "../common/labels";
import { GATEWAY_AGENT, storeSecretName, WORKFLOW_AGENT } from "../tenancy/rbac";

export interface EnvironmentWorkloads {
  organization: string;
  environment: string;
  namespace: string;
  store: StoreConnection;
  images: { gatewayAgent: string; workflowAgent: string };
  /** Gateway agents; at least 2. */
  replicas: number;
  /** The gateway ports the load balancer exposes. */
  gatewayPorts: number[];
  /** Where the agents ship the gateway logs (the environment's region), and write their events (the management region). */
  search?: { url: string; flavor?: string };
  events?: { url: string; flavor?: string };
}

/** The agents' health endpoint (liveness, readiness, metrics); probed by the kubelet, not exposed by the Service. */
export const HEALTH_PORT = 19100;
/** The workflow agent's (the reconciler's) health endpoint. */
export const WORKFLOW_HEALTH_PORT = 19101;
/** The workflow agent's release driver's health endpoint. */
export const RELEASES_HEALTH_PORT = 19102;

/** The agent's search options: gateway logs to the environment's cluster, events to the management region's. */
function searchArgs(w: EnvironmentWorkloads): string[] {
  const target = (flag: "search" | "events", t?: { url: string; flavor?: string }) =>
    t ? [`--${flag}-url`, t.url, ...(t.flavor ? [`--${flag}-flavor`, t.flavor] : [])] : [];
  return [...target("search", w.search), ...target("events", w.events)];
}

/** Search credentials from the agent's optional Secret `vamp-search` (keys as the variables' suffixes). */
function searchCredentialEnv() {
  return ["SEARCH_USERNAME", "SEARCH_PASSWORD", "SEARCH_API_KEY", "EVENTS_USERNAME", "EVENTS_PASSWORD", "EVENTS_API_KEY"].map((key) => ({
    name: `VAMP_${key}`,
    valueFrom: { secretKeyRef: { name: "vamp-search", key: key.toLowerCase().replace(/_/g, "-"), optional: true } },
  }));
}

/** The store and tenant every agent of the environment is started with. */
function tenantArgs(w: EnvironmentWorkloads): string[] {
  return [...storeArgs(w.store), "--organization", w.organization, "--environment", w.environment];
}

function storeArgs(store: StoreConnection): string[] {
  switch (store.kind) {
    case "etcd":
      return ["--store", "etcd", "--endpoints", store.endpoints.join(",")];
    case "zookeeper":
      return ["--store", "zookeeper", "--endpoints", store.servers.join(",")];
    case "vault":
      return [
        "--store",
        "vault",
        "--endpoints",
        store.address,
        ...(store.mount ? ["--mount", store.mount] : []),
        ...(store.pollIntervalMs ? ["--poll-ms", String(store.pollIntervalMs)] : []),
      ];
    case "consul":
      return ["--store", "consul", "--endpoints", store.address, ...(store.datacenter ? ["--datacenter", store.datacenter] : [])];
  }
}

/** Store credentials from the agent's own Secret, when it exists (etcd without auth needs none). */
function credentialEnv(agent: string) {
  return ["username", "password", "token"].map((key) => ({
    name: `VAMP_STORE_${key.toUpperCase()}`,
    valueFrom: { secretKeyRef: { name: storeSecretName(agent), key, optional: true } },
  }));
}

const restricted = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export function gatewayAgentSelector(w: Pick<EnvironmentWorkloads, "organization" | "environment">): Record<string, string> {
  return { "app.kubernetes.io/name": GATEWAY_AGENT, "vamp.io/organization": w.organization, "vamp.io/environment": w.environment };
}

export function gatewayAgentDeployment(w: EnvironmentWorkloads) {
  const labels = tenantLabels(GATEWAY_AGENT, w.organization, w.environment);
  const selector = gatewayAgentSelector(w);
  return {
    metadata: { name: GATEWAY_AGENT, namespace: w.namespace, labels },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: selector },
      // One at a time, never below replicas - 1: traffic keeps a serving agent throughout.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          serviceAccountName: GATEWAY_AGENT,
          affinity: {
            // Required, not preferred: two agents on one node would fall together.
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" }],
            },
          },
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [gatewayAgentContainer(w)],
          volumes: [
            // The log spool lives here: its bound (256 MiB by default) fits under the limit.
            { name: "work", emptyDir: { sizeLimit: "1Gi" } },
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** The agent's container: store, tenant, search targets; restricted, with its health probes. */
function gatewayAgentContainer(w: EnvironmentWorkloads) {
  return {
    name: "gateway-agent",
    image: w.images.gatewayAgent,
    args: [
      ...tenantArgs(w),
      "--work-dir",
      "/var/lib/vamp-gateway-agent",
      "--listen",
      `0.0.0.0:${HEALTH_PORT}`,
      // Each pod's name: its documents' ids and its events' tags tell the agents apart.
      "--agent-id",
      "$(POD_NAME)",
      // Releases and `vamp metrics` read each agent's live counts and applied weights here.
      "--advertise",
      `http://$(POD_IP):${HEALTH_PORT}`,
      ...searchArgs(w),
    ],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      ...credentialEnv(GATEWAY_AGENT),
      ...(w.search || w.events ? searchCredentialEnv() : []),
    ],
    ports: [{ name: "health", containerPort: HEALTH_PORT }, ...w.gatewayPorts.map((p) => ({ name: `gw-${p}`, containerPort: p }))],
    readinessProbe: { httpGet: { path: "/readyz", port: HEALTH_PORT }, periodSeconds: 2 },
    livenessProbe: { httpGet: { path: "/healthz", port: HEALTH_PORT }, periodSeconds: 10, failureThreshold: 3 },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: restricted,
    volumeMounts: [
      { name: "work", mountPath: "/var/lib/vamp-gateway-agent" },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/** At most one agent away at a time: the second eviction waits until the first is back. */
export function gatewayAgentPdb(w: EnvironmentWorkloads) {
  return {
    metadata: { name: GATEWAY_AGENT, namespace: w.namespace, labels: tenantLabels(GATEWAY_AGENT, w.organization, w.environment) },
    spec: { maxUnavailable: 1, selector: { matchLabels: gatewayAgentSelector(w) } },
  };
}

/** One load-balanced Service in front of the agents, with the gateway ports (never the health port). */
export function gatewayAgentService(w: EnvironmentWorkloads) {
  return {
    metadata: { name: GATEWAY_AGENT, namespace: w.namespace, labels: tenantLabels(GATEWAY_AGENT, w.organization, w.environment) },
    spec: {
      type: "LoadBalancer",
      // Local: clients' addresses reach HAProxy (conditions on them work), no second hop.
      externalTrafficPolicy: "Local",
      selector: gatewayAgentSelector(w),
      ports: w.gatewayPorts.map((p) => ({ name: `gw-${p}`, port: p, targetPort: p, protocol: "TCP" })),
    },
  };
}

/** The workflow agent: the selector reconciler and the release driver of the environment (one replica; both are level-triggered). */
export function workflowAgentDeployment(w: EnvironmentWorkloads) {
  const labels = tenantLabels(WORKFLOW_AGENT, w.organization, w.environment);
  const selector = { "app.kubernetes.io/name": WORKFLOW_AGENT, "vamp.io/environment": w.environment };
  return {
    metadata: { name: WORKFLOW_AGENT, namespace: w.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          serviceAccountName: WORKFLOW_AGENT,
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: "workflow-agent",
              image: w.images.workflowAgent,
              args: [...tenantArgs(w), "--namespace", w.namespace, "--listen", `0.0.0.0:${WORKFLOW_HEALTH_PORT}`],
              env: credentialEnv(WORKFLOW_AGENT),
              ports: [{ name: "health", containerPort: WORKFLOW_HEALTH_PORT }],
              // Ready once its pod watch is synced: only then does it write.
              readinessProbe: { httpGet: { path: "/readyz", port: WORKFLOW_HEALTH_PORT }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: "/healthz", port: WORKFLOW_HEALTH_PORT }, periodSeconds: 10, failureThreshold: 3 },
              resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
              securityContext: { ...restricted, capabilities: { drop: ["ALL"] } },
            },
            {
              // Canary releases handed to the cluster, those whose `pulumi up` went away, and SLAs (docs/canary.md).
              name: "releases",
              image: w.images.workflowAgent,
              command: ["node", "/opt/vamp/node_modules/@vamp-pulumi/provider/dist/cli/vamp-workflow-agent.js"],
              // The search targets: releases' events, and the gateway logs their log checks ask.
              args: [...tenantArgs(w), "--agent-id", "$(POD_NAME)", "--slas", "--listen", `0.0.0.0:${RELEASES_HEALTH_PORT}`, ...searchArgs(w)],
              env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                ...credentialEnv(WORKFLOW_AGENT),
                ...(w.search || w.events ? searchCredentialEnv() : []),
              ],
              ports: [{ name: "releases", containerPort: RELEASES_HEALTH_PORT }],
              livenessProbe: { httpGet: { path: "/healthz", port: RELEASES_HEALTH_PORT }, periodSeconds: 10, failureThreshold: 3 },
              resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
              securityContext: { ...restricted, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}
