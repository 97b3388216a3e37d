import { MemoryStore } from "../../packages/provider/src/store";
import { storeContract } from "../support/store-contract";

storeContract("memory", () => new MemoryStore());
