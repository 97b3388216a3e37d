/**
 * The run-time side of {@link Gateway}: validates with the gateway engine at preview, writes
 * the structured record to the store with compare-and-swap, reads it back for drift.
 */
import type * as pulumi from "@pulumi/pulumi";
import { listPods, loadKubeConfig } from "../../discovery/kubernetes";
import { VampError, type Problem } from "../../model/problem";
import { RECORD_API_VERSION, type GatewayRecord } from "../../model/record";
import { GATEWAY_SPEC_FIELDS, type GatewaySpec } from "../../model/spec";
import { decodeRecord, encodeRecord } from "../../record/codec";
import { discoveredState } from "../../record/discovery";
import { gatewayKey } from "../../record/keys";
import { discoveryWrite, gatewayView, gatewayWrite } from "../../record/ownership";
import { podsToInstances } from "../../record/pods";
import { normalizeSpec } from "../../record/spec";
import { changedFields, stableStringify } from "../../model/stable";
import { validateStoreConnection } from "../../store/connection";
import { withStore } from "../../store/factory";
import { updateEntry } from "../../store/update";
import { validateGateway } from "../../validation/gateway";
import { validateTenant } from "../../validation/tenant";
import { dnsLabel, percentage } from "../../validation/values";
import { archiveEvent, routeEvents } from "../../events/changes";
import { emitResourceEvents, validateEvents } from "../events";
import { checkResult } from "../failures";
import type { GatewayInputs, GatewayOutputs } from "./inputs";

export type { GatewayInputs, GatewayOutputs } from "./inputs";

const IDENTITY = ["store", "organization", "environment", "gatewayName"] as const;

/** The gateway's spec among the inputs, normalized. */
function specOf(inputs: Partial<GatewayInputs>): GatewaySpec {
  const spec: Record<string, unknown> = {};
  for (const f of GATEWAY_SPEC_FIELDS) if (inputs[f] !== undefined) spec[f] = inputs[f];
  return normalizeSpec(spec);
}

function record(inputs: GatewayInputs): GatewayRecord {
  return {
    apiVersion: RECORD_API_VERSION,
    kind: "Gateway",
    name: inputs.gatewayName,
    spec: specOf(inputs),
    writer: "pulumi",
    ...(inputs.deployment ? { deployment: inputs.deployment } : {}),
  };
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const n = news as Partial<GatewayInputs>;
  const problems: Problem[] = [...validateStoreConnection(n.store, "store"), ...validateTenant(n)];
  const spec = Object.fromEntries(GATEWAY_SPEC_FIELDS.filter((f) => n[f] !== undefined).map((f) => [f, n[f]]));
  problems.push(...validateGateway(spec, { source: "", name: n.gatewayName, namePath: "gatewayName", deployment: n.deployment }).problems);
  problems.push(...validateDiscovery(n.discovery, n.selector), ...validateEvents(n.events));
  return checkResult(news, problems);
}

function validateDiscovery(d: unknown, selector: unknown): Problem[] {
  if (d === undefined || d === null) return [];
  const p = (path: string, message: string): Problem => ({ source: "", path, message });
  if (typeof d !== "object" || Array.isArray(d)) return [p("discovery", "must be an object { kubeconfig?, namespace? }")];
  const out: Problem[] = [];
  const { kubeconfig, namespace, ...rest } = d as Record<string, unknown>;
  for (const k of Object.keys(rest)) out.push(p(`discovery.${k}`, "unknown field (expected kubeconfig, namespace)"));
  if (kubeconfig !== undefined && (typeof kubeconfig !== "string" || !kubeconfig))
    out.push(p("discovery.kubeconfig", "must be a kubeconfig file path or its YAML text"));
  const ns = dnsLabel(namespace);
  if (namespace !== undefined && !ns.ok) out.push(p("discovery.namespace", `must be a namespace name: ${ns.reason}`));
  if (typeof selector !== "string") out.push(p("discovery", "only a gateway with a selector discovers instances; add selector or remove discovery"));
  return out;
}

export async function diff(_id: string, olds: GatewayOutputs, news: GatewayInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = changedFields(olds, news, IDENTITY);
  const updates = changedFields(specOf(olds), specOf(news), GATEWAY_SPEC_FIELDS);
  if (!replaces.length) await checkSlice(olds, news);
  const other = changedFields(olds, news, ["credentials", "discovery", "events"] as const);
  const changed = [...replaces, ...updates, ...other];
  // A renamed gateway is written under its new key before the old record goes, so traffic on
  // the old one never stops; the agent takes the new one as soon as its port is free.
  return { changes: changed.length > 0, replaces, stables: replaces.length ? [] : [...IDENTITY], deleteBeforeReplace: false };
}

/**
 * A slice: routes the gateway stops declaring (a deployment's removed version). What the others
 * carry in the store (weights a `Route` stepped included) must still total 100%, or the traffic
 * of the removed routes would have nowhere to go: refused at preview, nothing changed.
 */
