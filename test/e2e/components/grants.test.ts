/**
 * The grants and policies the components declare, applied to real servers: the MySQL database,
 * user and grants of each organization to the test bed's MariaDB, and the Vault policy
 * documents of each environment to the test bed's Vault. Then the generated user logs in and
 * sees only its database, and an agent's Vault token reads its environment's gateways and not
 * another's.
 */
import { execFileSync } from "node:child_process";
import { VaultStore } from "../../../packages/provider/src/store";
import { declareResources, type DeclaredResource } from "../../../packages/components/src/testing";
import { requireServices, testbedEnv, vaultToken } from "../../support/testbed";
import { tenantsProgram } from "./programs";

jest.setTimeout(60_000);

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- provider inputs are free-form
const of = (d: DeclaredResource[], type: string) => d.filter((r) => r.type === type).map((r) => r.inputs as Inputs);

function sql(statements: string, user = "root", password?: string): string {
  const [host, port] = testbedEnv().VAMP_MYSQL_ENDPOINT.split(":");
  const args = ["--no-defaults", "--protocol=tcp", `-h${host}`, `-P${port}`, `-u${user}`, "--batch", "--skip-column-names", "-e", statements];
  return execFileSync("mariadb", args, {
    encoding: "utf8",
    env: { ...process.env, ...(password ? { MYSQL_PWD: password } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const q = (s: string) => s.replace(/'/g, "''");
/** What @pulumi/mysql does for each declared resource, as SQL. */
function statementsFor(d: DeclaredResource[]): string[] {
  return [
    ...of(d, "mysql:index/database:Database").map((x) => `CREATE DATABASE \`${x.name}\` CHARACTER SET ${x.defaultCharacterSet} COLLATE ${x.defaultCollation}`),
    ...of(d, "mysql:index/user:User").map((x) => `CREATE USER '${q(x.user)}'@'${q(x.host)}' IDENTIFIED BY '${q(x.plaintextPassword)}'`),
    ...of(d, "mysql:index/grant:Grant").map(
      (x) => `GRANT ${(x.privileges as string[]).join(", ")} ON \`${x.database}\`.${x.table ? `\`${x.table}\`` : "*"} TO '${q(x.user)}'@'${q(x.host)}'`,
    ),
  ];
}

describe("declared MySQL grants on a real MariaDB", () => {
  let d: DeclaredResource[];
  const cleanup = () => sql("DROP USER IF EXISTS 'vamp_acme'@'%', 'vamp_globex'@'%'; DROP DATABASE IF EXISTS vamp_acme; DROP DATABASE IF EXISTS vamp_globex;");

  beforeAll(async () => {
    await requireServices("mariadb");
    d = await declareResources(tenantsProgram);
    cleanup();
    for (const s of statementsFor(d)) sql(s);
  });
  afterAll(() => cleanup());

  it("the generated user logs in and sees only its own database", () => {
    const pw = of(d, "mysql:index/user:User").find((u) => u.user === "vamp_acme")!.plaintextPassword as string;
    expect(pw.length).toBeGreaterThan(10);
    expect(sql("SHOW DATABASES", "vamp_acme", pw).trim().split("\n").sort()).toEqual(["information_schema", "vamp_acme"]);
    sql("CREATE TABLE vamp_acme.journal (id INT PRIMARY KEY); INSERT INTO vamp_acme.journal VALUES (1);", "vamp_acme", pw);
    expect(() => sql("SELECT 1 FROM vamp_globex.anything", "vamp_acme", pw)).toThrow(/denied/);
    expect(() => sql("CREATE DATABASE vamp_other", "vamp_acme", pw)).toThrow(/denied/);
    const grants = sql("SHOW GRANTS", "vamp_acme", pw);
    expect(grants).toMatch(/GRANT USAGE ON \*\.\* TO `vamp_acme`@`%`/);
    expect(grants).toMatch(/GRANT ALL PRIVILEGES ON `vamp_acme`\.\* TO `vamp_acme`@`%`/);
    expect(grants).not.toMatch(/WITH GRANT OPTION/);
  });

  it("a wrong password is refused", () => {
    expect(() => sql("SELECT 1", "vamp_acme", "wrong")).toThrow(/Access denied/);
  });
});

describe("declared Vault policies on a real Vault", () => {
  let d: DeclaredResource[];
  const addr = () => testbedEnv().VAMP_VAULT_ADDR;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Vault's JSON, checked field by field below
  async function vault(method: string, path: string, body?: unknown, token = vaultToken()): Promise<any> {
    const res = await fetch(`${addr()}/v1/${path}`, {
      method,
      headers: { "X-Vault-Token": token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`vault ${method} ${path}: HTTP ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  const tokenFor = async (policy: string) =>
    (await vault("POST", "auth/token/create", { policies: [policy], ttl: "10m", no_parent: true })).auth.client_token as string;
  const storeWith = (token: string) => new VaultStore({ kind: "vault", address: addr() }, { token });
  const rec = (name: string) => JSON.stringify({ apiVersion: "vamp.io/v2", kind: "Gateway", name, spec: { port: "9050/http", routes: {} } });

  beforeAll(async () => {
    await requireServices("vault");
    d = await declareResources(tenantsProgram);
    for (const p of of(d, "vault:index/policy:Policy")) await vault("PUT", `sys/policies/acl/${p.name}`, { policy: p.policy });
    const root = storeWith(vaultToken());
    await root.put("/vamp/acme/prod/gateways/shop", rec("shop"));
    await root.put("/vamp/acme/test/gateways/shop", rec("shop"));
  });

  it("an agent token reads and lists its environment's gateways, and nothing of another environment", async () => {
    const agent = storeWith(await tokenFor("vamp-acme-prod-agent"));
    expect((await agent.list("/vamp/acme/prod/gateways")).map((e) => e.key)).toEqual(["/vamp/acme/prod/gateways/shop"]);
    expect((await agent.get("/vamp/acme/prod/gateways/shop"))?.value).toBe(rec("shop"));
    await expect(agent.get("/vamp/acme/test/gateways/shop")).rejects.toThrow(/HTTP 403/);
    await expect(agent.list("/vamp/acme/test/gateways")).rejects.toThrow(/HTTP 403/);
    await expect(agent.list("/vamp/globex/prod/gateways")).rejects.toThrow(/HTTP 403/);
  });

  it("an agent token cannot write, a writer token writes its environment only", async () => {
    const agent = storeWith(await tokenFor("vamp-acme-prod-agent"));
    await expect(agent.put("/vamp/acme/prod/gateways/evil", rec("evil"))).rejects.toThrow(/HTTP 403/);
    const writer = storeWith(await tokenFor("vamp-acme-prod-writer"));
    await writer.put("/vamp/acme/prod/gateways/new", rec("new"));
    expect(await writer.delete("/vamp/acme/prod/gateways/new")).toBe(true);
    await expect(writer.put("/vamp/acme/test/gateways/new", rec("new"))).rejects.toThrow(/HTTP 403/);
  });

  it("an agent token writes its presence but no release; a writer token writes releases and reads presence", async () => {
    const agent = storeWith(await tokenFor("vamp-acme-prod-agent"));
    await agent.put("/vamp/acme/prod/agents/a-0", '{"id":"a-0"}');
    await expect(agent.put("/vamp/acme/prod/releases/r", "{}")).rejects.toThrow(/HTTP 403/);
    await expect(agent.put("/vamp/acme/test/agents/a-0", "{}")).rejects.toThrow(/HTTP 403/);
    const writer = storeWith(await tokenFor("vamp-acme-prod-writer"));
    await writer.put("/vamp/acme/prod/releases/r", "{}");
    expect(await writer.delete("/vamp/acme/prod/releases/r")).toBe(true);
    expect((await writer.list("/vamp/acme/prod/agents")).map((e) => e.key)).toEqual(["/vamp/acme/prod/agents/a-0"]);
    await expect(writer.put("/vamp/acme/prod/agents/a-0", "{}")).rejects.toThrow(/HTTP 403/);
  });
});
