/**
 * What an agent says HAProxy applies, read back from HAProxy itself: each route's weight and its
 * request counter (`/applied`). A canary's rollback is confirmed on this: weight 0 at every agent
 * and a counter that has stopped rising.
 */
import { requireServices } from "../../support/testbed";
import { startMixBackend, startServing, measure } from "../logs/harness";
import { writeGateway, until } from "./harness";

jest.setTimeout(60_000);

interface Applied {
  route: string;
  weight?: number;
  requests?: number;
}

it("reports the weights HAProxy applies and each route's requests; a route at 0 stops counting", async () => {
  await requireServices("etcd", "haproxy");
  const [v1, v2] = [await startMixBackend("v1"), await startMixBackend("v2")];
  const tenant = { organization: "e2e", environment: `ap${Date.now().toString(36)}` };
  const r1 = `127.0.0.1:${v1.port}`;
  const r2 = `127.0.0.1:${v2.port}`;
  const gw = await startServing(tenant, { [r1]: 90, [r2]: 10 }, ["--logs-listen", "off"]);
  const applied = async () => (await (await fetch(`${gw.agent.endpoint}/applied?gateway=shop`)).json()) as Applied[];
  const byRoute = async () => Object.fromEntries((await applied()).map((a) => [a.route, a]));
  try {
    expect(await byRoute()).toEqual({ [`[${r1}]`]: { route: `[${r1}]`, weight: 90, requests: 0 }, [`[${r2}]`]: { route: `[${r2}]`, weight: 10, requests: 0 } });
    const first = await measure(
      gw.url,
      Array.from({ length: 200 }, () => "/s/200/0"),
      4,
    );
    const served = (id: string) => first.filter((s) => s.backend === id).length;
    const after = await byRoute();
    expect([after[`[${r1}]`].requests, after[`[${r2}]`].requests]).toEqual([served("v1"), served("v2")]);

    // The canary to 0 (a rollback): HAProxy says 0, and its counter stops rising.
    const { port } = new URL(gw.url);
    const revision = await writeGateway(gw.store, tenant, "shop", {
      port: `${port}/http`,
      routes: { [`[${r1}]`]: { weight: 100 }, [`[${r2}]`]: { weight: 0 } },
    });
    await until(async () => (await gw.agent.status()).revisions.shop === revision, 10_000, "the agent applies the rollback");
    await until(async () => (await byRoute())[`[${r2}]`].weight === 0, 5_000, "HAProxy applies weight 0");
    const before = (await byRoute())[`[${r2}]`].requests;
    await measure(
      gw.url,
      Array.from({ length: 200 }, () => "/s/200/0"),
      4,
    );
    expect((await byRoute())[`[${r2}]`].requests).toBe(before);
    const bad = await fetch(`${gw.agent.endpoint}/applied`);
    expect([bad.status, (await bad.text()).trim()]).toEqual([400, "gateway: required"]);
  } finally {
    await gw.stop();
    await v1.close();
    await v2.close();
  }
});
