/**
 * The run-time side of {@link SearchLogIndices}: index templates through the search cluster's
 * official client (composable index templates: the same API on OpenSearch 1-3 and Elasticsearch
 * 7.8+), retention by deleting expired daily indices at every create and update.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Client } from "@opensearch-project/opensearch";
import { expiredIndices, indexPrefix, indexTemplate, LOG_STREAMS, type LogStream, type StreamSpec } from "@vamp-pulumi/provider";

export interface SearchLogIndicesInputs {
  url: string;
  organization: string;
  environment?: string;
  streams: Partial<Record<LogStream, StreamSpec>>;
  /** Basic auth or API key, a secret input. */
  credentials?: { username?: string; password?: string; apiKey?: string };
}

export interface SearchLogIndicesOutputs extends SearchLogIndicesInputs {
  templates: string[];
  /** Indices deleted by retention in the last operation. */
  deleted: string[];
}

/** The cluster's official client (OpenSearch's; it speaks the same index-template API as Elasticsearch 7.8+). */
function client(inputs: SearchLogIndicesInputs): Client {
  const c = inputs.credentials;
  return new Client({
    node: inputs.url,
    ...(c?.username ? { auth: { username: c.username, password: c.password ?? "" } } : {}),
    // An Elasticsearch API key goes as a header; the client has no field for it.
    ...(c?.apiKey ? { headers: { authorization: `ApiKey ${c.apiKey}` } } : {}),
    requestTimeout: 15_000,
    maxRetries: 2,
  });
}

const notFound = (e: unknown) => (e as { meta?: { statusCode?: number } }).meta?.statusCode === 404;

/** One client for a whole provider operation (its connections are reused across the calls). */
interface Cluster {
  client: Client;
  url: string;
}

async function withCluster<T>(inputs: SearchLogIndicesInputs, f: (s: Cluster) => Promise<T>): Promise<T> {
  const c = client(inputs);
  try {
    return await f({ client: c, url: inputs.url });
  } finally {
    await c.close();
  }
}

/** Runs one call; 404 → undefined when tolerated; other errors name the cluster (never the credentials). */
async function call<T>(s: Cluster, what: string, f: (c: Client) => Promise<{ body: T }>, tolerate404 = false): Promise<T | undefined> {
  try {
    return (await f(s.client)).body;
  } catch (e) {
    if (tolerate404 && notFound(e)) return undefined;
    throw new Error(`search cluster ${s.url}: ${what}: ${(e as Error).message.slice(0, 300)}`);
  }
}

const streamsOf = (i: SearchLogIndicesInputs) => LOG_STREAMS.filter((s) => i.streams[s] !== undefined);

export async function check(_olds: unknown, news: SearchLogIndicesInputs): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (typeof news.url !== "string" || !/^https?:\/\/[^\s/]+\/?$/.test(news.url))
    failures.push({ property: "url", reason: `must be the cluster's URL like "https://search-eu:9200", got ${JSON.stringify(news.url)}` });
  for (const f of ["organization", "environment"] as const) {
    const v = news[f];
    if ((f === "organization" || v !== undefined) && (typeof v !== "string" || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)))
      failures.push({ property: f, reason: `must be a DNS label, got ${JSON.stringify(v)}` });
  }
  for (const [s, spec] of Object.entries(news.streams ?? {})) {
    if (!(LOG_STREAMS as readonly string[]).includes(s))
      failures.push({ property: `streams.${s}`, reason: `unknown stream; streams are ${LOG_STREAMS.join(", ")}` });
    else if (!spec || !Number.isInteger(spec.retentionDays) || spec.retentionDays < 1)
      failures.push({ property: `streams.${s}.retentionDays`, reason: `must be a whole number of days >= 1, got ${JSON.stringify(spec?.retentionDays)}` });
  }
  if (!Object.keys(news.streams ?? {}).length) failures.push({ property: "streams", reason: "must configure at least one of gateway-logs, audit, events" });
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

function apply(inputs: SearchLogIndicesInputs, previous?: SearchLogIndicesOutputs): Promise<SearchLogIndicesOutputs> {
  return withCluster(inputs, (s) => applyWith(s, inputs, previous));
}

