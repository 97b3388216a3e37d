/**
 * An SLA kept by the workflow agent as its own process: the mean response time of the cluster's
 * gateway (a real agent and HAProxy in front of a slow version) over the window escalates, and
 * the scaling lands on the workload in the test bed's Kubernetes API server, between minimum and
 * maximum, with the cooldown honoured; a fast window de-escalates.
 */
import { SLA_API_VERSION, type SlaRecord, type SlaStatus } from "../../../packages/provider/src/model/sla";
import { slaKey, statusKeyOf } from "../../../packages/provider/src/record/keys";
import { createNamespace, deleteNamespace, kube } from "../../support/kube";
import { requireServices, testbedEnv } from "../../support/testbed";
import { until } from "../agent/harness";
import { startCanaryBed, startTraffic, startWorkflowAgent } from "./harness";

jest.setTimeout(120_000);

it("escalates a slow cluster's instances in the API server up to the maximum, honouring the cooldown, and de-escalates a fast one", async () => {
  await requireServices("etcd", "haproxy", "kubernetes");
  const tenant = { organization: "e2e", environment: `sla${Date.now().toString(36)}` };
  const namespace = `e2e-${tenant.environment}`;
  await createNamespace(namespace);
  const bed = await startCanaryBed(tenant);
  const labels = { "vamp.io/deployment": "shop", "vamp.io/cluster": "web", app: "web" };
  await kube("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "shop-web-v1", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: "app", image: "web:1", resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "250m", memory: "128Mi" } } }],
        },
      },
    },
  });
  const replicas = async () =>
    (await kube<{ spec: { replicas: number } }>("GET", `/apis/apps/v1/namespaces/${namespace}/deployments/shop-web-v1`))!.spec.replicas;
  const record: SlaRecord = {
    apiVersion: SLA_API_VERSION,
    kind: "Sla",
    deployment: "shop",
    cluster: "web",
    namespace,
    gateways: ["shop"],
    sla: {
      type: "response_time_sliding_window",
      threshold: { upper: 100, lower: 20 },
      window: { interval: 2, cooldown: 4 },
      escalations: [{ type: "scale_instances", minimum: 1, maximum: 3, scaleBy: 1 }],
    },
  };
  const key = slaKey(tenant, "shop", "web");
  await bed.gw.store.put(key, JSON.stringify(record));
  process.env.KUBECONFIG = testbedEnv().VAMP_KUBECONFIG;
  const wf = await startWorkflowAgent(tenant, "wf-sla", ["--slas", "--kubeconfig", testbedEnv().VAMP_KUBECONFIG]);
  bed.v1.mode = { status: 200, delayMs: 200 };
  const traffic = startTraffic(bed.gw.url, 20);
  try {
    const t0 = Date.now();
    await until(async () => (await replicas()) === 2, 20_000, "the first escalation");
    const first = Date.now();
    await until(async () => (await replicas()) === 3, 20_000, "the second escalation");
    const second = Date.now();
    console.log(`figures: SLA escalated 1 → 2 after ${first - t0} ms, 2 → 3 ${second - first} ms later (cooldown 4 s)`);
    expect(second - first).toBeGreaterThanOrEqual(4000);
    // At its maximum: the slow windows change nothing more.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await replicas()).toBe(3);
    // The cooldown is the agent's own record; the stack's record is untouched (no drift).
    const status = JSON.parse((await bed.gw.store.get(statusKeyOf(tenant, "slas", key)))!.value) as SlaStatus;
    expect(JSON.parse((await bed.gw.store.get(key))!.value)).toEqual(record);
    expect(status.last).toMatchObject({ action: "escalate" });
    expect(status.last!.reason).toMatch(/^mean response time \d+ ms over the last 2 s above 100 ms$/);
    // Fast again: de-escalate, down to the minimum.
    bed.v1.mode = { status: 200, delayMs: 1 };
    await until(async () => (await replicas()) === 1, 30_000, "de-escalated to the minimum");
    const lines = wf.lines.filter((l) => String(l.event).startsWith("sla-"));
    expect(lines.filter((l) => l.event === "sla-escalate" && (l.changes as unknown[]).length).length).toBe(2);
  } finally {
    await traffic.stop();
    await wf.stop();
    await bed.gw.store.delete(key).catch(() => undefined);
    await bed.gw.store.delete(statusKeyOf(tenant, "slas", key)).catch(() => undefined);
    await bed.stop();
    await deleteNamespace(namespace);
  }
});
