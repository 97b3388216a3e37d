export { StoreEntry, type StoreEntryArgs, type StoreCredentialsArgs } from "./store-entry";
export * from "./gateway";
export * from "./route";
export { delegatingProvider } from "./delegate";
export * from "./artifact-events";
export type { EventsArgs } from "./credentials";
export * from "./canary-release";
