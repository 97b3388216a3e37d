/** Container images of ours; override per component. See docker/ for their Dockerfiles. */
export interface Images {
  /** The gateway agent with HAProxy (docker/Dockerfile, target gateway-agent). */
  gatewayAgent?: string;
  /** The workflow agent: runs the selector reconciler for its environment (docker/Dockerfile, target workflow-agent). */
  workflowAgent?: string;
}

export const DEFAULT_IMAGES: Required<Images> = {
  gatewayAgent: "ghcr.io/vamp-pulumi/gateway-agent:0.1.0",
  workflowAgent: "ghcr.io/vamp-pulumi/workflow-agent:0.1.0",
};
