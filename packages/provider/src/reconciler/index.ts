export { Reconciler, type ReconcilerOptions, type ReconcilerEvent, type ReconcilerStatus } from "./reconciler";
export { reconcilerStatusSource } from "./health";
