export { Deployment, planOf, type DeploymentArgs, type DeploymentEnvironment } from "./deployment";
