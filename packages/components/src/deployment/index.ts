export { Deployment, planOf, statusOf, type DeploymentArgs, type DeploymentEnvironment, type ServiceStatus } from "./deployment";
