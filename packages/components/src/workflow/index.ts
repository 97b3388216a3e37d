export * from "./workflow";
