export { ReleaseSupervisor, releaseAction, type ReleaseSupervisorOptions } from "./releases";
