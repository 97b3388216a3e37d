export { readDocuments, readGateways, KINDS, type RawArtifact } from "./read";
export { pathSegments } from "./path";
