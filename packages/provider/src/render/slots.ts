/**
 * Server slots: a route whose instances come and go (a deployment's replicas, discovered pods)
 * gets more servers than it has instances, the spare ones in maintenance. A replica change then
 * sets a slot's address and state through the Runtime API instead of reloading HAProxy, as
 * HAProxy's own ingress controller does. Slots grow in steps of {@link SLOT_STEP}; only when a
 * route outgrows its slots does the configuration change (a reload, with that reason).
 */
import type { Instance } from "../model/gateway";
import type { SlotState } from "../model/resolved";
import { isIpAddress } from "../validation/values";
import { fnv1a } from "./hash";

/** Slots come in steps of this many (0-7 instances: 8 slots, 8-15: 16, ...). */
export const SLOT_STEP = 8;

/** The slots of a route with `n` instances: always at least one spare. */
export function slotCapacity(n: number): number {
  return (Math.floor(n / SLOT_STEP) + 1) * SLOT_STEP;
}

/** Whether a route's instances can live in slots: the Runtime API sets addresses, not host names. */
export function slotsApply(instances: Instance[]): boolean {
  return instances.every((i) => isIpAddress(i.host));
}

/**
 * Which instance sits in which slot: each starts at a hash of its name (or address) and takes
 * the next free slot, in name order, so an instance keeps its slot (and its sticky cookie) while
 * others come and go.
 *
 * @example
 * assignSlots([{ host: "10.0.0.5", port: 80, name: "web-1" }], 8) // [undefined, ..., { host: "10.0.0.5", ... }, ...]
 */
export function assignSlots(instances: Instance[], capacity: number): (Instance | undefined)[] {
  const slots: (Instance | undefined)[] = new Array<Instance | undefined>(capacity).fill(undefined);
  const id = (i: Instance) => i.name ?? `${i.host}:${i.port}`;
  for (const i of [...instances].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0))) {
    let s = parseInt(fnv1a(id(i)), 16) % capacity;
    while (slots[s]) s = (s + 1) % capacity;
    slots[s] = i;
  }
  return slots;
}

/** A slot's server name. */
export const slotName = (n: number) => `slot${n}`;

/** The runtime state of every slot of a backend. */
export function slotStates(backend: string, slots: (Instance | undefined)[]): SlotState[] {
  return slots.map((i, n) => ({ backend, server: slotName(n), ...(i ? { host: i.host.replace(/^\[|\]$/g, ""), port: i.port } : {}) }));
}
