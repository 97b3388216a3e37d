/**
 * The UI in real headless Chromium (Debian's, driven by playwright-core; nothing downloads a
 * browser), served by `vamp ui` as its own process, against real servers: etcd (behind a relay
 * the test can cut), a gateway agent process with HAProxy, two versions under traffic, the real
 * Pulumi engine for the weights, and the workflow agent for a release. The page
 * shows the gateway and its 90/10 split; a weight changed through `pulumi up` appears without a
 * reload within 2 s; a release's steps appear as they happen and its Abort button rolls it back
 * (confirmed at the proxy); without the token nothing changes; with the store away the page says
 * so and recovers; events filter by tags (the test bed's OpenSearch); deployments show their
 * versions' status (the test bed's Kubernetes API). Each main view is saved as a screenshot under
 * test-results/ui/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { claimRelease, readRelease } from "../../../packages/provider/src/rollout/records";
import { connectSearch, type SearchClient } from "../../../packages/provider/src/search/client";
import { emitEvents } from "../../../packages/provider/src/search/events";
import { createNamespace, deleteNamespace, kube } from "../../support/kube";
import { newTestStack, type TestStack } from "../../support/pulumi";
import { requireServices, storeConnection, testbedEnv } from "../../support/testbed";
import { freePort } from "../../support/traffic";
import { until } from "../agent/harness";
import { startTraffic, startVersion, startWorkflowAgent, type Version, type WorkflowAgentProcess } from "../canary/harness";
import { searchNode, startServing } from "../logs/harness";

jest.setTimeout(240_000);

const CHROMIUM = process.env.VAMP_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = path.join(__dirname, "../../../test-results/ui");
const PAGE_FILES = path.join(__dirname, "../../../packages/ui/dist");
const TOKEN = "e2e-ui-token-0123456789";
const VAMP = path.join(__dirname, "../../../packages/provider/bin/vamp.js");

/** A TCP relay in front of etcd that the test can cut and restore: the store going away, for the UI alone. */
async function relay(target: { host: string; port: number }) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await open();
  return {
    url: `http://127.0.0.1:${port}`,
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: open,
  };
}