async function applyWith(s: Cluster, inputs: SearchLogIndicesInputs, previous?: SearchLogIndicesOutputs): Promise<SearchLogIndicesOutputs> {
  const templates: string[] = [];
  const deleted: string[] = [];
  for (const stream of streamsOf(inputs)) {
    const prefix = indexPrefix(inputs.organization, inputs.environment, stream);
    await call(s, `put template ${prefix}`, (c) =>
      c.indices.putIndexTemplate({ name: prefix, body: indexTemplate(prefix, stream, inputs.streams[stream]!) as never }),
    );
    templates.push(prefix);
    deleted.push(...(await prune(s, prefix, inputs.streams[stream]!.retentionDays)));
  }
  // A stream no longer configured: its template goes (its data stays until retention elsewhere).
  // Same cluster: a changed URL replaces the resource instead.
  for (const old of previous?.templates ?? [])
    if (!templates.includes(old)) await call(s, `delete template ${old}`, (c) => c.indices.deleteIndexTemplate({ name: old }), true);
  return { ...inputs, templates, deleted };
}

async function prune(s: Cluster, prefix: string, days: number): Promise<string[]> {
  const list = ((await call(s, `list ${prefix}-*`, (c) => c.cat.indices({ index: `${prefix}-*`, format: "json", h: ["index"] }), true)) ?? []) as unknown as {
    index: string;
  }[];
  const expired = expiredIndices(
    prefix,
    list.map((i) => i.index),
    days,
    new Date(),
  );
  for (const i of expired) await call(s, `delete expired index ${i}`, (c) => c.indices.delete({ index: i }), true);
  return expired;
}

export async function create(inputs: SearchLogIndicesInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await apply(inputs);
  return { id: `${inputs.url}#${indexPrefix(inputs.organization, inputs.environment, "events").replace(/-events$/, "")}`, outs };
}

export async function diff(_id: string, olds: SearchLogIndicesOutputs, news: SearchLogIndicesInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = (["url", "organization", "environment"] as const).filter((f) => JSON.stringify(olds[f] ?? null) !== JSON.stringify(news[f] ?? null));
  const changes =
    replaces.length > 0 ||
    JSON.stringify(olds.streams) !== JSON.stringify(news.streams) ||
    JSON.stringify(olds.credentials ?? null) !== JSON.stringify(news.credentials ?? null);
  return { changes, replaces, deleteBeforeReplace: false };
}

export async function update(_id: string, olds: SearchLogIndicesOutputs, news: SearchLogIndicesInputs): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await apply(news, olds) };
}

/** Reads the templates back: one changed or removed by hand shows as drift of its stream. */
export function read(id: string, props: SearchLogIndicesOutputs): Promise<pulumi.dynamic.ReadResult> {
  return withCluster(props, (s) => readWith(s, id, props));
}

async function readWith(s: Cluster, id: string, props: SearchLogIndicesOutputs): Promise<pulumi.dynamic.ReadResult> {
  const streams: Partial<Record<LogStream, StreamSpec>> = {};
  for (const stream of streamsOf(props)) {
    const prefix = indexPrefix(props.organization, props.environment, stream);
    const got = (await call(s, `get template ${prefix}`, (c) => c.indices.getIndexTemplate({ name: prefix }), true)) as unknown as
      | {
          index_templates?: {
            index_template: {
              _meta?: { retention_days?: number };
              template?: { settings?: { index?: { number_of_shards?: string; number_of_replicas?: string } } };
            };
          }[];
        }
      | undefined;
    const t = got?.index_templates?.[0]?.index_template;
    if (!t) continue;
    const declared = props.streams[stream]!;
    const settings = t.template?.settings?.index;
    streams[stream] = {
      ...declared,
      retentionDays: Number(t._meta?.retention_days ?? NaN),
      ...(declared.shards !== undefined ? { shards: Number(settings?.number_of_shards) } : {}),
      ...(declared.replicas !== undefined ? { replicas: Number(settings?.number_of_replicas) } : {}),
    };
  }
  return { id, props: { ...props, streams } };
}

async function deleteTemplates(_id: string, props: SearchLogIndicesOutputs): Promise<void> {
  // The data stays: audit logs may have to outlive the stack. Only the templates go.
  await withCluster(props, async (s) => {
    for (const t of props.templates ?? []) await call(s, `delete template ${t}`, (c) => c.indices.deleteIndexTemplate({ name: t }), true);
  });
}
export { deleteTemplates as delete };