async function checkSlice(olds: GatewayOutputs, news: GatewayInputs): Promise<void> {
  const removed = Object.keys(olds.routes ?? {}).filter((k) => !(k in (news.routes ?? {})));
  if (!removed.length || !olds.key) return;
  const current = await withStore(news.store, news.credentials, async (store) => {
    const e = await store.get(olds.key);
    return e ? decodeRecord(olds.key, e.value) : undefined;
  });
  if (!current) return;
  const left = Object.entries(gatewayWrite(record(news), current).spec.routes).filter(([k]) => !removed.includes(k));
  const weights = left.map(([, r]) => (r.weight === undefined || r.weight === null ? undefined : percentage(r.weight)));
  if (!left.length || weights.some((w) => w === undefined || !w.ok)) return; // an unweighted route takes the rest
  const total = weights.reduce((sum, w) => sum + (w!.ok ? w!.value : 0), 0);
  if (total === 100) return;
  const list = left.map(([k], i) => `${k}: ${(weights[i] as { value: number }).value}%`).join(", ");
  throw new VampError(
    "invalid",
    `gateway ${news.gatewayName}: removing ${removed.join(", ")} would leave ${list} (${total}%); the remaining weights must total 100%: move the traffic first (a Route to 100%), then remove`,
  );
}

export async function create(inputs: GatewayInputs): Promise<pulumi.dynamic.CreateResult> {
  const key = gatewayKey(inputs, inputs.gatewayName);
  const revision = await write(inputs, key, true);
  const outs: GatewayOutputs = { ...inputs, key, revision, ...(await emitChanges(undefined, inputs, "create")) };
  return { id: key, outs };
}

/**
 * Writes the declared gateway with compare-and-swap, keeping what other writers own (fields a
 * `Route` manages, discovered instances). On create, a record that holds another definition
 * belongs to someone else: refuse rather than take it over.
 */
async function write(inputs: GatewayInputs, key: string, creating: boolean): Promise<string> {
  const declared = record(inputs);
  const discovered = await discover(inputs);
  return withStore(inputs.store, inputs.credentials, async (store) => {
    const res = await updateEntry(store, key, (cur) => {
      const current = cur ? decodeRecord(key, cur.value) : undefined;
      if (creating && current && stableStringify(gatewayView(current, declared.spec)) !== stableStringify(declared.spec)) {
        throw new VampError(
          "conflict",
          `gateway "${declared.name}" already exists at ${key} with another definition (revision ${cur!.revision}); another stack or a hand-written record owns it. Delete it or import it.`,
        );
      }
      const next = gatewayWrite(declared, current);
      return { put: encodeRecord(discovered ? discoveryWrite(next, discovered) : next) };
    });
    return res.revision!;
  });
}

/** A selector gateway's instances, found now, when the program says where to look. */
async function discover(inputs: GatewayInputs) {
  if (typeof inputs.selector !== "string" || !inputs.discovery) return undefined;
  const namespace = inputs.discovery.namespace ?? inputs.environment;
  let pods;
  try {
    pods = await listPods(loadKubeConfig(inputs.discovery.kubeconfig), namespace);
  } catch (e) {
    // The message of the client names the API server and the status, never the kubeconfig.
    throw new VampError("unavailable", `discovery: listing the pods of namespace "${namespace}" failed: ${(e as Error).message}`);
  }
  return discoveredState(inputs.selector, podsToInstances(pods), "pulumi");
}

export async function read(id: string, props: GatewayOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const entry = await store.get(props.key ?? id);
    if (!entry) return {};
    return { id, props: readOutputs(props, decodeRecord(entry.key, entry.value), entry.revision) };
  });
}

/**
 * The outputs `refresh` reports for a record as found (pure): the declared fields, with those
 * that differ in the store replaced by what is really there, so a hand-edited weight shows as
 * drift. Fields a `Route` resource manages are that Route's to report, not drift here.
 */
export function readOutputs(props: GatewayOutputs, rec: GatewayRecord, revision: string): GatewayOutputs {
  const declared = specOf(props);
  const actual = normalizeSpec(gatewayView(rec, declared));
  const outs: Record<string, unknown> = { ...props, revision };
  delete outs.driftBy;
  const changed = changedFields(declared, actual, GATEWAY_SPEC_FIELDS);
  for (const f of changed) {
    // The engine's wire format has no `undefined`: absent fields are removed, not set.
    if (actual[f] === undefined) delete outs[f];
    else outs[f] = actual[f];
  }
  // Who made the drift, when the record names someone else than this stack.
  if (changed.length && rec.writer && rec.writer !== "pulumi") outs.driftBy = rec.writer;
  return JSON.parse(JSON.stringify(outs)) as GatewayOutputs;
}

export async function update(_id: string, olds: GatewayOutputs, news: GatewayInputs): Promise<pulumi.dynamic.UpdateResult> {
  const revision = await write(news, olds.key, false);
  return { outs: { ...news, key: olds.key, revision, ...(await emitChanges(olds, news, "update")) } };
}

async function deleteGateway(_id: string, props: GatewayOutputs): Promise<void> {
  await withStore(props.store, props.credentials, async (store) => {
    await store.delete(props.key);
  });
  await emitChanges(props, undefined, "delete"); // best effort: a deleted resource keeps no outputs
}

/** `archive:<action>` for the gateway and one event per route change. */
function emitChanges(before: GatewayInputs | undefined, after: GatewayInputs | undefined, action: "create" | "update" | "delete") {
  const i = (after ?? before)!;
  const now = Date.now();
  const spec = (x?: GatewayInputs) => (x ? specOf(x) : undefined);
  const events = [
    {
      ...archiveEvent("gateways", i.gatewayName, action, after ? spec(after) : {}, now),
      tags: [`gateways:${i.gatewayName}`, `archive:${action}`, `environments:${i.environment}`],
    },
    ...routeEvents(i.gatewayName, spec(before), spec(after), now).map((e) => ({ ...e, tags: [...e.tags, `environments:${i.environment}`] })),
  ];
  return emitResourceEvents(i.events, i.organization, events);
}
export { deleteGateway as delete };
