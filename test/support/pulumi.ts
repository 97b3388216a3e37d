/**
 * Drives the real Pulumi engine through the Automation API: a file backend in a temporary
 * directory, a passphrase secrets provider, the CLI and plugins from the test bed.
 */
import { LocalWorkspace, Stack, type ConfigMap } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { testbedEnv } from "./testbed";

export const TEST_PASSPHRASE = "vamp-e2e-passphrase";

export interface TestStack {
  stack: Stack;
  /** The file backend's directory; the state file can be read there. */
  backendDir: string;
  /** Removes the stack (after destroy) and the backend directory. */
  cleanup(): Promise<void>;
}

/**
 * A fresh stack of the program in `programDir`, with its own file backend.
 *
 * @example
 * const t = await newTestStack(path.join(__dirname, "programs/store-entry"), { key: { value: "/x" } });
 * await t.stack.up();
 */
export async function newTestStack(programDir: string, config: ConfigMap = {}): Promise<TestStack> {
  const env = testbedEnv();
  const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-pulumi-state-"));
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Types are checked by `npm run typecheck`; the engine need not check them again.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PULUMI_HOME: env.PULUMI_HOME,
    PATH: env.PATH,
  };
  const stackName = `e2e${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const stack = await LocalWorkspace.createStack({ stackName, workDir: programDir }, { envVars, pulumiHome: env.PULUMI_HOME, pulumiCommand: undefined });
  await stack.setAllConfig(config);
  return {
    stack,
    backendDir,
    async cleanup() {
      try {
        await stack.workspace.removeStack(stackName, { force: true });
      } finally {
        fs.rmSync(backendDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The stack's state file as it lies on disk (for grepping secrets). Not `exportStack()`: the
 * Automation API exports with secrets decrypted.
 */
export function stateFileText(t: TestStack): string {
  const dir = path.join(t.backendDir, ".pulumi", "stacks");
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === `${t.stack.name}.json`) files.push(p);
    }
  };
  walk(dir);
  if (files.length !== 1) throw new Error(`expected one state file for ${t.stack.name} under ${dir}, found ${files.length}`);
  return fs.readFileSync(files[0], "utf8");
}
