/**
 * The command lines as a user runs them after the README's commands: through the bins npm
 * linked (node_modules/.bin), with mistakes answered by one clear line and a non-zero exit.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/testbed";

const bin = (name: string) => path.join(REPO_ROOT, "node_modules", ".bin", name);
function run(name: string, ...args: string[]) {
  const r = spawnSync(bin(name), args, { encoding: "utf8", cwd: REPO_ROOT, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** No JavaScript stack trace reaches the user. */
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);

let dir: string;
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-cli-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the bins npm links", () => {
  it.each(["vamp", "vamp-gateway-agent", "vamp-reconciler"])("%s exists and answers --help with exit 0", (name) => {
    expect(fs.existsSync(bin(name))).toBe(true);
    const r = run(name, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: ${name}`));
  });

  it("every vamp command has --help", () => {
    for (const c of ["validate", "render"]) {
      const r = run("vamp", c, "--help");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: vamp ${c}`));
    }
  });
});

describe("mistakes get one clear line and a non-zero exit", () => {
  it("an unknown flag", () => {
    const r = run("vamp", "validate", "--kinds", "gateways", path.join(REPO_ROOT, "examples/gateways/shop.yaml"));
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe("vamp: unknown option '--kinds'");
    noStack(r.err);
  });

  it("an unknown command, and a missing file", () => {
    expect(run("vamp", "frobnicate")).toMatchObject({ code: 2, err: expect.stringMatching(/^vamp: unknown command 'frobnicate'/) });
    const r = run("vamp", "validate", path.join(dir, "missing.yaml"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.yaml: cannot read: ENOENT/);
    noStack(r.err);
  });

  it("validate prints file, document, line and column, in Vamp's field names", () => {
    const f = file("bad.yaml", 'kind: gateway\nname: x\nport: 9050\nroutes:\n  "[10.0.0.1:80]":\n    condition_strenght: 50\n    weight: 150\n');
    const r = run("vamp", "validate", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}#1:6:25: routes["[10.0.0.1:80]"].condition_strenght: unknown field (did you mean "condition_strength"?)`);
    expect(r.err).toContain(`${f}#1:7:13: routes["[10.0.0.1:80]"].weight: must be between 0% and 100%, got 150`);
    noStack(r.err);
  });

  it("render of a condition HAProxy cannot express is refused by validation, not a crash", () => {
    const huge = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
    const f = file("huge.yaml", `kind: gateways\nname: x\nport: 9050\nroutes:\n  "[10.0.0.1:80]":\n    condition: "${huge}"\n`);
    const r = run("vamp", "render", f);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/huge\.yaml#1:6:\d+: routes\["\[10\.0\.0\.1:80\]"\]\.condition: ".*" expands to more than 64 alternatives/);
    noStack(r.err);
  });

  it("a bad value for a numeric flag", () => {
    const r = run("vamp", "render", path.join(REPO_ROOT, "examples/gateways/shop.yaml"), "--health-port", "http");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vamp: option '--health-port <port>' argument 'http' is invalid\. must be a whole number from 1 to 65535, got "http"/);
  });

  it("the daemons name every bad option at once, before touching anything", () => {
    const r = run("vamp-gateway-agent", "--organization", "Acme", "--environment", "prod", "--endpoints", "http://127.0.0.1:1", "--listen", "nope");
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(
      'vamp-gateway-agent: --organization: must be a DNS label (lower-case letters, digits, \'-\', at most 63), got "Acme"; --listen: must be HOST:PORT with a port 1-65535, got "nope"',
    );
    const m = run("vamp-reconciler", "--environment", "prod");
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/^vamp-reconciler: required option '--organization <name>' not specified/);
  });

  it("vamp ui off loopback without a token or --read-only is refused before it listens", () => {
    const r = run("vamp", "ui", "--endpoints", "http://127.0.0.1:1", "--listen", "0.0.0.0:19397");
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe("vamp ui: --listen: 0.0.0.0 is not loopback: give the token (VAMP_UI_TOKEN or --token-file) or --read-only");
    noStack(r.err);
  });
});

describe("what works", () => {
  it("validates every kind of Vamp document: the sava blueprint with its breeds, scale and SLA", () => {
    expect(run("vamp", "validate", "examples/blueprints/sava.yaml")).toEqual({ code: 0, out: "valid: 2 breeds, 1 blueprint, 1 sla, 1 scale\n", err: "" });
  });

  it("lists references to artifacts no file defines as warnings (exit 0), and reads kind-less files with --kind", () => {
    const bp = file("bp.yaml", "kind: blueprint\nname: b\nclusters:\n  web:\n    breed: web:1\n    scale: tiny\n");
    const r = run("vamp", "validate", bp);
    expect(r.code).toBe(0);
    expect(r.err.split("\n").filter(Boolean)).toEqual([
      'warning: blueprint b: clusters.web.services[0].breed: breed "web:1" is not defined in these files (deploying needs it)',
      'warning: blueprint b: clusters.web.services[0].scale: scale "tiny" is not defined in these files (deploying needs it)',
    ]);
    const scale = file("tiny.yaml", "name: tiny\ncpu: 0.1\nmemory: 32Mi\n");
    expect(run("vamp", "validate", "--kind", "scale", scale, bp).err).not.toMatch(/scale "tiny"/);
    const wrong = run("vamp", "validate", "--kind", "scale", file("wrong.yaml", "name: tiny\ncpu: lots\nmemory: 32Mi\n"));
    expect(wrong).toMatchObject({
      code: 1,
      err: expect.stringContaining('wrong.yaml#1:2:6: cpu: must be a number of cores more than 0 like 0.5 or "500m", got "lots"'),
    });
    noStack(wrong.err);
  });

  it("validates and renders the example", () => {
    const v = run("vamp", "validate", "examples/gateways/shop.yaml");
    expect(v).toMatchObject({ code: 0, out: "valid: 3 gateways\n" });
    const r = run("vamp", "render", "examples/gateways/shop.yaml", "--bind", "127.0.0.1");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^frontend g_shop_web_[0-9a-f]{8}$/m);
    expect(r.out).toMatch(/bind 127\.0\.0\.1:19050/);
  });
});
