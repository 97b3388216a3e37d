export { slaVerdict, type SlaVerdict } from "./evaluate";
export { planEscalation, type ClusterScale, type ScaleChange } from "./escalate";
export { cores, megabytes, workloadScale, quantity, type ScalableWorkload } from "./quantity";
