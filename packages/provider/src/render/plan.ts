/**
 * The pure heart of the agent: given what HAProxy runs and what it should run, decide the
 * least disruptive way there. Weight and slot differences go through the Runtime API (no
 * reload); anything structural is a seamless reload, always with a reason.
 */
import type { RenderedConfig, ServerWeight, SlotState } from "../model/resolved";

/** What the agent last applied (kept on disk so a restarted agent knows it too). */
export interface AppliedState {
  fingerprint: string;
  weights: ServerWeight[];
  /** Absent in state written before slots existed: then any slot counts as changed. */
  slots?: SlotState[];
}

export type Plan =
  | { action: "none" }
  | { action: "runtime"; changes: ServerWeight[]; slots: SlotState[] }
  | { action: "reload"; reason: string }
  | { action: "start"; reason: string };

const id = (x: { backend: string; server: string }) => `${x.backend}/${x.server}`;
const slotText = (s: SlotState | undefined) => (s?.host ? `${s.host}:${s.port}` : "");

/**
 * @example
 * planApply({ fingerprint: "a", weights: [w("b", "s", 90)] }, true, { fingerprint: "a", weights: [w("b", "s", 80)], ... })
 * // → { action: "runtime", changes: [{ backend: "b", server: "s", weight: 80 }], slots: [] }
 */
export function planApply(applied: AppliedState | undefined, haproxyRunning: boolean, next: RenderedConfig): Plan {
  if (!haproxyRunning) return { action: "start", reason: "haproxy is not running" };
  if (!applied) return { action: "reload", reason: "the running configuration is unknown (agent restarted without state)" };
  if (applied.fingerprint !== next.fingerprint) return { action: "reload", reason: structuralReason(applied, next) };
  const changes = weightChanges(applied.weights, next.weights);
  const slots = slotChanges(applied.slots, next.slots);
  return changes.length || slots.length ? { action: "runtime", changes, slots } : { action: "none" };
}

function structuralReason(applied: AppliedState, next: RenderedConfig): string {
  const count = (list: SlotState[]) => list.reduce((m, s) => m.set(s.backend, (m.get(s.backend) ?? 0) + 1), new Map<string, number>());
  const before = count(applied.slots ?? []);
  const resized = [...count(next.slots)].filter(([b, n]) => before.has(b) && before.get(b) !== n).map(([b]) => b);
  if (resized.length) return `server slots resized in ${resized.join(", ")} (the instances outgrew their slots, or shrank well below them)`;
  return "structural change (gateways, routes, servers or options)";
}

function weightChanges(before: ServerWeight[], next: ServerWeight[]): ServerWeight[] {
  // The same servers in the same order (always, when the structure is unchanged): compare in
  // place, without building keys for every server of thousands of gateways.
  const aligned = before.length === next.length && next.every((w, i) => w === before[i] || (w.server === before[i].server && w.backend === before[i].backend));
  const was = aligned ? undefined : new Map(before.map((w) => [id(w), w.weight]));
  const changes: { w: ServerWeight; was?: number }[] = [];
  next.forEach((w, i) => {
    const prior = was ? was.get(id(w)) : before[i].weight;
    if (w !== before[i] && prior !== w.weight) changes.push({ w, was: prior });
  });
  // Raise weights before lowering others: flipping 100/0 to 0/100 the other way round leaves a
  // moment where every server of the backend has weight 0 and HAProxy answers 503.
  const rise = (c: { w: ServerWeight; was?: number }) => c.w.weight - (c.was ?? 0);
  return changes.sort((x, y) => rise(y) - rise(x)).map((c) => c.w);
}

function slotChanges(before: SlotState[] | undefined, next: SlotState[]): SlotState[] {
  const was = new Map((before ?? []).map((s) => [id(s), s]));
  const changes = next.filter((s) => before === undefined || slotText(was.get(id(s))) !== slotText(s));
  // Fill slots before emptying others, so a backend never runs out of servers on the way.
  return changes.sort((x, y) => Number(!!y.host) - Number(!!x.host));
}
