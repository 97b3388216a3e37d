/**
 * The run-time side of {@link SearchLogIndices}: index templates through the search cluster's
 * official client (the provider's `connectSearch`: Elasticsearch's or OpenSearch's; composable
 * index templates are the same API on OpenSearch 1-3 and Elasticsearch 7.8+), retention by
 * deleting expired daily indices at every create and update.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  connectSearch,
  expiredIndices,
  indexPrefix,
  indexTemplate,
  LOG_STREAMS,
  type LogStream,
  type SearchClient,
  type StreamSpec,
} from "@vamp-pulumi/provider";

export interface SearchLogIndicesInputs {
  url: string;
  flavor?: "elasticsearch" | "opensearch";
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

/** One client for a whole provider operation (its connections are reused across the calls). */
async function withCluster<T>(inputs: SearchLogIndicesInputs, f: (s: SearchClient) => Promise<T>): Promise<T> {
  const c = await connectSearch({ url: inputs.url, ...(inputs.flavor ? { flavor: inputs.flavor } : {}), ...(inputs.credentials ?? {}) });
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}

/** Runs one call; 404 → undefined when tolerated; other errors name the cluster and the call (never the credentials). */
function call<T>(s: SearchClient, method: "GET" | "PUT" | "DELETE", path: string, body?: unknown, tolerate404 = false): Promise<T | undefined> {
  return s.request<T>({ method, path, ...(body !== undefined ? { body } : {}) }, { tolerate404 });
}

const streamsOf = (i: SearchLogIndicesInputs) => LOG_STREAMS.filter((s) => i.streams[s] !== undefined);

export async function check(_olds: unknown, news: SearchLogIndicesInputs): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (typeof news.url !== "string" || !/^https?:\/\/[^\s/]+\/?$/.test(news.url))
    failures.push({ property: "url", reason: `must be the cluster's URL like "https://search-eu:9200", got ${JSON.stringify(news.url)}` });
  if (news.flavor !== undefined && news.flavor !== "elasticsearch" && news.flavor !== "opensearch")
    failures.push({ property: "flavor", reason: `must be "elasticsearch" or "opensearch", got ${JSON.stringify(news.flavor)}` });
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

async function applyWith(s: SearchClient, inputs: SearchLogIndicesInputs, previous?: SearchLogIndicesOutputs): Promise<SearchLogIndicesOutputs> {
  const templates: string[] = [];
  const deleted: string[] = [];
  for (const stream of streamsOf(inputs)) {
    const prefix = indexPrefix(inputs.organization, inputs.environment, stream);
    await call(s, "PUT", `/_index_template/${prefix}`, indexTemplate(prefix, stream, inputs.streams[stream]!));
    templates.push(prefix);
    deleted.push(...(await prune(s, prefix, inputs.streams[stream]!.retentionDays)));
  }
  // A stream no longer configured: its template goes (its data stays until retention elsewhere).
  // Same cluster: a changed URL replaces the resource instead.
  for (const old of previous?.templates ?? []) if (!templates.includes(old)) await call(s, "DELETE", `/_index_template/${old}`, undefined, true);
  return { ...inputs, templates, deleted };
}

async function prune(s: SearchClient, prefix: string, days: number): Promise<string[]> {
  const list = (await call<{ index: string }[]>(s, "GET", `/_cat/indices/${prefix}-*?format=json&h=index`, undefined, true)) ?? [];
  const expired = expiredIndices(
    prefix,
    list.map((i) => i.index),
    days,
    new Date(),
  );
  for (const i of expired) await call(s, "DELETE", `/${i}`, undefined, true);
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

async function readWith(s: SearchClient, id: string, props: SearchLogIndicesOutputs): Promise<pulumi.dynamic.ReadResult> {
  const streams: Partial<Record<LogStream, StreamSpec>> = {};
  for (const stream of streamsOf(props)) {
    const prefix = indexPrefix(props.organization, props.environment, stream);
    const got = (await call(s, "GET", `/_index_template/${prefix}`, undefined, true)) as
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
    for (const t of props.templates ?? []) await call(s, "DELETE", `/_index_template/${t}`, undefined, true);
  });
}
export { deleteTemplates as delete };
