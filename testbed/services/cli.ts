/**
 * `testbed.sh start|stop|restart|status|env` (install stays in bash):
 *   start [svc...]     etcd zookeeper mariadb haproxy vault (default); kubernetes and search on
 *                      request; waits until each answers
 *   stop [svc...]      default: all
 *   restart [svc...]
 *   status             `<svc>: up (pid N)` / `<svc>: down`, then the Pulumi CLI; exit 1 when a
 *                      default service is down
 *   env                the environment (PATH, PULUMI_*, endpoints) as `export X="..."` lines to eval
 * Run: node -r ts-node/register/transpile-only testbed/services/cli.ts <command> [svc...]
 * Exit codes: 0 done, 1 a service failed, 2 a mistake in the command line.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import {
  DEFAULT_SERVICES,
  logLine,
  pulumiBinDir,
  SERVICE_NAMES,
  shellEnvironment,
  startServices,
  status,
  stopServices,
  TestbedError,
  UnknownServiceError,
} from "./index";
import { isExecutable } from "./service";

const USAGE = "usage: testbed.sh install [core] [vault] [kubernetes] [search] | start [svc...] | stop [svc...] | restart [svc...] | status | env";

class UsageError extends Error {}

async function printStatus(): Promise<number> {
  let rc = 0;
  const all = await status();
  const line = (s: (typeof all)[number]) => `${s.name}: up (pid ${s.pid})`;
  for (const s of all.filter((x) => !x.byDefault && x.up)) console.log(line(s));
  for (const s of all.filter((x) => x.byDefault)) {
    if (s.up) console.log(line(s));
    else {
      console.log(`${s.name}: down`);
      rc = 1;
    }
  }
  const bin = pulumiBinDir();
  const pulumi = path.join(bin, "pulumi");
  let version: string | undefined;
  if (isExecutable(pulumi)) {
    try {
      version = execFileSync(pulumi, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      version = undefined;
    }
  }
  if (version) console.log(`pulumi: ${version} (${bin})`);
  else {
    console.log("pulumi: not installed");
    rc = 1;
  }
  return rc;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...names] = argv;
  const check = () => {
    const unknown = names.filter((n) => !SERVICE_NAMES.includes(n));
    if (unknown.length) throw new UnknownServiceError(unknown);
  };
  switch (command) {
    case "start":
      check();
      await startServices(names.length ? names : DEFAULT_SERVICES);
      return 0;
    case "stop":
      check();
      await stopServices(names.length ? names : SERVICE_NAMES);
      return 0;
    case "restart":
      check();
      await stopServices(names.length ? names : SERVICE_NAMES);
      await startServices(names.length ? names : DEFAULT_SERVICES);
      return 0;
    case "status":
      if (names.length) throw new UsageError(`status takes no arguments (got ${names.join(" ")})`);
      return printStatus();
    case "env":
      if (names.length) throw new UsageError(`env takes no arguments (got ${names.join(" ")})`);
      process.stdout.write(shellEnvironment());
      return 0;
    case undefined:
    case "help":
    case "-h":
    case "--help":
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}' (${USAGE.replace(/^usage: /, "")})`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (rc) => {
      process.exitCode = rc;
    },
    (e: unknown) => {
      if (e instanceof UsageError || e instanceof UnknownServiceError) {
        process.stderr.write(`testbed: ${e.message}\n`);
        process.exitCode = 2;
      } else if (e instanceof TestbedError) {
        if (e.details) process.stderr.write(`${e.details}\n`);
        logLine(`ERROR: ${e.message}`);
        process.exitCode = 1;
      } else {
        logLine(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    },
  );
}