describe("the UI in headless Chromium", () => {
  const tenant = { organization: "e2e", environment: `ui${Date.now().toString(36)}` };
  let browser: Browser;
  let v1: Version, v2: Version;
  let gw: Awaited<ReturnType<typeof startServing>>;
  let t: TestStack;
  let ui: ChildProcess;
  let uiUrl: string;
  let storeRelay: Awaited<ReturnType<typeof relay>>;
  let traffic: ReturnType<typeof startTraffic>;
  let wf: WorkflowAgentProcess | undefined;
  const routes = { stable: "", canary: "" };
  const node = searchNode("opensearch");
  const namespace = `${tenant.organization}-${tenant.environment}`;
  let search: SearchClient;
  const pageFor = async (token?: string, view = "gateways"): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${uiUrl}/?organization=${tenant.organization}&environment=${tenant.environment}&view=${view}${token ? `#token=${token}` : ""}`);
    return page;
  };
  const row = (page: Page, route: string) => page.locator(`tr[data-route="${route}"]`);
  const applied = async () => {
    const r = await fetch(`${gw.agent.endpoint}/applied?gateway=${encodeURIComponent("shop/web")}`);
    return r.ok ? ((await r.json()) as { route: string; weight: number }[]).find((x) => x.route === routes.canary)?.weight : undefined;
  };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: bash testbed/testbed.sh install browser (Debian's chromium)`);
    if (!fs.existsSync(path.join(PAGE_FILES, "index.html"))) throw new Error(`the page is not built (${PAGE_FILES}): npm run build`);
    await requireServices("etcd", "haproxy", "kubernetes", node.service);
    fs.mkdirSync(SHOTS, { recursive: true });
    search = await connectSearch({ url: node.url });
    await createNamespace(namespace);
    [v1, v2] = [await startVersion("v1"), await startVersion("v2")];
    Object.assign(routes, { stable: `[127.0.0.1:${v1.port}]`, canary: `[127.0.0.1:${v2.port}]` });
    gw = await startServing(tenant, { [`127.0.0.1:${v1.port}`]: 100 }, []);
    await gw.store.delete(`/vamp/e2e/${tenant.environment}/gateways/shop`);
    const port = await freePort();
    t = await newTestStack(path.join(__dirname, "..", "programs", "gateway"), {
      store: { value: JSON.stringify(storeConnection("etcd").connection) },
      environment: { value: tenant.environment },
      port: { value: String(port) },
      stable: { value: `127.0.0.1:${v1.port}` },
      canary: { value: `127.0.0.1:${v2.port}` },
      canaryWeight: { value: "10" },
    });
    await t.stack.up();
    traffic = startTraffic(`http://127.0.0.1:${port}`, 40);
    const etcd = new URL(testbedEnv().VAMP_ETCD_ENDPOINT);
    storeRelay = await relay({ host: etcd.hostname, port: Number(etcd.port) });
    // The page's server as users run it: `vamp ui`, its store behind the relay.
    const listen = `127.0.0.1:${await freePort()}`;
    const args = [
      "ui",
      "--endpoints",
      storeRelay.url,
      "--listen",
      listen,
      "--events-url",
      node.url,
      "--kubeconfig",
      testbedEnv().VAMP_KUBECONFIG,
      "--user",
      "e2e",
    ];
    ui = spawn(process.execPath, [VAMP, ...args], { env: { ...process.env, VAMP_UI_TOKEN: TOKEN }, stdio: ["ignore", "pipe", "pipe"] });
    let said = "";
    ui.stdout!.on("data", (d) => (said += String(d)));
    ui.stderr!.on("data", (d) => (said += String(d)));
    uiUrl = `http://${listen}`;
    await until(
      () =>
        fetch(`${uiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      15_000,
      "vamp ui answering",
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${said}`);
    });
    expect(said).toBe(`Vamp UI: ${uiUrl}/\n`); // a token given: none printed
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    ui?.kill("SIGTERM");
    await traffic?.stop();
    await wf?.stop();
    await t?.cleanup().catch(() => undefined);
    await gw?.stop();
    await v1?.close();
    await v2?.close();
    await search?.close();
    await deleteNamespace(namespace).catch(() => undefined);
  });

  it("shows the gateway, its declared, applied and measured 90/10 split and live charts", async () => {
    const page = await pageFor(TOKEN);
    await page.locator('section[data-gateway="shop/web"]').waitFor();
    expect(await row(page, routes.stable).locator(".declared").textContent()).toBe("90%");
    expect(await row(page, routes.canary).locator(".declared").textContent()).toBe("10%");
    await until(async () => (await row(page, routes.canary).locator(".applied").textContent())?.includes(": 10") ?? false, 5000, "the applied weight");
    // Measured over the last 10 s of real traffic: near 90/10 (400 requests).
    await until(async () => /^\d+%$/.test((await row(page, routes.canary).locator(".measured").textContent()) ?? ""), 15_000, "a measured split");
    await page.waitForTimeout(10_000);
    const measured = Number((await row(page, routes.canary).locator(".measured").textContent())!.replace("%", ""));
    console.log(`figures: the page's measured split for the 10% canary: ${measured}%`);
    expect(measured).toBeGreaterThanOrEqual(4);
    expect(measured).toBeLessThanOrEqual(18);
    expect(await page.locator(".chart canvas").count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SHOTS, "gateways.png"), fullPage: true });
    await page.close();
  });

  it("a weight changed through pulumi up appears on the page within 2 s, without a reload", async () => {
    const page = await pageFor(TOKEN);
    await page.locator('section[data-gateway="shop/web"]').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await t.stack.setConfig("canaryWeight", { value: "30" });
    // From the moment the store holds the new weight (the provider wrote it) to the page showing it.
    let writtenAt = 0;
    let pageAt = 0;
    const key = `/vamp/e2e/${tenant.environment}/gateways/${encodeURIComponent("shop/web")}`;
    const watching = (async () => {
      while (!pageAt) {
        const rec = JSON.parse((await gw.store.get(key))?.value ?? "{}");
        if (!writtenAt && rec.spec?.routes?.[routes.canary]?.weight === 30) writtenAt = Date.now();
        if (!pageAt && (await row(page, routes.canary).locator(".declared").textContent()) === "30%") pageAt = Date.now();
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await t.stack.up();
    await Promise.race([watching, new Promise((_, reject) => setTimeout(() => reject(new Error("the page never showed 30%")), 10_000))]);
    const ms = pageAt - writtenAt;
    console.log(`figures: the store holds the new weight → the page shows it in ${ms} ms (the page looks every second)`);
    expect(writtenAt).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2000);
    expect(await page.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(42); // the same page: no reload
    await page.close();
  });

  it("without the token the page cannot change anything", async () => {
    const page = await pageFor(undefined);
    await page.locator('section[data-gateway="shop/web"]').waitFor();
    expect(await page.getByRole("button", { name: "Set weights" }).isDisabled()).toBe(true);
    // Even past the page's own buttons: the server refuses a change without the token.
    const status = await page.evaluate(async (body) => (await fetch("/api/weights", { method: "POST", body: JSON.stringify(body) })).status, {
      ...tenant,
      gateway: "shop/web",
      weights: { [routes.stable]: 0, [routes.canary]: 100 },
    });
    expect(status).toBe(401);
    expect(await row(page, routes.canary).locator(".declared").textContent()).toBe("30%");
    await page.close();
  });

  it("a weight set on the page is drift: pulumi refresh shows it naming the page, the next up puts the declared one back", async () => {
    const page = await pageFor(TOKEN);
    const form = page.getByRole("form", { name: "set the weights of shop/web" });
    await form.waitFor();
    await form.locator(`input[name="${routes.stable}"]`).fill("60");
    await form.locator(`input[name="${routes.canary}"]`).fill("40");
    await form.getByRole("button", { name: "Set weights" }).click();
    await until(async () => (await row(page, routes.canary).locator(".declared").textContent()) === "40%", 5000, "40% on the page");
    await until(async () => (await applied()) === 40, 5000, "40 at the proxy");
    await t.stack.refresh();
    const state = await t.stack.exportStack();
    const gwState = (state.deployment.resources as { type: string; outputs?: Record<string, unknown> }[]).find((r) => r.outputs?.gatewayName === "shop/web")!;
    expect(gwState.outputs!.driftBy).toBe("ui/e2e");
    expect((gwState.outputs!.routes as Record<string, { weight: number }>)[routes.canary].weight).toBe(40);
    await t.stack.up();
    await until(async () => (await row(page, routes.canary).locator(".declared").textContent()) === "30%", 5000, "30% again on the page");
    await page.screenshot({ path: path.join(SHOTS, "gateways-after-up.png"), fullPage: true });
    await page.close();
  });

  it("shows a release's steps as they happen, and its Abort button rolls it back (confirmed at the proxy)", async () => {
    wf = await startWorkflowAgent(tenant, "wf-ui");
    const page = await pageFor(TOKEN, "releases");
    await claimRelease(
      gw.store,
      tenant,
      "web-v2",
      { gateway: "shop/web", ...routes, steps: { weights: [20, 50, 80] }, interval: "3s", minSamples: 10 },
      "e2e",
      0,
      "cluster",
    );
    const card = page.locator('section[data-release="web-v2"]');
    await until(async () => (await card.locator(".step").textContent()) === "1", 15_000, "step 1 on the page");
    await until(async () => (await card.locator(".step").textContent()) === "2", 15_000, "step 2 on the page");
    expect(await card.locator(".weights").textContent()).toContain("50%");
    expect(await card.locator(".timeline li").count()).toBeGreaterThan(0);
    // The step's analysis so far: both versions' requests, and the tests the judge weighed.
    const now = card.locator("section.now");
    await until(
      async () => Number((await now.locator("tr.canary td").first().textContent())?.split(" / ")[0]) > 0,
      10_000,
      "canary requests in step 2's analysis",
    );
    expect(await now.locator("h4").textContent()).toMatch(/^Step 2 so far/);
    expect(await now.locator(".tests").textContent()).toMatch(/error test undecided: log-likelihood ratio -?\d/);
    // The first step's decision keeps the evidence it advanced on (at least minSamples canary requests), shown when opened.
    const first = card.locator(".timeline li").last();
    await first.locator("summary").click();
    expect(await first.locator("summary").textContent()).toMatch(/step 1 advance/);
    expect(Number((await first.locator("tr.canary td").first().textContent())?.split(" / ")[0])).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: path.join(SHOTS, "releases.png"), fullPage: true });
    await card.getByRole("button", { name: "Abort" }).click();
    await until(async () => (await applied()) === 0, 10_000, "the canary at 0 at the proxy");
    await until(async () => !!(await readRelease(gw.store, tenant, "web-v2"))?.state?.confirmedAt, 10_000, "the rollback confirmed");
    await until(async () => (await card.locator(".badge").textContent()) === "rolled back", 5000, "rolled back on the page");
    expect((await readRelease(gw.store, tenant, "web-v2"))!.state!.reason).toMatch(/ui\/e2e/);
    await page.screenshot({ path: path.join(SHOTS, "release-rolled-back.png"), fullPage: true });
    await page.close();
  });

  it("with the store away the page says so, keeps the last state, and recovers when it returns", async () => {
    const page = await pageFor(TOKEN);
    await page.locator('section[data-gateway="shop/web"]').waitFor();
    await storeRelay.cut();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toMatch(/the store does not answer/);
    expect(await page.locator('section[data-gateway="shop/web"]').count()).toBe(1); // the last state stays
    await page.screenshot({ path: path.join(SHOTS, "store-away.png"), fullPage: true });
    await storeRelay.restore();
    await alert.waitFor({ state: "detached", timeout: 30_000 });
    await page.close();
  });

  it("works on a narrow screen: the views, the tables and the controls stay reachable", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${uiUrl}/?organization=${tenant.organization}&environment=${tenant.environment}#token=${TOKEN}`);
    await page.locator('section[data-gateway="shop/web"]').waitFor();
    await page.keyboard.press("Tab");
    const views = page.getByRole("navigation", { name: "views" }).getByRole("button");
    expect(await views.count()).toBe(4);
    await views.nth(1).focus();
    await page.keyboard.press("Enter");
    await page.locator('section[data-release="web-v2"]').waitFor();
    expect(page.url()).toContain("view=releases");
    await page.screenshot({ path: path.join(SHOTS, "narrow-releases.png"), fullPage: true });
    await page.close();
  });

  it("the event stream filters by tags", async () => {
    const mine = `ui:${tenant.environment}`;
    const now = Date.now();
    const emitted = await emitEvents(search, tenant.organization, [
      { tags: [mine, "kind:deployed"], type: "deployment", value: { version: "1.1.0" }, timestamp: now },
      { tags: [mine, "kind:scaled"], type: "sla", value: { replicas: 3 }, timestamp: now + 1 },
    ]);
    expect(emitted).toEqual({ emitted: 2, missed: [] });
    const page = await pageFor(TOKEN, "events");
    const filter = page.getByLabel("Tags (all must match, comma-separated)");
    await filter.fill(mine);
    await filter.press("Tab");
    await until(async () => (await page.locator("ul.events > li").count()) === 2, 15_000, "both events of this test").catch(async (e: Error) => {
      throw new Error(`${e.message}; the page says: ${await page.locator("main").textContent()}`);
    });
    await filter.fill(`${mine}, kind:deployed`);
    await filter.press("Tab");
    await until(async () => (await page.locator("ul.events > li").count()) === 1, 5000, "one event");
    expect(await page.locator("ul.events > li").first().textContent()).toContain("kind:deployed");
    await page.screenshot({ path: path.join(SHOTS, "events.png"), fullPage: true });
    await page.close();
  });

  it("the deployments view shows each version of the namespace with its status", async () => {
    const labels = { "vamp.io/deployment": "shop", "vamp.io/cluster": "web", "vamp.io/version": "web_1.1.0", app: "web" };
    await kube("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "shop-web-1-1-0", labels, annotations: { "vamp.io/breed": "web:1.1.0" } },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "web:1.1.0" }] } } },
    });
    const page = await pageFor(TOKEN, "deployments");
    const row = page.locator("table.deployments tbody tr");
    await until(async () => (await row.count()) === 1, 10_000, "the version on the page").catch(async (e: Error) => {
      throw new Error(`${e.message}; the page says: ${await page.locator("main").textContent()}`);
    });
    expect((await row.first().locator("td").allTextContents()).slice(0, 5)).toEqual(["shop", "web", "web:1.1.0", "shop-web-1-1-0", "deploy"]);
    await page.screenshot({ path: path.join(SHOTS, "deployments.png"), fullPage: true });
    await page.close();
  });
});
