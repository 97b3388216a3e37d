export { StoreEntry, type StoreEntryArgs, type StoreCredentialsArgs } from "./resource";
