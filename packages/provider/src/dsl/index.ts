export { readDocuments, readGateways, KINDS, type RawArtifact } from "./read";
export { pathSegments } from "./path";
export { readArtifacts, unresolvedReferences, allBreeds, emptyCatalog, type Catalog, type ReadResult } from "./artifacts";
