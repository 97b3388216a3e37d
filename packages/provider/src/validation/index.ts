export { validateGateway, type ValidateOptions } from "./gateway";
export { validateTenant } from "./tenant";
export { fieldName, fromVampFields, typedName, VAMP_FIELD_NAMES, type Dialect } from "./dialect";
export { shareRemainder } from "./weights";
export * from "./values";
export { validateBreed, type ArtifactOptions } from "./artifact/breed";
export { validateBlueprint } from "./artifact/blueprint";
export { parseValue, referencesOf, type ValueReference } from "./artifact/references";
export { validateCanary } from "./canary";
