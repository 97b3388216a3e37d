/**
 * The run-time side of {@link Route}: sets one route's fields in a gateway record with a
 * compare-and-swap read-modify-write, so concurrent Routes and the gateway's own writer keep
 * each other's changes.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseCondition } from "../../condition/parse";
import { formatError } from "../../model/gateway";
import { validateStoreConnection, type FieldProblem, type StoreConnection, type StoreCredentials } from "../../store/connection";
import { withStore } from "../../store/factory";
import { gatewayKey, validateTenant } from "../../store/layout";
import { effectiveSpec, routeRelease, routeWrite } from "../../store/ownership";
import { decodeRecord, encodeRecord, stableStringify } from "../../store/record";
import { updateEntry } from "../../store/update";
import { validateGateway } from "../../validation/gateway";
import { artifactName } from "../../validation/values";
import { toCheckFailures } from "../failures";

export interface RouteInputs {
  store: StoreConnection;
  credentials?: StoreCredentials;
  organization: string;
  environment: string;
  gatewayName: string;
  route: string;
  weight?: number;
  condition?: string;
  conditionStrength?: number;
  owner: string;
}

export interface RouteOutputs extends RouteInputs {
  key: string;
  revision: string;
}

const IDENTITY = ["store", "organization", "environment", "gatewayName", "route"] as const;
const FIELDS = ["weight", "condition", "conditionStrength"] as const;

function percent(v: unknown, path: string): FieldProblem[] {
  if (v === undefined) return [];
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 100 ? [] : [{ path, message: `must be a whole percentage from 0 to 100, got ${JSON.stringify(v)}` }];
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const n = news as Partial<RouteInputs>;
  const problems: FieldProblem[] = [...validateStoreConnection(n.store, "store"), ...validateTenant(n)];
  const name = artifactName(n.gatewayName);
  if (!name.ok) problems.push({ path: "gatewayName", message: name.reason });
  if (typeof n.route !== "string" || !n.route.trim()) problems.push({ path: "route", message: `must be the key of a route on the gateway, got ${JSON.stringify(n.route)}` });
  problems.push(...percent(n.weight, "weight"), ...percent(n.conditionStrength, "conditionStrength"));
  if (n.condition !== undefined) {
    if (typeof n.condition !== "string") problems.push({ path: "condition", message: `must be a string, got ${JSON.stringify(n.condition)}` });
    else for (const e of parseCondition(n.condition).errors) problems.push({ path: "condition", message: `${e.message} at offset ${e.offset} of ${JSON.stringify(n.condition)}` });
  }
  if (FIELDS.every((f) => n[f] === undefined)) problems.push({ path: "weight", message: "a Route must set at least one of weight, condition, conditionStrength" });
  const failures = toCheckFailures(problems);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

export async function diff(_id: string, olds: RouteOutputs, news: RouteInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = IDENTITY.filter((f) => stableStringify(olds[f] ?? null) !== stableStringify(news[f] ?? null));
  const updates = [...FIELDS, "credentials" as const].filter((f) => stableStringify(olds[f] ?? null) !== stableStringify(news[f] ?? null));
  return { changes: replaces.length + updates.length > 0, replaces: [...replaces], stables: replaces.length ? [] : [...IDENTITY], deleteBeforeReplace: true };
}

/** The Route's fields in the DSL's names; unset fields are left out (not managed). */
function dslFields(inputs: RouteInputs): { weight?: string; condition?: string; condition_strength?: string } {
  return {
    weight: inputs.weight === undefined ? undefined : `${inputs.weight}%`,
    condition: inputs.condition,
    condition_strength: inputs.conditionStrength === undefined ? undefined : `${inputs.conditionStrength}%`,
  };
}

async function write(inputs: RouteInputs): Promise<RouteOutputs> {
  const key = gatewayKey(inputs, inputs.gatewayName);
  return withStore(inputs.store, inputs.credentials, async (store) => {
    const res = await updateEntry(store, key, (cur) => {
      if (!cur) {
        throw new Error(`gatewayName: gateway "${inputs.gatewayName}" not found at ${key}: create its Gateway first (in this program, pass the Gateway's gatewayName output so the Route waits for it)`);
      }
      const next = routeWrite(decodeRecord(key, cur.value), inputs.route, inputs.owner, dslFields(inputs));
      // Refuse a write the agents would reject (weights over 100%): nothing serving changes.
      const v = validateGateway(effectiveSpec(next), `gateway ${next.name}`, { name: next.name });
      if (v.errors.length) {
        throw new Error(`route ${JSON.stringify(inputs.route)}: with this change gateway "${next.name}" would be invalid: ${v.errors.map(formatError).join("; ")}`);
      }
      return { put: encodeRecord(next) };
    });
    return { ...inputs, key, revision: res.revision! };
  });
}

export async function create(inputs: RouteInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await write(inputs);
  return { id: `${outs.key}#${inputs.route}`, outs };
}

export async function update(_id: string, _olds: RouteOutputs, news: RouteInputs): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await write(news) };
}

const num = (v: unknown) => (v === undefined ? undefined : Number(String(v).replace(/%$/, "")));

export async function read(id: string, props: RouteOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const entry = await store.get(props.key);
    if (!entry) return {};
    const rec = decodeRecord(entry.key, entry.value);
    const body = (rec.spec.routes as Record<string, Record<string, unknown>> | undefined)?.[props.route];
    if (!body) return {};
    // Only the fields this Route sets are its to report; the rest belong to the gateway.
    const actual = { weight: num(body.weight), condition: body.condition as string | undefined, conditionStrength: num(body.condition_strength) };
    const outs: Record<string, unknown> = { ...props, revision: entry.revision };
    for (const f of FIELDS) {
      if (props[f] === undefined) continue;
      if (actual[f] === undefined) delete outs[f];
      else outs[f] = actual[f];
    }
    return { id, props: outs };
  });
}

async function deleteRoute(_id: string, props: RouteOutputs): Promise<void> {
  await withStore(props.store, props.credentials, async (store) => {
    await updateEntry(store, props.key, (cur) => (cur ? { put: encodeRecord(routeRelease(decodeRecord(props.key, cur.value), props.route, props.owner)) } : { keep: true }));
  });
}
export { deleteRoute as delete };
