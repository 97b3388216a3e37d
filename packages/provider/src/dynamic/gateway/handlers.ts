/**
 * The run-time side of {@link Gateway}: validates with the gateway engine at preview, writes
 * the structured record to the store with compare-and-swap, reads it back for drift.
 */
import type * as pulumi from "@pulumi/pulumi";
import { validateStoreConnection } from "../../store/connection";
import { withStore } from "../../store/factory";
import { gatewayKey, TENANT_NAME, validateTenant } from "../../store/layout";
import { discoveredState } from "../../discovery/discover";
import { listPods, loadKubeConfig } from "../../discovery/kubernetes";
import { podsToInstances } from "../../discovery/pods";
import { discoveryWrite, gatewayView, gatewayWrite } from "../../store/ownership";
import { decodeRecord, encodeRecord, RECORD_API_VERSION, stableStringify, type GatewayRecord } from "../../store/record";
import { updateEntry } from "../../store/update";
import { validateGateway } from "../../validation/gateway";
import { toCheckFailures } from "../failures";
import { fromDsl, normalizeSpec, toDsl, type GatewayInputs, type GatewaySpecInputs } from "./args";

export interface GatewayOutputs extends GatewayInputs {
  /** The store key of the record. */
  key: string;
  /** The store's revision of the record as last written or read. */
  revision: string;
}

const IDENTITY = ["store", "organization", "environment", "gatewayName"] as const;
const SPEC = ["port", "sticky", "virtualHosts", "selector", "routes"] as const;

function nameOf(inputs: { gatewayName?: string }): string {
  return inputs.gatewayName ?? "";
}

function specOf(inputs: Partial<GatewayInputs>): GatewaySpecInputs {
  const spec: Partial<GatewaySpecInputs> = {};
  for (const f of SPEC) if (inputs[f] !== undefined) (spec as Record<string, unknown>)[f] = inputs[f];
  return spec as GatewaySpecInputs;
}

function record(inputs: GatewayInputs): GatewayRecord {
  return { apiVersion: RECORD_API_VERSION, kind: "Gateway", name: nameOf(inputs), spec: toDsl(specOf(inputs)), writer: "pulumi" };
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const problems = [...validateStoreConnection(news.store, "store"), ...validateTenant(news as Partial<GatewayInputs>)];
  const name = nameOf(news as { gatewayName?: string });
  const v = validateGateway(toDsl(news as Partial<GatewaySpecInputs>), `gateway ${name}`, { name });
  for (const e of v.errors) problems.push({ path: dslPathToArg(e.path), message: e.message });
  problems.push(...validateDiscovery(news.discovery, news.selector));
  const failures = toCheckFailures(problems);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

function validateDiscovery(d: unknown, selector: unknown): { path: string; message: string }[] {
  if (d === undefined || d === null) return [];
  if (typeof d !== "object" || Array.isArray(d)) return [{ path: "discovery", message: "must be an object { kubeconfig?, namespace? }" }];
  const out: { path: string; message: string }[] = [];
  const { kubeconfig, namespace, ...rest } = d as Record<string, unknown>;
  for (const k of Object.keys(rest)) out.push({ path: `discovery.${k}`, message: "unknown field (expected kubeconfig, namespace)" });
  if (kubeconfig !== undefined && (typeof kubeconfig !== "string" || !kubeconfig)) out.push({ path: "discovery.kubeconfig", message: "must be a kubeconfig file path or its YAML text" });
  if (namespace !== undefined && (typeof namespace !== "string" || !TENANT_NAME.test(namespace))) out.push({ path: "discovery.namespace", message: `must be a namespace name (a DNS label), got ${JSON.stringify(namespace)}` });
  if (typeof selector !== "string") out.push({ path: "discovery", message: "only a gateway with a selector discovers instances; add selector or remove discovery" });
  return out;
}

/** `routes["[a:1]"].condition_strength` → `routes["[a:1]"].conditionStrength`: name the program's field. */
function dslPathToArg(path: string): string {
  const map: Record<string, string> = { condition_strength: "conditionStrength", virtual_hosts: "virtualHosts", name: "gatewayName" };
  return path.replace(/(^|\.)([a-z_]+)/g, (m, dot: string, key: string) => (map[key] ? `${dot}${map[key]}` : m)) || "routes";
}

export async function diff(_id: string, olds: GatewayOutputs, news: GatewayInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = IDENTITY.filter((f) => stableStringify(olds[f] ?? null) !== stableStringify(news[f] ?? null));
  const before = normalizeSpec(specOf(olds));
  const after = normalizeSpec(specOf(news));
  const updates = SPEC.filter((f) => stableStringify(before[f] ?? null) !== stableStringify(after[f] ?? null));
  const credentials = (["credentials", "discovery"] as const).filter((f) => stableStringify(olds[f] ?? null) !== stableStringify(news[f] ?? null));
  const changed = [...replaces, ...updates, ...credentials];
  // A renamed gateway is written under its new key before the old record goes, so traffic on
  // the old one never stops; the agent takes the new one as soon as its port is free.
  return { changes: changed.length > 0, replaces: [...replaces], stables: replaces.length ? [] : [...IDENTITY], deleteBeforeReplace: false };
}

export async function create(inputs: GatewayInputs): Promise<pulumi.dynamic.CreateResult> {
  const key = gatewayKey(inputs, nameOf(inputs));
  const revision = await write(inputs, key, true);
  const outs: GatewayOutputs = { ...inputs, key, revision };
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
        throw new Error(
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
    throw new Error(`discovery: listing the pods of namespace "${namespace}" failed: ${(e as Error).message}`);
  }
  return discoveredState(inputs.selector, podsToInstances(pods), "pulumi");
}

export async function read(id: string, props: GatewayOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const entry = await store.get(props.key ?? id);
    if (!entry) return {};
    const rec = decodeRecord(entry.key, entry.value);
    // Report what is really there, in the program's shape, so refresh shows a hand-edited
    // weight; fields a Route resource manages are that Route's to report, not drift here.
    const spec = fromDsl(gatewayView(rec, toDsl(specOf(props))));
    const declared = normalizeSpec(specOf(props));
    const same = stableStringify(declared) === stableStringify(spec);
    const outs: GatewayOutputs = { ...props, revision: entry.revision };
    if (!same) {
      for (const f of SPEC) {
        // The engine's wire format has no `undefined`: absent fields are removed, not set.
        if (spec[f] === undefined) delete (outs as unknown as Record<string, unknown>)[f];
        else (outs as unknown as Record<string, unknown>)[f] = spec[f];
      }
    }
    return { id, props: JSON.parse(JSON.stringify(outs)) as GatewayOutputs };
  });
}

export async function update(_id: string, olds: GatewayOutputs, news: GatewayInputs): Promise<pulumi.dynamic.UpdateResult> {
  const revision = await write(news, olds.key, false);
  return { outs: { ...news, key: olds.key, revision } };
}

async function deleteGateway(_id: string, props: GatewayOutputs): Promise<void> {
  await withStore(props.store, props.credentials, async (store) => {
    await store.delete(props.key);
  });
}
export { deleteGateway as delete };
