export * from "./gateway";
export * from "./spec";
export * from "./record";
export * from "./resolved";
export * from "./tenant";
export * from "./condition";
export * from "./selector";
export * from "./problem";
