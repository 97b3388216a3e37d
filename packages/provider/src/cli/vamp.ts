#!/usr/bin/env node
/**
 * vamp: the gateway engine on the command line.
 *
 *   vamp validate FILE... [--kind K]
 *                               every artifact of every file (breeds, blueprints, deployments, gateways,
 *                               workflows, slas, scales, escalations, conditions): each problem as
 *                               file#doc:line:column, exit 1 if any; references to artifacts no file
 *                               defines are listed as warnings (exit 0)
 *   vamp status --namespace N [--deployment D] [--kubeconfig K] [--json]
 *                               each service version of the deployments in an environment's namespace:
 *                               intention and phase (initiated, updating, done, failed with the reason)
 *   vamp render FILE... [--bind 127.0.0.1] [--stats-socket PATH] [--virtual-hosts-port N] [--health-port N]
 *                               a complete HAProxy configuration on stdout (haproxy -f runs it)
 */
import { InvalidArgumentError } from "commander";
import * as fs from "node:fs";
import { listWorkloads, loadKubeConfig } from "../discovery/kubernetes";
import { readArtifacts, type Catalog } from "../dsl/artifacts";
import { readGateways } from "../dsl/read";
import { ARTIFACT_KINDS, type ArtifactKind } from "../model/artifact";
import type { Gateway } from "../model/gateway";
import { formatProblem, VampError, type Problem } from "../model/problem";
import { renderConfig } from "../render/haproxy";
import { LABELS } from "../release/plan";
import { versionStatus, type ServiceStatus } from "../release/status";
import { resolveSet } from "../resolve/set";
import { intOption, newProgram, runProgram } from "./program";

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

program
  .command("status")
  .description("the status of each service version the Deployment component runs in a namespace (read from the Kubernetes API)")
  .requiredOption("--namespace <name>", "the environment's namespace (<organization>-<environment>)")
  .option("--deployment <name>", "only this deployment")
  .option("--kubeconfig <path>", "a kubeconfig file (default: KUBECONFIG or ~/.kube/config)")
  .option("--json", "print JSON instead of a table")
  .action(async (o: { namespace: string; deployment?: string; kubeconfig?: string; json?: boolean }) => {
    const selector = o.deployment ? `${LABELS.deployment}=${o.deployment}` : LABELS.deployment;
    let workloads;
    try {
      workloads = await listWorkloads(loadKubeConfig(o.kubeconfig), o.namespace, selector);
    } catch (e) {
      throw new VampError("unavailable", `cannot list the deployments of namespace ${o.namespace}: ${(e as Error).message.split("\n")[0]}`);
    }
    const rows = workloads
      .map(versionStatus)
      .sort((a, b) => `${a.deployment}/${a.cluster}/${a.breed}`.localeCompare(`${b.deployment}/${b.cluster}/${b.breed}`));
    if (o.json) return console.log(JSON.stringify(rows, null, 2));
    console.log(statusTable(rows));
  });

/** Aligned columns, one row per version. */
function statusTable(rows: ServiceStatus[]): string {
  const head = ["DEPLOYMENT", "CLUSTER", "BREED", "WORKLOAD", "INTENTION", "PHASE", "REASON"];
  const cells = rows.map((r) => [r.deployment, r.cluster, r.breed, r.workload, r.intention, r.phase, r.reason ?? ""]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells]
    .map((c) =>
      c
        .map((x, i) => x.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

void runProgram(program);
