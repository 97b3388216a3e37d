import type * as http from "node:http";
import type { KeyValueStore } from "../store/types";

/** A started daemon: what to stop, in order, on SIGTERM or SIGINT. */
export interface Running {
  stop(): Promise<void>;
  server: http.Server;
  store: KeyValueStore;
}

/** Stops the daemon (then its status server and store) on SIGTERM or SIGINT, and exits 0. */
export function stopOnSignal(running: Running): void {
  const shutdown = async () => {
    await running.stop();
    running.server.close();
    await running.store.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown());
  process.once("SIGINT", () => void shutdown());
}
