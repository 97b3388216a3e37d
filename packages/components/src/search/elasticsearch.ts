import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dnsLabel, failOn, problem, type Problem } from "../common/errors";
import { labels } from "../common/labels";

/** Arguments of {@link Elasticsearch}. */
export interface ElasticsearchArgs {
  provider: k8s.Provider;
  namespace: string;
  /** A name for the cluster (`eu`, `de`); objects are `vamp-search-<name>`. */
  clusterName: string;
  /**
   * `low`: one node (total traffic is low); `high`: three nodes (high traffic, or audit logs
   * that regulation requires to survive losing a node). Default `low`.
   */
  trafficClass?: "low" | "high";
  /** Each node's volume (default `50Gi`): the audit log must survive restarts. */
  storageSize?: string;
  storageClassName?: string;
  image?: string;
}

export function validateElasticsearchArgs(args: ElasticsearchArgs): Problem[] {
  const out = [...dnsLabel("namespace", args.namespace), ...dnsLabel("clusterName", args.clusterName)];
  if (args.trafficClass !== undefined && !["low", "high"].includes(args.trafficClass))
    out.push(problem("trafficClass", args.trafficClass, 'must be "low" (one node) or "high" (three nodes)'));
  if (args.storageSize !== undefined && !/^\d+(Mi|Gi|Ti)$/.test(args.storageSize))
    out.push(problem("storageSize", args.storageSize, 'must be a size like "50Gi"'));
  return out;
}

export const nodesFor = (trafficClass: "low" | "high" = "low") => (trafficClass === "high" ? 3 : 1);

// eslint-disable-next-line max-lines-per-function -- one Kubernetes manifest reads best as one literal
export function elasticsearchStatefulSet(args: ElasticsearchArgs) {
  const name = `vamp-search-${args.clusterName}`;
  const sel = { "app.kubernetes.io/name": "elasticsearch", "vamp.io/search-cluster": args.clusterName };
  const nodes = nodesFor(args.trafficClass);
  const seeds = Array.from({ length: nodes }, (_, i) => `${name}-${i}.${name}`).join(",");
  return {
    metadata: { name, namespace: args.namespace, labels: { ...labels("elasticsearch"), ...sel } },
    spec: {
      serviceName: name,
      replicas: nodes,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: sel },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: { labels: { ...labels("elasticsearch"), ...sel } },
        spec: {
          securityContext: { fsGroup: 1000, runAsUser: 1000, runAsNonRoot: true },
          affinity:
            nodes > 1
              ? {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: sel }, topologyKey: "kubernetes.io/hostname" }],
                  },
                }
              : undefined,
          containers: [
            {
              name: "elasticsearch",
              image: args.image ?? "docker.elastic.co/elasticsearch/elasticsearch:8.19.21",
              env: [
                { name: "cluster.name", value: name },
                { name: "node.name", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                ...(nodes > 1
                  ? [
                      { name: "discovery.seed_hosts", value: seeds },
                      { name: "cluster.initial_master_nodes", value: Array.from({ length: nodes }, (_, i) => `${name}-${i}`).join(",") },
                    ]
                  : [{ name: "discovery.type", value: "single-node" }]),
                { name: "ES_JAVA_OPTS", value: "-Xms1g -Xmx1g" },
              ],
              ports: [
                { name: "http", containerPort: 9200 },
                { name: "transport", containerPort: 9300 },
              ],
              volumeMounts: [{ name: "data", mountPath: "/usr/share/elasticsearch/data" }],
              resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
            resources: { requests: { storage: args.storageSize ?? "50Gi" } },
          },
        },
      ],
    },
  };
}

/**
 * An Elasticsearch cluster on persistent volumes: one node or three, by traffic class.
 *
 * @example
 * const eu = new Elasticsearch("search-eu", { provider: mgmt, namespace: "vamp-system", clusterName: "eu", trafficClass: "high" });
 */
export class Elasticsearch extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly nodes: number;

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vamp:dependencies:Elasticsearch", name, {}, opts);
    failOn(validateElasticsearchArgs(args), "vamp:dependencies:Elasticsearch", name, this);
    const k = { parent: this, provider: args.provider };
    const sts = elasticsearchStatefulSet(args);
    this.nodes = sts.spec.replicas;
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: sts.metadata.name, namespace: args.namespace, labels: sts.metadata.labels },
        spec: {
          clusterIP: "None",
          selector: sts.spec.selector.matchLabels,
          ports: [
            { name: "http", port: 9200 },
            { name: "transport", port: 9300 },
          ],
        },
      },
      k,
    );
    new k8s.apps.v1.StatefulSet(`${name}-statefulset`, sts, k);
    this.url = pulumi.output(`http://${sts.metadata.name}.${args.namespace}.svc:9200`);
    this.registerOutputs({ url: this.url });
  }
}
