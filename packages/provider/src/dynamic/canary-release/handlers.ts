/**
 * The run-time side of {@link CanaryRelease}: create and update run the release to its end inside
 * `pulumi up` (or hand it to the workflow agent), printing each step; a rollback fails the
 * operation with the reason, so the stack keeps the stable version and the next `up` proposes the
 * release again.
 */
import * as pulumi from "@pulumi/pulumi";
import * as os from "node:os";
import { CANARY_SPEC_FIELDS, type CanarySpec } from "../../model/canary";
import { VampError, type Problem } from "../../model/problem";
import type { ReleaseDriver, ReleaseState } from "../../model/release";
import { changedFields } from "../../model/stable";
import { claimRelease, readRelease } from "../../rollout/records";
import { driveRelease } from "../../rollout/driver";
import { releaseOwner, releaseWeights } from "../../rollout/weights";
import { connectSearch, type SearchClient, type SearchTarget } from "../../search/client";
import { EventQueue } from "../../search/events";
import { validateStoreConnection, type StoreConnection, type StoreCredentials } from "../../store/connection";
import { withStore } from "../../store/factory";
import { validateCanary } from "../../validation/canary";
import { validateTenant } from "../../validation/tenant";
import { artifactName } from "../../validation/values";
import { releaseKey } from "../../record/keys";
import { validateEvents, type EventsOutputs } from "../events";
import { checkResult } from "../failures";
import { interruption } from "../interruption";

export interface CanaryReleaseInputs extends CanarySpec {
  store: StoreConnection;
  credentials?: StoreCredentials;
  events?: SearchTarget;
  /** The environment's search cluster (the gateway logs), for `analysis.logs`. */
  logs?: SearchTarget;
  organization: string;
  environment: string;
  releaseName: string;
  driver?: ReleaseDriver;
  /** The resource's URN, so the progress lines print under it. */
  resourceUrn?: string;
}

export interface CanaryReleaseOutputs extends CanaryReleaseInputs, EventsOutputs {
  phase: ReleaseState["phase"] | "handed-over";
  weights?: ReleaseState["weights"];
  reason?: string;
}

const IDENTITY = ["store", "organization", "environment", "releaseName"] as const;
const specOf = (i: CanaryReleaseInputs): CanarySpec =>
  Object.fromEntries(CANARY_SPEC_FIELDS.filter((f) => i[f] !== undefined).map((f) => [f, i[f]])) as unknown as CanarySpec;

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const n = news as Partial<CanaryReleaseInputs>;
  const problems: Problem[] = [...validateStoreConnection(n.store, "store"), ...validateTenant(n), ...validateEvents(n.events)];
  problems.push(...validateEvents(n.logs, "logs", "the environment's search cluster (the gateway logs)"));
  if ((n.analysis as CanarySpec["analysis"])?.logs?.length && !n.logs)
    problems.push({
      source: "",
      path: "logs",
      message: "must be set when analysis.logs has checks: the search cluster the gateway agents ship their access logs to ({ url, flavor? })",
    });
  const name = artifactName(n.releaseName);
  if (!name.ok) problems.push({ source: "", path: "releaseName", message: name.reason });
  if (n.driver !== undefined && n.driver !== "pulumi" && n.driver !== "cluster")
    problems.push({
      source: "",
      path: "driver",
      message: `must be "pulumi" (this up drives it) or "cluster" (the workflow agent does), got ${JSON.stringify(n.driver)}`,
    });
  problems.push(...validateCanary(specOf(n as CanaryReleaseInputs), "").problems);
  return checkResult(news, problems);
}

export async function diff(_id: string, olds: CanaryReleaseOutputs, news: CanaryReleaseInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = changedFields(olds, news, IDENTITY);
  const updates = changedFields(olds, news, [...CANARY_SPEC_FIELDS, "driver", "credentials", "events", "logs"] as const);
  return { changes: replaces.length + updates.length > 0, replaces, stables: replaces.length ? [] : [...IDENTITY], deleteBeforeReplace: true };
}

