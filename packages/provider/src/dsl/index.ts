export { readDocuments, readGateways, KINDS, type RawArtifact } from "./read";
