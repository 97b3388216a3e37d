export { ServiceCluster, validateServiceClusterArgs, type ServiceClusterArgs } from "./service-cluster";
export * from "./manifests";
