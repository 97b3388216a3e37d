/** Renders gateway documents and runs them in a real HAProxy for the engine suites. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readGateways } from "../../../packages/provider/src/dsl/read";
import { renderConfig, type RenderOptions } from "../../../packages/provider/src/render/haproxy";
import { formatProblem } from "../../../packages/provider/src/model/problem";
import { HaproxyMaster } from "../../../packages/provider/src/haproxy/master";
import { resolveSet } from "../../../packages/provider/src/resolve/set";
import { fromVampFields } from "../../../packages/provider/src/validation/dialect";
import { validateGateway } from "../../../packages/provider/src/validation/gateway";

/** Fails loudly when HAProxy is missing: these suites never skip. */
export function requireHaproxy(): void {
  try {
    execFileSync("haproxy", ["-v"], { stdio: "pipe" });
  } catch {
    throw new Error("haproxy is not installed: run `npm run testbed -- install`");
  }
}

/** YAML documents → HAProxy configuration text; throws with every validation and render problem. */
export function renderYaml(yaml: string, opts: RenderOptions = {}): string {
  const { gateways, problems } = readGateways(yaml, "test.yaml");
  const set = resolveSet(gateways, { virtualHostsPort: opts.virtualHostsPort });
  const all = [...problems, ...set.problems];
  if (all.length) throw new Error(all.map(formatProblem).join("\n"));
  const rendered = renderConfig(set.gateways, { bind: "127.0.0.1", log: false, ...opts });
  if (rendered.failures.length) throw new Error(rendered.failures.map((f) => `gateway ${f.gateway}: ${f.message}`).join("\n"));
  return rendered.text;
}

/**
 * One gateway as a Vamp document has it (Vamp's field names, its `name` inside) → validated the
 * way the YAML reader does: field names converted, problems reported in Vamp's names.
 */
export function validateVampGateway(raw: unknown, source: string): ReturnType<typeof validateGateway> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return validateGateway(raw, { source, name: undefined, dialect: "vamp" });
  const { name, ...rest } = raw as Record<string, unknown>;
  return validateGateway(fromVampFields(rest), { source, name, dialect: "vamp" });
}

/** `haproxy -c` on a configuration text; returns the error output or undefined when valid. */
export function haproxyCheck(text: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-check-"));
  const file = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(file, text);
  try {
    execFileSync("haproxy", ["-c", "-q", "-f", file], { stdio: "pipe" });
    return undefined;
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningHaproxy {
  master: HaproxyMaster;
  /** HAProxy's output: its access log when rendered with `log: "stdout"`. */
  logPath: string;
  stop(): Promise<void>;
}

/** Starts HAProxy on a rendered configuration (checked first). */
export async function runHaproxy(text: string): Promise<RunningHaproxy> {
  const problem = haproxyCheck(text);
  if (problem) throw new Error(`rendered configuration fails haproxy -c:\n${problem}\n${text}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-haproxy-"));
  fs.writeFileSync(path.join(dir, "haproxy.cfg"), text);
  const master = new HaproxyMaster({
    configPath: path.join(dir, "haproxy.cfg"),
    masterSocket: path.join(dir, "master.sock"),
    logPath: path.join(dir, "haproxy.log"),
  });
  await master.start();
  return {
    master,
    logPath: path.join(dir, "haproxy.log"),
    async stop() {
      await master.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
