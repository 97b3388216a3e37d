/** The run-time side of {@link ArtifactEvents}: one `archive:create|update|delete` event per change of the artifact. */
import type * as pulumi from "@pulumi/pulumi";
import { archiveEvent, type EventKind } from "../../events/changes";
import { stableStringify } from "../../model/stable";
import type { Problem } from "../../model/problem";
import type { SearchTarget } from "../../search/client";
import { validateTenant } from "../../validation/tenant";
import { emitResourceEvents, validateEvents, type EventsOutputs } from "../events";
import { checkResult } from "../failures";

export interface ArtifactEventsInputs {
  kind: EventKind;
  artifactName: string;
  organization: string;
  environment: string;
  /** What the artifact is now (a blueprint, a breed): the event's value, and what a change is measured on. */
  content: unknown;
  events: SearchTarget;
}

export type ArtifactEventsOutputs = ArtifactEventsInputs & EventsOutputs;

const KINDS = ["deployments", "breeds", "blueprints", "slas", "escalations", "workflows", "indices"];

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const n = news as Partial<ArtifactEventsInputs>;
  const problems: Problem[] = [...validateTenant(n), ...validateEvents(n.events)];
  if (!KINDS.includes(String(n.kind)))
    problems.push({ source: "", path: "kind", message: `must be one of ${KINDS.join(", ")}, got ${JSON.stringify(n.kind)}` });
  if (typeof n.artifactName !== "string" || !n.artifactName)
    problems.push({ source: "", path: "artifactName", message: `must be the artifact's name, got ${JSON.stringify(n.artifactName)}` });
  if (n.events === undefined) problems.push({ source: "", path: "events", message: "must name the management region's search cluster" });
  return checkResult(news, problems);
}

export async function diff(_id: string, olds: ArtifactEventsOutputs, news: ArtifactEventsInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = (["kind", "artifactName", "organization", "environment"] as const).filter((f) => olds[f] !== news[f]);
  const changes =
    replaces.length > 0 ||
    stableStringify(olds.content ?? null) !== stableStringify(news.content ?? null) ||
    stableStringify(olds.events) !== stableStringify(news.events);
  return { changes, replaces, deleteBeforeReplace: false };
}

function emit(i: ArtifactEventsInputs, action: "create" | "update" | "delete") {
  const e = archiveEvent(i.kind, i.artifactName, action, action === "delete" ? {} : i.content, Date.now());
  return emitResourceEvents(i.events, i.organization, [{ ...e, tags: [...e.tags, `environments:${i.environment}`] }]);
}

export async function create(inputs: ArtifactEventsInputs): Promise<pulumi.dynamic.CreateResult> {
  return { id: `${inputs.organization}/${inputs.environment}/${inputs.kind}/${inputs.artifactName}`, outs: { ...inputs, ...(await emit(inputs, "create")) } };
}

export async function update(_id: string, _olds: ArtifactEventsOutputs, news: ArtifactEventsInputs): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: { ...news, ...(await emit(news, "update")) } };
}

async function deleteEvents(_id: string, props: ArtifactEventsOutputs): Promise<void> {
  await emit(props, "delete");
}
export { deleteEvents as delete };
