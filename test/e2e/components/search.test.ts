/**
 * The search layer through the real engine: SearchLogIndices (a dynamic resource) puts index
 * templates into a real OpenSearch node of the test bed and applies retention by deleting
 * expired daily indices; refresh shows a template changed by hand; destroy removes templates
 * and keeps the data.
 */
import * as path from "node:path";
import { dailyIndex } from "../../../packages/provider/src/logs/indices";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { requireServices, testbedEnv } from "../../support/testbed";

jest.setTimeout(180_000);

describe("SearchLogIndices: real engine and a real search node", () => {
  let t: TestStack;
  const environment = `s${Date.now().toString(36)}`;
  const prefix = `vamp-acme-${environment}-gateway-logs`;
  const url = () => testbedEnv().VAMP_SEARCH_URL;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the servers' JSON, checked field by field below
  async function search(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${url()}${p}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    await requireServices("search");
    t = await newTestStack(path.join(__dirname, "..", "programs", "search"), {
      url: { value: url() },
      environment: { value: environment },
      gatewayLogDays: { value: "14" },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
    await search("DELETE", `/vamp-acme-${environment}-*`);
  });

  it("preview puts nothing into the cluster", async () => {
    await t.stack.preview();
    expect((await search("GET", `/_index_template/${prefix}`)).status).toBe(404);
  });

  it("up puts strict, metadata-only templates: a log line indexes, a payload field is refused", async () => {
    const up = await t.stack.up();
    expect(up.outputs.templates.value).toEqual([prefix, `vamp-acme-${environment}-events`]);
    const today = dailyIndex(prefix, new Date());
    const ok = await search("POST", `/${today}/_doc?refresh=true`, {
      "@timestamp": new Date().toISOString(),
      gateway: "shop/web",
      route: "[10.0.0.1:80]",
      status: 200,
      duration_ms: 3.5,
    });
    expect(ok.status).toBe(201);
    const mapping = await search("GET", `/${today}/_mapping`);
    expect(mapping.json[today].mappings.dynamic).toBe("strict");
    const payload = await search("POST", `/${today}/_doc`, { "@timestamp": new Date().toISOString(), gateway: "shop/web", body: "card=4111..." });
    expect(payload.status).toBe(400);
    expect(JSON.stringify(payload.json)).toMatch(/strict_dynamic_mapping_exception/);
  });

  it("retention deletes the daily indices older than the retention, keeps the rest", async () => {
    const old = `${prefix}-2020.01.01`;
    const recent = dailyIndex(prefix, new Date(Date.now() - 3 * 86_400_000));
    for (const i of [old, recent]) expect((await search("PUT", `/${i}`)).status).toBe(200);
    await t.stack.setConfig("gatewayLogDays", { value: "7" });
    const up = await t.stack.up();
    expect(up.outputs.deleted.value).toEqual([old]);
    expect((await search("HEAD", `/${old}`)).status).toBe(404);
    expect((await search("HEAD", `/${recent}`)).status).toBe(200);
  });

  it("refresh shows a template changed by hand as drift, and up restores it", async () => {
    const tpl = (await search("GET", `/_index_template/${prefix}`)).json.index_templates[0].index_template;
    tpl._meta.retention_days = 365;
    expect((await search("PUT", `/_index_template/${prefix}`, tpl)).status).toBe(200);
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    await t.stack.up();
    expect((await search("GET", `/_index_template/${prefix}`)).json.index_templates[0].index_template._meta.retention_days).toBe(7);
  });

  it("invalid retention fails preview naming the field, and nothing changes", async () => {
    await t.stack.setConfig("gatewayLogDays", { value: "0" });
    await expect(t.stack.preview()).rejects.toThrow(/streams\.gateway-logs\.retentionDays.*got 0/s);
    await t.stack.setConfig("gatewayLogDays", { value: "7" });
  });

  it("destroy removes the templates and keeps the data", async () => {
    await t.stack.destroy();
    expect((await search("GET", `/_index_template/${prefix}`)).status).toBe(404);
    expect((await search("HEAD", `/${dailyIndex(prefix, new Date())}`)).status).toBe(200);
  });
});
