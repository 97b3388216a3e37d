/**
 * The run-time side of {@link Route}: sets one route's fields in a gateway record with a
 * compare-and-swap read-modify-write, so concurrent Routes and the gateway's own writer keep
 * each other's changes.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseCondition } from "../../condition/parse";
import { VampError, type Problem } from "../../model/problem";
import { decodeRecord, encodeRecord } from "../../record/codec";
import { gatewayKey } from "../../record/keys";
import { effectiveSpec, routeRelease, routeWrite } from "../../record/ownership";
import { changedFields } from "../../model/stable";
import { validateStoreConnection, type StoreConnection, type StoreCredentials } from "../../store/connection";
import { withStore } from "../../store/factory";
import { updateEntry } from "../../store/update";
import { validateGateway } from "../../validation/gateway";
import { validateTenant } from "../../validation/tenant";
import { artifactName, percentage } from "../../validation/values";
import { archiveEvent, routeEvents } from "../../events/changes";
import type { RouteSpec } from "../../model/spec";
import type { SearchTarget } from "../../search/client";
import { emitResourceEvents, validateEvents, type EventsOutputs } from "../events";
import { checkResult } from "../failures";

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
  /** The management region's search cluster: each change leaves its Vamp events there. */
  events?: SearchTarget;
}

export interface RouteOutputs extends RouteInputs, EventsOutputs {
  key: string;
  revision: string;
}

const IDENTITY = ["store", "organization", "environment", "gatewayName", "route"] as const;
const FIELDS = ["weight", "condition", "conditionStrength"] as const;

function percent(v: unknown, path: string): Problem[] {
  if (v === undefined) return [];
  const p = percentage(v);
  return p.ok ? [] : [{ source: "", path, message: p.reason }];
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const n = news as Partial<RouteInputs>;
  const problems: Problem[] = [...validateStoreConnection(n.store, "store"), ...validateTenant(n)];
  const p = (path: string, message: string) => problems.push({ source: "", path, message });
  const name = artifactName(n.gatewayName);
  if (!name.ok) p("gatewayName", name.reason);
  if (typeof n.route !== "string" || !n.route.trim()) p("route", `must be the key of a route on the gateway, got ${JSON.stringify(n.route)}`);
  problems.push(...percent(n.weight, "weight"), ...percent(n.conditionStrength, "conditionStrength"));
  if (n.condition !== undefined) {
    if (typeof n.condition !== "string") p("condition", `must be a string, got ${JSON.stringify(n.condition)}`);
    else for (const e of parseCondition(n.condition).errors) p("condition", `${e.message} at offset ${e.offset} of ${JSON.stringify(n.condition)}`);
  }
  if (FIELDS.every((f) => n[f] === undefined)) p("weight", "a Route must set at least one of weight, condition, conditionStrength");
  problems.push(...validateEvents(n.events));
  return checkResult(news, problems);
}

export async function diff(_id: string, olds: RouteOutputs, news: RouteInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = changedFields(olds, news, IDENTITY);
  const updates = changedFields(olds, news, [...FIELDS, "credentials", "events"] as const);
  return { changes: replaces.length + updates.length > 0, replaces, stables: replaces.length ? [] : [...IDENTITY], deleteBeforeReplace: true };
}

async function write(inputs: RouteInputs, action: "create" | "update"): Promise<RouteOutputs> {
  let before: RouteSpec | undefined;
  const outs = await writeRecord(inputs, (b) => (before = b));
  const after: RouteSpec = { ...before, ...Object.fromEntries(FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]])) };
  return { ...outs, ...(await emitChanges(inputs, before, after, action)) };
}

/** `archive:<action>` for the route and what changed in it, as the store had it before. */
function emitChanges(i: RouteInputs, before: RouteSpec | undefined, after: RouteSpec | undefined, action: "create" | "update" | "delete") {
  const now = Date.now();
  const name = `${i.gatewayName}/${i.route}`;
  const env = `environments:${i.environment}`;
  const events = [
    { ...archiveEvent("routes", name, action, after ?? {}, now), tags: [`routes:${name}`, `gateways:${i.gatewayName}`, `archive:${action}`, env] },
    ...routeEvents(i.gatewayName, before ? { routes: { [i.route]: before } } : undefined, after ? { routes: { [i.route]: after } } : undefined, now).map(
      (e) => ({
        ...e,
        tags: [...e.tags, env],
      }),
    ),
  ];
  return emitResourceEvents(i.events, i.organization, events);
}

async function writeRecord(inputs: RouteInputs, seen: (before: RouteSpec | undefined) => void): Promise<RouteOutputs> {
  const key = gatewayKey(inputs, inputs.gatewayName);
  return withStore(inputs.store, inputs.credentials, async (store) => {
    const res = await updateEntry(store, key, (cur) => {
      if (!cur) {
        throw new VampError(
          "not-found",
          `gatewayName: gateway "${inputs.gatewayName}" not found at ${key}: create its Gateway first (in this program, pass the Gateway's gatewayName output so the Route waits for it)`,
        );
      }
      const current = decodeRecord(key, cur.value);
      seen(effectiveSpec(current).routes[inputs.route]);
      const next = routeWrite(current, inputs.route, inputs.owner, {
        weight: inputs.weight,
        condition: inputs.condition,
        conditionStrength: inputs.conditionStrength,
      });
      // Refuse a write the agents would reject (weights over 100%): nothing serving changes.
      const v = validateGateway(effectiveSpec(next), { source: `gateway ${next.name}`, name: next.name, deployment: next.deployment });
      if (v.problems.length)
        throw VampError.invalid(`route ${JSON.stringify(inputs.route)}: with this change gateway "${next.name}" would be invalid`, v.problems);
      return { put: encodeRecord(next) };
    });
    return { ...inputs, key, revision: res.revision! };
  });
}

export async function create(inputs: RouteInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await write(inputs, "create");
  return { id: `${outs.key}#${inputs.route}`, outs };
}

export async function update(_id: string, _olds: RouteOutputs, news: RouteInputs): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await write(news, "update") };
}

export async function read(id: string, props: RouteOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const entry = await store.get(props.key);
    if (!entry) return {};
    const rec = decodeRecord(entry.key, entry.value);
    const body = rec.spec.routes[props.route];
    if (!body) return {};
    // Only the fields this Route sets are its to report; the rest belong to the gateway.
    const actual: Record<string, unknown> = { weight: body.weight, condition: body.condition, conditionStrength: body.conditionStrength };
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
    await updateEntry(store, props.key, (cur) =>
      cur ? { put: encodeRecord(routeRelease(decodeRecord(props.key, cur.value), props.route, props.owner)) } : { keep: true },
    );
  });
  await emitChanges(props, undefined, undefined, "delete"); // best effort: a deleted resource keeps no outputs
}
export { deleteRoute as delete };
