export { Organization, mysqlName, type OrganizationArgs } from "./organization";
export { Environment, validateEnvironmentArgs, type EnvironmentArgs } from "./environment";
export { agentRules, GATEWAY_AGENT, WORKFLOW_AGENT, storeSecretName, type PolicyRule } from "./rbac";
export { agentPolicy, writerPolicy, policyName, type VaultPaths } from "./vault-policy";
