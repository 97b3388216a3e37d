export { resolveBlueprint, DEFAULT_SCALE, type ResolvedBlueprint, type ResolvedCluster, type ResolvedService } from "./resolve";
export { planDeployment, labelValue, dnsName, LABELS, type DeploymentPlan, type GatewayPlan, type PlanOptions, type ServicePlan } from "./plan";
export { workloadManifest, resources } from "./manifests";
export { versionStatus, BREED_ANNOTATION, type ServiceStatus, type WorkloadLike } from "./status";
