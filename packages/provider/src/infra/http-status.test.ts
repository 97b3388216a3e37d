import * as fs from "node:fs";
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { serveStatus, type StatusSource } from "./http-status";

/** The one HTTP server on an ephemeral loopback port, asked with fetch. */
describe("serveStatus: actions, files and hosts", () => {
  let server: http.Server;
  let base: string;
  const changed: unknown[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-files-"));
  fs.writeFileSync(path.join(dir, "index.html"), "<p>page</p>");
  fs.writeFileSync(path.join(os.tmpdir(), "vamp-secret.txt"), "secret");
  const source: StatusSource = {
    ready: () => ({ ready: true }),
    status: () => ({}),
    actions: { token: "t0ken-t0ken-t0ken", handlers: { "/api/change": async (b) => (changed.push(b), { ok: true }) } },
    files: dir,
  };
  beforeAll(async () => {
    server = await serveStatus(source, { host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("takes a change only with the token", async () => {
    const post = (auth?: string) =>
      fetch(`${base}/api/change`, { method: "POST", headers: auth ? { authorization: auth } : {}, body: JSON.stringify({ w: 1 }) }).then((r) => r.status);
    expect([await post(), await post("Bearer wrong"), await post("Bearer t0ken-t0ken-t0ken")]).toEqual([401, 401, 200]);
    expect(changed).toEqual([{ w: 1 }]);
  });

  it("serves the page's files and nothing outside their directory", async () => {
    expect(await (await fetch(`${base}/`)).text()).toBe("<p>page</p>");
    const outside = await fetch(`${base}/..%2fvamp-secret.txt`);
    expect(outside.status).toBe(404);
  });

  it("read-only (no token): every change refused with 403", async () => {
    const ro = await serveStatus({ ...source, actions: { handlers: source.actions!.handlers } }, { host: "127.0.0.1", port: 0 });
    const r = await fetch(`http://127.0.0.1:${(ro.address() as AddressInfo).port}/api/change`, {
      method: "POST",
      headers: { authorization: "Bearer t0ken-t0ken-t0ken" },
    });
    ro.close();
    expect(r.status).toBe(403);
  });

  it("with hosts set, answers only those Host headers", async () => {
    const only = await serveStatus({ ...source, hosts: ["page.test:1"] }, { host: "127.0.0.1", port: 0 });
    const r = await fetch(`http://127.0.0.1:${(only.address() as AddressInfo).port}/`);
    only.close();
    expect(r.status).toBe(403);
  });
});
