/**
 * The gateway engine proven with real traffic: configurations rendered from Vamp documents run
 * in a real HAProxy in front of real HTTP backends.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { freePort, getOnce, sendRequests, shares, startBackend, type Backend } from "../../support/traffic";
import { until } from "../agent/harness";
import { renderYaml, requireHaproxy, runHaproxy, type RunningHaproxy } from "./haproxy-under-test";

jest.setTimeout(120_000);

let a: Backend, b: Backend, c: Backend;
const running: RunningHaproxy[] = [];
beforeAll(async () => {
  requireHaproxy();
  [a, b, c] = await Promise.all([startBackend("a"), startBackend("b"), startBackend("c")]);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop()));
});
afterAll(async () => {
  await Promise.all([a, b, c].map((x) => x?.close()));
});

async function serve(yaml: string, opts = {}): Promise<RunningHaproxy> {
  const h = await runHaproxy(renderYaml(yaml, opts));
  running.push(h);
  return h;
}
const t = (x: Backend) => `"[127.0.0.1:${x.port}]"`;

describe("weights", () => {
  it("splits 90/10 within ±2 points over 10,000 requests", async () => {
    const port = await freePort();
    await serve(`kind: gateways\nname: split\nport: ${port}/http\nroutes:\n  ${t(a)}: { weight: 90% }\n  ${t(b)}: { weight: 10% }\n`);
    const tally = await sendRequests(`http://127.0.0.1:${port}/`, 10_000, 16);
    const s = shares(tally);
    console.log(`[engine] 90/10 measured ${s.a.toFixed(2)}/${s.b.toFixed(2)} over ${tally.total}`);
    expect(tally.failed).toBe(0);
    expect(Math.abs(s.a - 90)).toBeLessThanOrEqual(2);
    expect(Math.abs(s.b - 10)).toBeLessThanOrEqual(2);
  });

  it("splits 70/30/0 within ±2 points over 10,000 requests, never to the 0% route", async () => {
    const port = await freePort();
    await serve(`kind: gateways\nname: split3\nport: ${port}\nroutes:\n  ${t(a)}: { weight: 70% }\n  ${t(b)}: { weight: 30% }\n  ${t(c)}: { weight: 0% }\n`);
    const tally = await sendRequests(`http://127.0.0.1:${port}/`, 10_000, 16);
    const s = shares(tally);
    console.log(`[engine] 70/30/0 measured ${s.a.toFixed(2)}/${s.b.toFixed(2)}/${(s.c ?? 0).toFixed(2)} over ${tally.total}`);
    expect(tally.failed).toBe(0);
    expect(Math.abs(s.a - 70)).toBeLessThanOrEqual(2);
    expect(Math.abs(s.b - 30)).toBeLessThanOrEqual(2);
    expect(tally.byBackend.c).toBeUndefined();
  });
});

describe("conditions", () => {
  const cases: [string, string, Record<string, string>, Record<string, string>][] = [
    [
      "user agent",
      "user-agent = Firefox",
      { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0" },
      { "user-agent": "curl/8.0" },
    ],
    ["header", "header X-Canary has yes", { "x-canary": "oh yes" }, { "x-canary": "no" }],
    ["cookie", "cookie group has beta", { cookie: "group=beta-testers; other=1" }, { cookie: "group=stable" }],
    ["host", "host = shop.example.com", { host: "shop.example.com:8080" }, { host: "other.example.com" }],
    ["presence and negation", "has cookie beta and not header X-Debug has 1", { cookie: "beta=1" }, { cookie: "beta=1", "x-debug": "1" }],
  ];

  it.each(cases)("%s: strength 100%% sends every matching request to the route, nothing else", async (_n, condition, match, miss) => {
    const port = await freePort();
    await serve(
      `kind: gateways\nname: cond\nport: ${port}\nroutes:\n  ${t(a)}: { weight: 100% }\n  ${t(b)}: { weight: 0%, condition: "${condition}", condition_strength: 100% }\n`,
    );
    const url = `http://127.0.0.1:${port}/`;
    const hit = await sendRequests(url, 200, 4, match);
    const other = await sendRequests(url, 200, 4, miss);
    expect(hit.byBackend).toEqual({ b: 200 });
    expect(other.byBackend).toEqual({ a: 200 });
  });

  it("strength 50% sends half the matching requests to the route; the rest follows the weights", async () => {
    const port = await freePort();
    await serve(
      `kind: gateways\nname: strength\nport: ${port}\nroutes:\n  ${t(a)}: { weight: 80% }\n  ${t(b)}: { weight: 20%, condition: user-agent == Firefox, condition_strength: 50% }\n`,
    );
    const url = `http://127.0.0.1:${port}/`;
    const firefox = shares(await sendRequests(url, 4000, 8, { "user-agent": "Firefox/120.0" }));
    const others = shares(await sendRequests(url, 4000, 8, { "user-agent": "curl/8" }));
    console.log(`[engine] strength 50%: Firefox → b ${firefox.b.toFixed(1)}% (expected 50 + 50×20% = 60), others → b ${others.b.toFixed(1)}% (expected 20)`);
    expect(Math.abs(firefox.b - 60)).toBeLessThanOrEqual(3);
    expect(Math.abs(others.b - 20)).toBeLessThanOrEqual(3);
  });
});

describe("sticky", () => {
  it("route: a client carrying the cookie stays on its route", async () => {
    const port = await freePort();
    await serve(`kind: gateways\nname: sticky\nport: ${port}\nsticky: route\nroutes:\n  ${t(a)}: { weight: 50% }\n  ${t(b)}: { weight: 50% }\n`);
    const url = `http://127.0.0.1:${port}/`;
    const agent = new http.Agent({ keepAlive: false });
    for (let client = 0; client < 10; client++) {
      const first = await getOnce(url, agent);
      const cookie = String(first.headers["set-cookie"]?.[0] ?? "").split(";")[0];
      expect(cookie).toMatch(/^VAMP_[0-9a-f]{8}=r_/);
      for (let i = 0; i < 20; i++) expect((await getOnce(url, agent, { cookie })).backend).toBe(first.backend);
    }
  });

  it("instance: the cookie also pins the instance inside the route", async () => {
    const port = await freePort();
    const yaml = `kind: gateways\nname: sticky-i\nport: ${port}\nsticky: instance\nroutes:\n  v1:\n    weight: 100%\n    instances: [{ host: 127.0.0.1, port: ${a.port}, name: pod-a }, { host: 127.0.0.1, port: ${c.port}, name: pod-c }]\n`;
    await serve(yaml);
    const url = `http://127.0.0.1:${port}/`;
    const agent = new http.Agent({ keepAlive: false });
    const first = await getOnce(url, agent);
    const cookies = (first.headers["set-cookie"] ?? []).map((x) => x.split(";")[0]).join("; ");
    // The instance cookie names the server slot the instance sits in (render/slots.ts).
    expect(cookies).toMatch(/VAMPI_[0-9a-f]{8}=slot\d+/);
    for (let i = 0; i < 20; i++) expect((await getOnce(url, agent, { cookie: cookies })).backend).toBe(first.backend);
    const spread = await sendRequests(url, 100, 2);
    expect(Object.keys(spread.byBackend).sort()).toEqual(["a", "c"]); // without the cookie both instances serve
  });
});

describe("virtual hosts, rewrites, chaining, tcp", () => {
  it("serves two gateways on one shared virtual-host port by Host header", async () => {
    const [p1, p2, vh] = [await freePort(), await freePort(), await freePort()];
    await serve(
      `kind: gateways\nname: shop\nport: ${p1}\nvirtual_hosts: [shop.example.com]\nroutes:\n  ${t(a)}: {}\n---\nkind: gateways\nname: blog\nport: ${p2}\nvirtual_hosts: ["*.blog.example.com"]\nroutes:\n  ${t(b)}: {}\n`,
      { virtualHostsPort: vh },
    );
    const url = `http://127.0.0.1:${vh}/`;
    expect((await sendRequests(url, 50, 2, { host: "shop.example.com" })).byBackend).toEqual({ a: 50 });
    expect((await sendRequests(url, 50, 2, { host: "eu.blog.example.com:443" })).byBackend).toEqual({ b: 50 });
    expect((await sendRequests(url, 10, 2, { host: "unknown.example.com" })).failed).toBe(10);
  });

  it("rewrites the path, unconditionally or under a condition", async () => {
    const port = await freePort();
    await serve(`kind: gateways\nname: rw\nport: ${port}\nroutes:\n  ${t(a)}:\n    rewrites:\n      - path: /v2/api if header X-Api has v2\n`);
    const agent = new http.Agent();
    expect((await getOnce(`http://127.0.0.1:${port}/orig`, agent, { "x-api": "v2" })).body).toBe("a /v2/api\n");
    expect((await getOnce(`http://127.0.0.1:${port}/orig`, agent)).body).toBe("a /orig\n");
    agent.destroy();
  });

  it("chains a gateway to another gateway", async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    await serve(
      `kind: gateways\nname: inner\nport: ${p1}\nroutes:\n  ${t(b)}: {}\n---\nkind: gateways\nname: edge\nport: ${p2}\nroutes:\n  inner: { weight: 100% }\n`,
    );
    expect((await sendRequests(`http://127.0.0.1:${p2}/`, 100, 4)).byBackend).toEqual({ b: 100 });
  });

  it("carries raw tcp through a tcp gateway", async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoPort = (echo.address() as net.AddressInfo).port;
    const port = await freePort();
    await serve(`kind: gateways\nname: db\nport: ${port}/tcp\nroutes:\n  "[127.0.0.1:${echoPort}]": {}\n`);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("ping over tcp\n"));
      s.on("data", (d) => {
        resolve(d.toString());
        s.end();
      });
      s.on("error", reject);
    });
    echo.close();
    expect(answer).toBe("ping over tcp\n");
  });
});

describe("access log", () => {
  /** One request written as raw bytes, the answer's text. */
  const rawGet = (port: number, target: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write(`GET ${target} HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n`));
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });

  interface LogLine {
    gateway: string;
    route: string;
    server: string;
    query: string;
    term: string;
    method: string;
    path: string;
    status: number;
    time_ms: number;
  }
  const logLines = (file: string): LogLine[] =>
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as LogLine);

  it("logs each request once, as JSON naming the gateway and the route that served it, conditional hops included", async () => {
    const port = await freePort();
    const h = await serve(
      `kind: gateways\nname: shop/web\nport: ${port}\nroutes:\n  ${t(a)}: { weight: 100% }\n  ${t(b)}: { weight: 0%, condition: "has header X-Beta", condition_strength: 50% }\n`,
      { log: "stdout" },
    );
    // The query string is not logged unless the gateway opts in: it may carry personal data.
    const plain = await sendRequests(`http://127.0.0.1:${port}/p?email=someone%40example.com`, 40, 4);
    const beta = await sendRequests(`http://127.0.0.1:${port}/b`, 40, 4, { "x-beta": "1" });
    expect(plain.failed + beta.failed).toBe(0);
    let lines: LogLine[] = [];
    await until(() => (lines = logLines(h.logPath)).length >= 80, 5000, "80 log lines");
    expect(lines).toHaveLength(80);
    const routeOf = { a: `[127.0.0.1:${a.port}]`, b: `[127.0.0.1:${b.port}]` };
    for (const l of lines) {
      expect(l).toMatchObject({ gateway: "shop/web", method: "GET", status: 200, query: "-", term: "----" });
      expect(l.time_ms).toBeGreaterThanOrEqual(0);
      expect(Object.keys(l)).not.toContain("client"); // metadata only: never the client's address
    }
    const served = (p: string) => lines.filter((l) => l.path === p).map((l) => l.route);
    expect(served("/p")).toEqual(Array(40).fill(routeOf.a));
    // Strength 50%: half of the matching requests to b, the other half through the split to a.
    const byRoute = served("/b").reduce<Record<string, number>>((n, r) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {});
    expect(byRoute).toEqual({ [routeOf.a]: beta.byBackend.a, [routeOf.b]: beta.byBackend.b });
    expect(beta.byBackend.b).toBeGreaterThan(0);
  });

  it("keeps the query string of a gateway that opts in, and escapes what would break the JSON", async () => {
    const port = await freePort();
    const h = await serve(`kind: gateways\nname: shop/q\nport: ${port}\nlog_query_string: true\nroutes:\n  ${t(a)}: { weight: 100% }\n`, { log: "stdout" });
    // Raw bytes on the wire (an HTTP client would normalize them): a backslash and a quote in the path.
    const answer = await rawGet(port, '/a\\b"c?x=1&y="2"');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    let lines: LogLine[] = [];
    await until(() => (lines = logLines(h.logPath)).length >= 1, 5000, "a log line");
    expect(lines[0]).toMatchObject({ gateway: "shop/q", path: '/a\\b"c', query: '?x=1&y="2"' });
  });
});
