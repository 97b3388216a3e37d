export { declareResources, kubernetesManifests, type DeclaredResource, type DeclareOptions } from "./declare";
