/** MariaDB (Debian's 10.11): the tenancy components' grants suite. */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ports, runDir } from "./paths";
import { logFile, onPath, runLogged, spawnService, stopProcesses, tail, tcpExchange, TestbedError, waitFor, type TestbedService } from "./service";

const execFileP = promisify(execFile);

export const mariadb: TestbedService = {
  name: "mariadb",
  byDefault: true,
  notInstalled: "mariadb is not installed: run 'testbed.sh install core'",
  installed: () => onPath("mariadbd") && onPath("mariadb-install-db"),

  // As `mariadb-admin ping`: the server is alive once it greets a connection with its
  // handshake (protocol version 10), whatever it would then say to the credentials.
  async probe() {
    const greeting = await tcpExchange("127.0.0.1", ports.mariadb, undefined, { untilBytes: 5 });
    return !!greeting && greeting.length >= 5 && greeting[4] === 10;
  },

  async start(ctx) {
    const d = runDir("mariadb");
    const user = os.userInfo().username;
    if (!fs.existsSync(path.join(d, "data", "mysql"))) {
      fs.mkdirSync(path.join(d, "data"), { recursive: true });
      const rc = await runLogged(
        "mariadb-install-db",
        ["--no-defaults", `--datadir=${d}/data`, `--user=${user}`, "--auth-root-authentication-method=normal"],
        logFile("mariadb"),
      );
      if (rc !== 0) throw new TestbedError(`mariadb-install-db failed (log: ${logFile("mariadb")})`, tail(logFile("mariadb")));
    }
    spawnService("mariadb", "mariadbd", [
      "--no-defaults",
      `--datadir=${d}/data`,
      `--user=${user}`,
      "--bind-address=127.0.0.1",
      `--port=${ports.mariadb}`,
      `--socket=${d}/mysqld.sock`,
      `--pid-file=${d}/mysqld.pid`,
      "--skip-log-bin",
    ]);
    await waitFor(ctx, "mariadb", 30, () => this.probe(ctx));
    // As mysql_secure_installation would: anonymous accounts match before 'user'@'%' and lock
    // every such user out of local connections.
    const sql = `DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'${os.hostname()}'; DROP DATABASE IF EXISTS test;`;
    try {
      await execFileP("mariadb", ["--no-defaults", "--protocol=tcp", "-h127.0.0.1", `-P${ports.mariadb}`, "-uroot", "-e", sql]);
    } catch (e) {
      throw new TestbedError(`mariadb: dropping the anonymous accounts failed: ${String((e as { stderr?: string }).stderr ?? e).trim()}`);
    }
  },

  stop: (ctx) => stopProcesses(ctx, ["mariadb"]),
};
