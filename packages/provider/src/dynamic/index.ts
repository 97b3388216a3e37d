export { StoreEntry, type StoreEntryArgs } from "./store-entry";
