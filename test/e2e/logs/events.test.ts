/**
 * Events through the real engine: a `pulumi up` that creates a gateway, then one that changes its
 * weights, leave exactly the expected Vamp events in the management region's search cluster,
 * found by tag (and by `vamp events`); an events cluster that is away never fails the update:
 * what was missed is in the resource's outputs.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { REPO_ROOT, requireServices, storeConnection } from "../../support/testbed";
import { freePort } from "../../support/traffic";
import { connectSearch } from "../../../packages/provider/src/search/client";
import { queryEvents } from "../../../packages/provider/src/search/events";
import { deleteIndices, searchCall, searchNode } from "./harness";

jest.setTimeout(240_000);

describe("events of pulumi up, found by tag", () => {
  let t: TestStack;
  const environment = `ev${Date.now().toString(36)}`;
  const node = () => searchNode("opensearch");
  const organization = "e2e";
  const byTag = async (tags: string[], since: number) => {
    const search = await connectSearch({ url: node().url });
    try {
      await searchCall(node().url, "POST", "/vamp-e2e-audit-*/_refresh");
      return await queryEvents(search, organization, tags, since);
    } finally {
      await search.close();
    }
  };

  beforeAll(async () => {
    await requireServices("etcd", "search");
    t = await newTestStack(path.join(__dirname, "..", "programs", "gateway"), {
      store: { value: JSON.stringify(storeConnection("etcd").connection) },
      environment: { value: environment },
      port: { value: String(await freePort()) },
      stable: { value: "127.0.0.1:18001" },
      canary: { value: "127.0.0.1:18002" },
      canaryWeight: { value: "10" },
      events: { value: JSON.stringify({ url: node().url }) },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
    await deleteIndices(node().url, "vamp-e2e-audit-*");
  });

  const env = `environments:${environment}`;
  /** `vamp events` on this organization and the node, with `more`. */
  const eventsCli = (...more: string[]) => [
    path.join(REPO_ROOT, "packages/provider/bin/vamp.js"),
    "events",
    "--organization",
    organization,
    "--events-url",
    node().url,
    ...more,
  ];

  it("create: archive:create and a route:added per route", async () => {
    const t0 = Date.now() - 1000;
    const up = await t.stack.up();
    expect(up.outputs.eventsMissed?.value).toBeUndefined();
    const events = await byTag(["gateways:shop/web", env], t0);
    expect(events.map((e) => e.tags.filter((x) => /^(archive|route):/.test(x)).join()).sort()).toEqual(["archive:create", "route:added", "route:added"]);
  });

  it("a weight change: exactly archive:update and two route:weightupdated, with the weights", async () => {
    const t1 = Date.now();
    await t.stack.setConfig("canaryWeight", { value: "20" });
    const up = await t.stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    const events = await byTag(["gateways:shop/web", env], t1);
    expect(events.map((e) => e.tags.filter((x) => /^(archive|route):/.test(x)).join()).sort()).toEqual([
      "archive:update",
      "route:weightupdated",
      "route:weightupdated",
    ]);
    const weights = (await byTag(["route:weightupdated", env], t1)).map((e) => e.value).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(weights).toEqual([
      { gateway: "shop/web", route: "[127.0.0.1:18001]", from: 90, to: 80 },
      { gateway: "shop/web", route: "[127.0.0.1:18002]", from: 10, to: 20 },
    ]);
    // The same through the command line, by tag.
    const cli = spawnSync(process.execPath, eventsCli("--tag", "route:weightupdated", "--tag", env, "--output", "json"), { encoding: "utf8" });
    expect(cli.stderr).toBe("");
    expect(
      cli.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { value: { to: number } }).value.to)
        .sort(),
    ).toEqual([20, 80]);
  });

  it("vamp events --follow prints the events of an up as they come", async () => {
    const follow = spawn(process.execPath, eventsCli("--tag", env, "--since", "1s", "--follow"), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    follow.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500)); // following
      await t.stack.setConfig("canaryWeight", { value: "25" });
      await t.stack.up();
      const t0 = Date.now();
      while ((out.match(/route:weightupdated/g) ?? []).length < 2) {
        if (Date.now() - t0 > 10_000) throw new Error(`vamp events --follow printed: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toMatch(/archive:update/);
      expect(out).toMatch(/"from":20,"to":25/);
    } finally {
      follow.kill("SIGINT");
    }
  });

  it("an events cluster that is away never fails the update: the miss is in the outputs", async () => {
    await t.stack.setConfig("events", { value: JSON.stringify({ url: `http://127.0.0.1:${await freePort()}`, flavor: "opensearch" }) });
    await t.stack.setConfig("canaryWeight", { value: "30" });
    const up = await t.stack.up();
    expect(up.summary.result).toBe("succeeded");
    const missed = up.outputs.eventsMissed.value as { tags: string[]; error: string }[];
    expect(missed.map((m) => m.tags.find((x) => /^(archive|route):/.test(x))).sort()).toEqual(["archive:update", "route:weightupdated", "route:weightupdated"]);
    expect(missed[0].error).toMatch(/search cluster http:\/\/127\.0\.0\.1:\d+/);
  });
});
