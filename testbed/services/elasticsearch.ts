/**
 * The Elasticsearch node: one Elasticsearch 8 core node (the server jars from Maven Central,
 * installed by `testbed.sh install elasticsearch`; no x-pack, no ingest processors, no ILM) on a
 * JDK 17-24, beside the OpenSearch node of search.ts. Started by testbed/search/TestbedElasticsearch.java.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dirs, ports, runDir } from "./paths";
import { chownTree, clusterHealthy, jdkBetween, NOBODY, openToAll } from "./search";
import { spawnService, stopProcesses, TestbedError, waitFor, type TestbedService } from "./service";

/**
 * A JDK of version 17 to 24 (what Elasticsearch 8.19 supports): JAVA17_HOME or one under
 * /usr/lib/jvm. On Temurin 25 the node starts too, but without its native provider (no libzstd)
 * and with warnings of Lucene 9 and Netty about the newer JDK.
 */
export function java17(): string | undefined {
  return jdkBetween(17, 24, process.env.JAVA17_HOME);
}

const classFile = () => path.join(dirs.elasticsearch, "classes", "TestbedElasticsearch.class");

export const elasticsearch: TestbedService = {
  name: "elasticsearch",
  byDefault: false,
  notInstalled: "the Elasticsearch node is not installed: run 'testbed.sh install elasticsearch'",
  installed: () => fs.existsSync(classFile()),

  probe: () => clusterHealthy(ports.elasticsearch),

  async start(ctx) {
    const d = runDir("elasticsearch");
    const jdk = java17();
    if (!jdk) throw new TestbedError("no JDK 17-24 found (set JAVA17_HOME; Debian: apt-get install openjdk-17-jdk-headless)");
    // data/, logs/ and config/ of the node (TestbedElasticsearch creates them), kept across restarts.
    const node = path.join(d, "node");
    fs.mkdirSync(node, { recursive: true });
    let home = dirs.elasticsearch;
    let user: { uid: number; gid: number } | undefined;
    // Run as nobody when we are root (the Elasticsearch launcher refuses root), from a fresh copy of
    // the home it can read (the cache may sit in a home directory closed to others; fresh, so a
    // re-install is picked up).
    if (process.getuid?.() === 0) {
      home = path.join(d, "home");
      fs.rmSync(home, { recursive: true, force: true });
      fs.cpSync(dirs.elasticsearch, home, { recursive: true });
      openToAll(home);
      chownTree(node, NOBODY, NOBODY);
      user = { uid: NOBODY, gid: NOBODY };
    }
    spawnService(
      "elasticsearch",
      path.join(jdk, "bin", "java"),
      ["-Xms512m", "-Xmx512m", "-cp", `${home}/classes:${home}/lib/*`, "TestbedElasticsearch", home, node, String(ports.elasticsearch)],
      user,
    );
    await waitFor(ctx, "elasticsearch", 120, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["elasticsearch"]),
};
