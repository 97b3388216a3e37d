export { StoreEntry, type StoreEntryArgs } from "./resource";
