#!/usr/bin/env node
/**
 * vamp: the gateway engine on the command line.
 *
 *   vamp validate FILE... [--kind K]
 *                               every artifact of every file (breeds, blueprints, deployments, gateways,
 *                               workflows, slas, scales, escalations, conditions): each problem as
 *                               file#doc:line:column, exit 1 if any; references to artifacts no file
 *                               defines are listed as warnings (exit 0)
 *   vamp status [--organization O --environment E --store ... --endpoints ...] [--namespace N [--deployment D] [--kubeconfig K]] [--output json]
 *                               the gateways, routes and weights in the store and the agents with the revisions
 *                               they serve; with --namespace, each service version of the deployments in an
 *                               environment's namespace: intention and phase (initiated, updating, done, failed)
 *   vamp metrics GATEWAY [--route R] [--window 30s] [--source live|search] [--output json] (store, tenant; --search-url)
 *                               requests, rate, status classes, error rate, p50/p95/p99, health per route
 *   vamp events [--tag T]... [--since 1h] [--follow] [--output json] --organization O --events-url URL
 *                               Vamp's events (a tag a:b also matches a), oldest first; --follow prints new ones
 *   vamp release status [NAME] | promote NAME | abort NAME | approve NAME [--wait 30s] (store, tenant)
 *                               canary releases: phase, step, weights, lease, decisions; an operator's promote or abort
 *   vamp ui [--listen 127.0.0.1:19080] [--read-only] [--token-file F] [--events-url URL] [--kubeconfig K] (store; --organization/--environment: the first tenant shown)
 *                               the web page: gateways, splits, live charts, releases (promote, abort), events, deployments
 *   vamp render FILE... [--bind 127.0.0.1] [--stats-socket PATH] [--virtual-hosts-port N] [--health-port N]
 *                               a complete HAProxy configuration on stdout (haproxy -f runs it)
 */
