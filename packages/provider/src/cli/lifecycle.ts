import type * as http from "node:http";
import type { KeyValueStore } from "../store/types";

/**
 * Runs a long-lived command: `main` starts it; SIGTERM and SIGINT stop it (then its health
 * server and store), exiting 0; a start-up error exits 1 with the command's name.
 */
export function runDaemon(name: string, main: () => Promise<{ stop(): Promise<void>; server: http.Server; store: KeyValueStore } | void>): void {
  main().then(
    (running) => {
      if (!running) return;
      const shutdown = async () => {
        await running.stop();
        running.server.close();
        await running.store.close();
        process.exit(0);
      };
      process.on("SIGTERM", () => void shutdown());
      process.on("SIGINT", () => void shutdown());
    },
    (e: Error) => {
      console.error(`${name}: ${e.message}`);
      process.exit(1);
    },
  );
}
