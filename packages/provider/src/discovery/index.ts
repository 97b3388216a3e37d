export type { KubernetesDiscovery } from "./kubernetes";
export { loadKubeConfig, listPods, watchPods, type PodWatch } from "./kubernetes";
export { deploymentStatuses } from "./deployments";
