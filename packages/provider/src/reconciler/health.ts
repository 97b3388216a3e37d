/**
 * The reconciler behind the one status server: ready when its pod watch is synced (so its
 * writes are trusted), for the kubelet's probes of the workflow agent.
 */
import type { StatusSource } from "../infra/http-status";
import type { ReconcilerStatus } from "./reconciler";

/**
 * @example
 * const server = await serveStatus(reconcilerStatusSource(() => reconciler.getStatus()), { host: "127.0.0.1", port: 19101 });
 */
export function reconcilerStatusSource(getStatus: () => ReconcilerStatus): StatusSource {
  return {
    ready: () => (getStatus().synced ? { ready: true } : { ready: false, reason: "pod watch not synced" }),
    status: getStatus,
  };
}
