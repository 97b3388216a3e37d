export { ReleaseSupervisor, releaseAction, type ReleaseSupervisorOptions } from "./releases";
export { SlaMonitor, type SlaMonitorOptions } from "./slas";
export { WorkflowRunner, type WorkflowRunnerOptions } from "./runner";
