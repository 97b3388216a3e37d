/**
 * The continuous reconciler: between `pulumi up`s, keeps each selector gateway's discovered
 * instances in step with the pods of the environment's namespace. It writes `discovered` only,
 * with compare-and-swap, so it never fights the `Gateway` and `Route` resources over weights
 * (docs/ownership.md).
 */
import * as os from "node:os";
import type * as K8s from "@kubernetes/client-node";
import { reconcileRecord } from "../record/discovery";
import { watchPods, type PodWatch } from "../discovery/kubernetes";
import { podsToInstances } from "../record/pods";
import { CoalescingLoop, jsonLogger } from "../infra";
import type { Tenant } from "../model/tenant";
import { gatewayNameOf, gatewaysDir } from "../record/keys";
import { decodeRecord, encodeRecord } from "../record/codec";
import type { KeyValueStore, StoreWatch } from "../store/types";
import { updateEntry } from "../store/update";

export interface ReconcilerOptions {
  store: KeyValueStore;
  tenant: Tenant;
  kubeConfig: K8s.KubeConfig;
  /** Default: the environment's name. */
  namespace?: string;
  /** Written into `discovered.writer`; default `reconciler/<hostname>`. */
  writer?: string;
  /** Quiet time before a run after a change, so a rollout's burst of pod events is one write (default 100 ms). */
  debounceMs?: number;
  /** A full run at least this often, whatever the watches say (default 30 s). */
  resyncMs?: number;
  log?: (event: ReconcilerEvent) => void;
}

export interface ReconcilerEvent {
  event: "reconciled" | "error" | "started" | "stopped";
  gateway?: string;
  message?: string;
  routes?: Record<string, number>;
}

export interface ReconcilerStatus {
  runs: number;
  writes: number;
  errors: number;
  lastError?: string;
  /** Whether the pod list is trusted (the watch is synced): the reconciler writes only then. */
  synced: boolean;
}

/**
 * @example
 * const r = new Reconciler({ store, tenant: { organization: "acme", environment: "prod" }, kubeConfig: loadKubeConfig(undefined) });
 * await r.start();
 */
export class Reconciler {
  private podWatch?: PodWatch;
  private storeWatch?: StoreWatch;
  private timer?: NodeJS.Timeout;
  private resync?: NodeJS.Timeout;
  private readonly loop = new CoalescingLoop(() => this.pass());
  private readonly status: Omit<ReconcilerStatus, "synced"> = { runs: 0, writes: 0, errors: 0 };

  constructor(private readonly options: ReconcilerOptions) {}

  get namespace(): string {
    return this.options.namespace ?? this.options.tenant.environment;
  }

  getStatus(): ReconcilerStatus {
    return { ...this.status, synced: this.podWatch?.synced() ?? false };
  }

  async start(): Promise<void> {
    const onError = (e: Error) => this.error(undefined, e);
    this.podWatch = await watchPods(this.options.kubeConfig, this.namespace, () => this.trigger(), onError);
    this.storeWatch = await this.options.store.watch(gatewaysDir(this.options.tenant), () => this.trigger(), onError);
    this.resync = setInterval(() => this.trigger(), this.options.resyncMs ?? 30_000);
    this.log({ event: "started", message: `namespace ${this.namespace}` });
    await this.runNow();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.resync);
    await this.podWatch?.close();
    await this.storeWatch?.close();
    await this.loop.stop();
    this.log({ event: "stopped" });
  }

  /** One pass over the tenant's gateways; resolves when done (runs are never concurrent). */
  runNow(): Promise<void> {
    return this.loop.trigger();
  }

  private trigger(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runNow(), this.options.debounceMs ?? 100);
  }

  private async pass(): Promise<void> {
    // A pod list we cannot trust (the API server away) must not empty the gateways: wait.
    if (!this.podWatch?.synced()) return;
    this.status.runs++;
    const writer = this.options.writer ?? `reconciler/${os.hostname()}`;
    const instances = podsToInstances(this.podWatch?.pods() ?? []);
    let entries;
    try {
      entries = await this.options.store.list(gatewaysDir(this.options.tenant));
    } catch (e) {
      return this.error(undefined, e as Error);
    }
    for (const e of entries) {
      const name = gatewayNameOf(this.options.tenant, e.key);
      if (!name) continue;
      try {
        let written: Record<string, number> | undefined;
        const res = await updateEntry(this.options.store, e.key, (cur) => {
          if (!cur) return { keep: true };
          const next = reconcileRecord(decodeRecord(cur.key, cur.value), instances, writer);
          if (!next) return { keep: true };
          written = Object.fromEntries(Object.entries(next.discovered!.routes).map(([k, v]) => [k, v.length]));
          return { put: encodeRecord(next) };
        });
        if (res.changed) {
          this.status.writes++;
          this.log({ event: "reconciled", gateway: name, routes: written });
        }
      } catch (err) {
        this.error(name, err as Error);
      }
    }
  }

  private error(gateway: string | undefined, e: Error): void {
    this.status.errors++;
    this.status.lastError = e.message;
    this.log({ event: "error", gateway, message: e.message });
  }

  private readonly defaultLog = jsonLogger({ component: "reconciler" });

  private log(e: ReconcilerEvent): void {
    (this.options.log ?? ((x: ReconcilerEvent) => this.defaultLog({ ...x })))(e);
  }
}