/** The progress lines under the resource in `pulumi up`'s output. */
function sayer(urn: string | undefined): (line: string) => void {
  // The dynamic provider's process is given the engine's address as its first argument, but
  // not the variable `pulumi.log` looks for.
  process.env.PULUMI_NODEJS_ENGINE ??= process.argv[2];
  // `log.info` only reads `resource.urn.promise()`; a stand-in keeps the lines under this resource.
  const resource = urn ? ({ urn: { promise: () => Promise.resolve(urn) } } as unknown as pulumi.Resource) : undefined;
  return (line) => void pulumi.log.info(line, resource).catch(() => console.log(line));
}

async function run(i: CanaryReleaseInputs): Promise<CanaryReleaseOutputs> {
  const driver = i.driver ?? "pulumi";
  const holder = `pulumi/${i.organization}/${i.environment}/${i.releaseName}@${os.hostname()}:${process.pid}`;
  const search = i.events ? await connectSearch(i.events, { timeoutMs: 3000 }).catch(() => undefined) : undefined;
  const missed: EventsOutputs["eventsMissed"] = [];
  const events = search ? new EventQueue(search, i.organization, (m) => missed.push(...m)) : undefined;
  const stop = interruption();
  let logs: SearchClient | undefined;
  try {
    // Before anything moves: a release whose log checks cannot be asked does not start.
    logs = i.logs && driver === "pulumi" ? await connectSearch(i.logs, { timeoutMs: 3000 }) : undefined;
    return await withStore(i.store, i.credentials, async (store) => {
      const tenant = { organization: i.organization, environment: i.environment };
      if (driver === "cluster") {
        await claimRelease(store, tenant, i.releaseName, specOf(i), holder, 0, "cluster");
        return { ...i, phase: "handed-over" as const };
      }
      const claimed = await claimRelease(store, tenant, i.releaseName, specOf(i), holder, 2500, "pulumi");
      const out = await driveRelease(claimed, { store, tenant, holder, say: sayer(i.resourceUrn), events, logs, signal: stop.signal });
      if (out.state.phase === "rolledback")
        throw new VampError(
          "failed",
          `release ${i.releaseName} rolled back: ${out.state.reason}; ${i.stable} serves ${out.state.weights.stable}% again (confirmed on every agent)`,
        );
      return { ...i, phase: out.state.phase, weights: out.state.weights, reason: out.state.reason };
    });
  } finally {
    stop.done();
    await events?.flush().catch(() => undefined);
    await search?.close().catch(() => undefined);
    await logs?.close().catch(() => undefined);
    if (missed.length) console.error(`vamp: ${missed.length} release events could not be written: ${missed[0].error}`);
  }
}

export async function create(inputs: CanaryReleaseInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await run(inputs);
  return { id: `${inputs.organization}/${inputs.environment}/${inputs.releaseName}`, outs };
}

export async function update(_id: string, olds: CanaryReleaseOutputs, news: CanaryReleaseInputs): Promise<pulumi.dynamic.UpdateResult> {
  // New credentials or events target only: nothing to release.
  if (!changedFields(olds, news, [...CANARY_SPEC_FIELDS, "driver"] as const).length) return { outs: { ...olds, ...news } };
  return { outs: await run(news) };
}

export async function read(id: string, props: CanaryReleaseOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withStore(props.store, props.credentials, async (store) => {
    const rec = await readRelease(store, props, props.releaseName);
    if (!rec?.state) return { id, props };
    return { id, props: { ...props, phase: rec.state.phase, weights: rec.state.weights, reason: rec.state.reason } };
  });
}

/** Hands the weights back to the gateway (they stay as the release left them) and removes the record. */
async function deleteRelease(_id: string, props: CanaryReleaseOutputs): Promise<void> {
  await withStore(props.store, props.credentials, async (store) => {
    const tenant = { organization: props.organization, environment: props.environment };
    const rec = await readRelease(store, tenant, props.releaseName);
    if (rec?.state?.phase === "progressing")
      throw new VampError("conflict", `release ${props.releaseName} is still in progress; abort it (vamp release abort ${props.releaseName}) first`);
    const v = validateCanary(specOf(props), "");
    if (v.canary) await releaseWeights(store, tenant, v.canary, releaseOwner(props.releaseName));
    await store.delete(releaseKey(tenant, props.releaseName));
  });
}
export { deleteRelease as delete };
