#!/usr/bin/env node
/**
 * vamp: the gateway engine on the command line.
 *
 *   vamp validate FILE...       every error of every file; exit 1 if any
 *   vamp render FILE... [--bind 127.0.0.1] [--stats-socket PATH] [--virtual-hosts-port N] [--health-port N]
 *                               a complete HAProxy configuration on stdout (haproxy -f runs it)
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { readGateways } from "../dsl/read";
import { formatError, type Gateway, type ValidationError } from "../model/gateway";
import { renderConfig } from "../haproxy/render";
import { resolveSet } from "../validation/set";

const USAGE = `usage: vamp validate FILE...
       vamp render FILE... [--bind ADDR] [--stats-socket PATH] [--virtual-hosts-port N] [--health-port N]`;

function load(files: string[]): { gateways: Gateway[]; errors: ValidationError[]; sources: Record<string, string> } {
  const gateways: Gateway[] = [];
  const errors: ValidationError[] = [];
  const sources: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      errors.push({ source: file, path: "", message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const r = readGateways(text, file);
    errors.push(...r.errors);
    for (const g of r.gateways) {
      gateways.push(g);
      sources[g.name] = file;
    }
  }
  return { gateways, errors, sources };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bind: { type: "string" },
      "stats-socket": { type: "string" },
      "virtual-hosts-port": { type: "string" },
      "health-port": { type: "string" },
      help: { type: "boolean" },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if ((command !== "validate" && command !== "render") || !files.length) {
    console.error(USAGE);
    return 2;
  }
  const virtualHostsPort = values["virtual-hosts-port"] ? Number(values["virtual-hosts-port"]) : undefined;
  const { gateways, errors, sources } = load(files);
  const set = resolveSet(gateways, { virtualHostsPort: gateways.some((g) => g.virtualHosts.length) ? virtualHostsPort ?? 80 : undefined, sources });
  errors.push(...set.errors);
  if (errors.length) {
    for (const e of errors) console.error(formatError(e));
    console.error(`${errors.length} error${errors.length === 1 ? "" : "s"}`);
    return 1;
  }
  if (command === "validate") {
    console.log(`${gateways.length} gateway${gateways.length === 1 ? "" : "s"} valid`);
    return 0;
  }
  const { text } = renderConfig(set.gateways, {
    bind: values.bind,
    statsSocket: values["stats-socket"],
    virtualHostsPort,
    healthPort: values["health-port"] ? Number(values["health-port"]) : undefined,
  });
  process.stdout.write(text);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
