export { ArtifactEvents, type ArtifactEventsArgs } from "./resource";
