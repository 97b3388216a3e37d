export { podsToInstances, podServes, type PodLike } from "./pods";
export { discoveredState, sameRoutes, reconcileRecord } from "./discover";
export type { KubernetesDiscovery } from "./kubernetes";
export { loadKubeConfig, listPods, watchPods, type PodWatch } from "./kubernetes";
