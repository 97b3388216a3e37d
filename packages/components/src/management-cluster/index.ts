export { ManagementCluster, type ManagementClusterArgs } from "./management-cluster";