import { InvalidArgumentError, type Command } from "commander";
import * as fs from "node:fs";
import { deploymentStatuses } from "../discovery/deployments";
import { readArtifacts, type Catalog } from "../dsl/artifacts";
import { readGateways } from "../dsl/read";
import { ARTIFACT_KINDS, type ArtifactKind } from "../model/artifact";
import type { Gateway } from "../model/gateway";
import { formatProblem, VampError, type Problem } from "../model/problem";
import { renderConfig } from "../render/haproxy";
import type { ServiceStatus } from "../release/status";
import { resolveSet } from "../resolve/set";
import type { GatewayMetrics } from "../metrics/window";
import { intOption, newProgram, runProgram } from "./program";
import { searchTargetFromArgs, withSearchOptions, type SearchOptionValues } from "./search-args";
import { storeAndTenantFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";
import { table } from "./table";
import { commandRelease, releaseStatus } from "../rollout/commands";
import { releaseStatusText } from "./releases";
import { uiCommand } from "./ui";
import { seconds } from "../validation/units";
import { collect, liveMetrics, metricsTable, printEvents, searchMetrics, storeStatus, storeStatusText, windowSpan } from "./traffic";

/** The files' texts; a file that cannot be read is a problem. */
function readFiles(files: string[], problems: Problem[]): { text: string; file: string }[] {
  return files.flatMap((file) => {
    try {
      return [{ text: fs.readFileSync(file, "utf8"), file }];
    } catch (e) {
      problems.push({ source: file, path: "", message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return [];
    }
  });
}

function summary(catalog: Catalog): string {
  const parts = Object.entries(catalog)
    .filter(([, list]) => (list as unknown[]).length)
    .map(([kind, list]) => `${(list as unknown[]).length} ${(list as unknown[]).length === 1 ? kind.replace(/s$/, "") : kind}`);
  return parts.length ? `valid: ${parts.join(", ")}` : "no artifacts in the files";
}

/** The gateways resolved as one set (conflicts name each gateway's file). */
function resolveGateways(gateways: Gateway[], sources: Record<string, string>, virtualHostsPort: number | undefined) {
  return resolveSet(gateways, { virtualHostsPort: gateways.some((g) => g.virtualHosts.length) ? (virtualHostsPort ?? 80) : undefined, sources });
}

/** Every gateway of the files, resolved as one set, and every problem found on the way. */
function load(files: string[], virtualHostsPort: number | undefined) {
  const gateways: Gateway[] = [];
  const problems: Problem[] = [];
  const sources: Record<string, string> = {};
  for (const { text, file } of readFiles(files, problems)) {
    const r = readGateways(text, file);
    problems.push(...r.problems);
    for (const g of r.gateways) {
      gateways.push(g);
      sources[g.name] = file;
    }
  }
  const set = resolveGateways(gateways, sources, virtualHostsPort);
  return { gateways, set, problems: [...problems, ...set.problems] };
}

function report(problems: Problem[]): never {
  for (const p of problems) console.error(formatProblem(p));
  throw new VampError("invalid", `${problems.length} problem${problems.length === 1 ? "" : "s"}`);
}

function kindOption(v: string): ArtifactKind {
  const k = v.toLowerCase().endsWith("s") ? v.toLowerCase() : `${v.toLowerCase()}s`;
  if (!(ARTIFACT_KINDS as readonly string[]).includes(k))
    throw new InvalidArgumentError(`must be one of ${ARTIFACT_KINDS.join(", ")}, got ${JSON.stringify(v)}`);
  return k as ArtifactKind;
}

const program = newProgram("vamp", "Vamp gateways: validate Vamp documents and render them into an HAProxy configuration.");

program
  .command("validate")
  .description("check every artifact in the files; prints each problem as file#doc:line:column: field: reason")
  .argument("<files...>", "YAML or JSON files with Vamp documents")
  .option("--kind <kind>", `the kind of documents that do not say theirs (${ARTIFACT_KINDS.join(", ")}; singular or plural)`, kindOption)
  .action((files: string[], o: { kind?: ArtifactKind }) => {
    const problems: Problem[] = [];
    const texts = readFiles(files, problems);
    const r = readArtifacts(texts, { kind: o.kind });
    const set = resolveGateways(r.catalog.gateways, r.gatewayFiles, undefined);
    problems.push(...r.problems, ...set.problems);
    for (const u of r.unresolved)
      console.error(`warning: ${u.from}: ${u.path}: ${u.kind.replace(/s$/, "")} ${JSON.stringify(u.name)} is not defined in these files (deploying needs it)`);
    if (problems.length) report(problems);
    console.log(summary(r.catalog));
  });

program
  .command("render")
  .description("print the complete HAProxy configuration of the gateways in the files (haproxy -f runs it)")
  .argument("<files...>", "YAML or JSON files with Vamp documents")
  .option("--bind <address>", "address the gateway ports bind to (default: all)")
  .option("--stats-socket <path>", "HAProxy's admin socket (Runtime API)")
  .option("--virtual-hosts-port <port>", "port of the shared virtual-host frontend (default 80)", intOption(1, 65535))
  .option("--health-port <port>", "a monitor-uri /health frontend on this port", intOption(1, 65535))
  .action((files: string[], o: { bind?: string; statsSocket?: string; virtualHostsPort?: number; healthPort?: number }) => {
    const { set, problems } = load(files, o.virtualHostsPort);
    if (problems.length) report(problems);
    const r = renderConfig(set.gateways, { bind: o.bind, statsSocket: o.statsSocket, virtualHostsPort: o.virtualHostsPort, healthPort: o.healthPort });
    if (r.failures.length) report(r.failures.map((f) => ({ source: `gateway ${f.gateway}`, path: "", message: f.message })));
    process.stdout.write(r.text);
  });

const outputOption = (cmd: Command) => cmd.option("--output <format>", "text or json", outputFormat, "text").option("--json", "the same as --output json");
const isJson = (o: { output?: string; json?: boolean }) => o.output === "json" || !!o.json;

/** A store and tenant from the options when they are given (status may also run on Kubernetes alone). */
function maybeStore(cmd: Command, o: StoreOptionValues) {
  return o.organization || o.environment || o.endpoints ? storeAndTenantFromArgs(cmd, o) : undefined;
}

const status = outputOption(
  withStoreOptions(program.command("status"), { optional: true })
    .description("gateways, routes and weights in the store and the agents serving them; with --namespace, each service version of the deployments there")
    .option("--namespace <name>", "also: the deployments of an environment's namespace (<organization>-<environment>), from the Kubernetes API")
    .option("--deployment <name>", "only this deployment")
    .option("--kubeconfig <path>", "a kubeconfig file (default: KUBECONFIG or ~/.kube/config)"),
).action(async (o: StoreOptionValues & { namespace?: string; deployment?: string; kubeconfig?: string; output?: string; json?: boolean }) => {
  const opened = maybeStore(status, o);
  if (!opened && !o.namespace)
    throw new VampError("invalid", "give the tenant and its store (--organization, --environment, --store, --endpoints), or --namespace, or both");
  const out: Record<string, unknown> = {};
  if (opened) {
    try {
      out.store = await storeStatus(opened.store, opened.tenant);
    } finally {
      await opened.store.close();
    }
  }
  if (o.namespace) out.deployments = await deploymentStatuses(o.namespace, o.deployment, o.kubeconfig);
  if (isJson(o)) return console.log(JSON.stringify(out, null, 2));
  const parts: string[] = [];
  if (out.store) parts.push(storeStatusText(out.store as Awaited<ReturnType<typeof storeStatus>>));
  if (out.deployments) parts.push(deploymentTable(out.deployments as ServiceStatus[]));
  console.log(parts.join("\n\n"));
});

/** Aligned columns, one row per version. */
function deploymentTable(rows: ServiceStatus[]): string {
  const head = ["DEPLOYMENT", "CLUSTER", "BREED", "WORKLOAD", "INTENTION", "PHASE", "REASON"];
  return table(
    head,
    rows.map((r) => [r.deployment, r.cluster, r.breed, r.workload, r.intention, r.phase, r.reason ?? ""]),
  );
}

const metrics = outputOption(
  withSearchOptions(withStoreOptions(program.command("metrics"), { optional: true }), { search: true })
    .description("requests, rate, status classes, error rate, p50/p95/p99 and health of a gateway's routes over a window")
    .argument("<gateway>", "the gateway's name")
    .option("--route <route>", "only this route")
    .option("--window <time>", "the window, ending at the last whole second (30s, 5m, 1h)", "30s")
    .option("--source <source>", "live (the agents' 1 s buckets, merged) or search (the gateway logs in the search cluster)", sourceOption, "live"),
).action(
  async (gateway: string, o: StoreOptionValues & SearchOptionValues & { route?: string; window: string; source: string; output?: string; json?: boolean }) => {
    const span = windowSpan(o.window);
    let m: GatewayMetrics;
    if (o.source === "search") {
      const { target, problems } = searchTargetFromArgs(o, "search");
      const tenant = { organization: o.organization ?? "", environment: o.environment ?? "" };
      if (!target || problems.length || !tenant.organization || !tenant.environment)
        throw new VampError(
          "invalid",
          `--source search needs --search-url, --organization and --environment${problems.length ? `: ${problems.map(formatProblem).join("; ")}` : ""}`,
        );
      m = await searchMetrics(target, tenant, gateway, span, o.route);
    } else {
      const { store, tenant } = storeAndTenantFromArgs(metrics, o);
      try {
        const r = await liveMetrics(store, tenant, gateway, span, o.route);
        for (const x of r.missing) console.error(`warning: agent ${x} did not answer; its traffic is not counted`);
        m = r.metrics;
      } finally {
        await store.close();
      }
    }
    console.log(isJson(o) ? JSON.stringify(m, null, 2) : metricsTable(m));
  },
);

withSearchOptions(program.command("events"), { events: true })
  .description("Vamp's events (a tag a:b also matches a), oldest first")
  .requiredOption("--organization <name>", "the organization whose events to read")
  .option("--tag <tag>", "only events with this tag (repeat: all of them)", collect, [])
  .option("--since <time>", "how far back (30s, 15m, 1h)", "1h")
  .option("--follow", "keep printing new events until interrupted")
  .option("--output <format>", "text or json (one object per line)", outputFormat, "text")
  .action(async (o: SearchOptionValues & { organization: string; tag: string[]; since: string; follow?: boolean; output: string }) => {
    const { target, problems } = searchTargetFromArgs(o, "events");
    if (!target || problems.length)
      throw new VampError(
        "invalid",
        `--events-url: ${problems.length ? problems.map(formatProblem).join("; ") : "required (the management region's search cluster)"}`,
      );
    await printEvents(target, o.organization, o);
  });

const release = program.command("release").description("canary releases: their state, and an operator's promote or abort");

const releaseStatusCmd = outputOption(
  withStoreOptions(release.command("status"))
    .description("every release of the tenant (or one, with its latest decisions): phase, step, weights, who drives it")
    .argument("[name]", "one release"),
).action(async (name: string | undefined, o: StoreOptionValues & { output?: string; json?: boolean }) => {
  const { store, tenant } = storeAndTenantFromArgs(releaseStatusCmd, o);
  try {
    const s = await releaseStatus(store, tenant, name);
    console.log(isJson(o) ? JSON.stringify(name ? s.records[0] : s, null, 2) : releaseStatusText(s, !!name));
  } finally {
    await store.close();
  }
});

for (const action of ["promote", "abort", "approve"] as const) {
  const cmd = outputOption(
    withStoreOptions(release.command(action))
      .description(
        action === "abort"
          ? "roll the release back to stable now; waits until every agent confirmed the canary drained"
          : action === "approve"
            ? "let the release pass its gate (or the next one ahead); it still advances only on evidence"
            : "promote the canary to 100% now, whatever the analysis says",
      )
      .argument("<name>", "the release")
      .option("--wait <time>", "how long to wait for the driver to act (0: do not wait)", "30s")
      .option("--by <who>", "who asks, for the record and the events (default: user@host)"),
  ).action(async (name: string, o: StoreOptionValues & { wait: string; by?: string; output?: string; json?: boolean }) => {
    const wait = seconds(o.wait);
    if (!wait.ok) throw new VampError("invalid", `--wait: ${wait.reason}`);
    const { store, tenant } = storeAndTenantFromArgs(cmd, o);
    try {
      const { record, done } = await commandRelease(store, tenant, name, action, wait.value * 1000, o.by);
      if (isJson(o)) console.log(JSON.stringify({ done, record }, null, 2));
      else console.log(done ? `${name}: ${record.state?.phase}: ${record.state?.reason ?? ""}` : `${name}: ${action} asked; the driver has not acted yet`);
      if (wait.value > 0 && !done) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });
}

function outputFormat(v: string): string {
  if (v !== "text" && v !== "json") throw new InvalidArgumentError(`must be text or json, got ${JSON.stringify(v)}`);
  return v;
}

function sourceOption(v: string): string {
  if (v !== "live" && v !== "search") throw new InvalidArgumentError(`must be live or search, got ${JSON.stringify(v)}`);
  return v;
}

uiCommand(program);

void runProgram(program);
