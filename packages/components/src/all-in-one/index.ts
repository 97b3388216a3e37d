export { AllInOne, validateAllInOneArgs, type AllInOneArgs } from "./all-in-one";
export { isProductionStack } from "./production";
