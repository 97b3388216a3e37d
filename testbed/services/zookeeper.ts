/** ZooKeeper (Debian's 3.8, run from its jar): one of the gateway stores. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ports, runDir } from "./paths";
import { onPath, spawnService, stopProcesses, tcpExchange, waitFor, type TestbedService } from "./service";

const JAR = "/usr/share/java/zookeeper.jar";

export const zookeeper: TestbedService = {
  name: "zookeeper",
  byDefault: true,
  notInstalled: "zookeeper is not installed: run 'testbed.sh install core'",
  installed: () => fs.existsSync(JAR) && onPath("java"),

  // The `srvr` four-letter word names the server's mode once it serves.
  async probe() {
    const answer = await tcpExchange("127.0.0.1", ports.zookeeper, "srvr");
    return !!answer && answer.toString("utf8").includes("Mode");
  },

  async start(ctx) {
    const d = runDir("zookeeper");
    fs.mkdirSync(path.join(d, "data"), { recursive: true });
    fs.writeFileSync(
      path.join(d, "zoo.cfg"),
      `tickTime=2000
dataDir=${d}/data
clientPort=${ports.zookeeper}
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
`,
    );
    spawnService("zookeeper", "java", [
      "-Xmx256m",
      `-Dzookeeper.log.dir=${d}`,
      "-cp",
      `/etc/zookeeper/conf_example:${JAR}`,
      "org.apache.zookeeper.server.ZooKeeperServerMain",
      path.join(d, "zoo.cfg"),
    ]);
    await waitFor(ctx, "zookeeper", 30, () => this.probe(ctx));
  },

  stop: (ctx) => stopProcesses(ctx, ["zookeeper"]),
};
