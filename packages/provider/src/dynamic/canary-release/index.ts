export { CanaryRelease, type CanaryReleaseArgs } from "./resource";
