/**
 * The Deployment component under Pulumi's mocks: what it declares for the sava example, and a
 * mistake in a blueprint failing the program (so `pulumi preview`) before anything is declared.
 * test/e2e/release/deployment.test.ts runs it through the real engine with traffic.
 */
import * as k8s from "@pulumi/kubernetes";
import * as path from "node:path";
import { declareResources } from "../testing";
import { Deployment } from "./deployment";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are free-form JSON
const SAVA = path.join(__dirname, "../../../../examples/blueprints/sava.yaml");
const environment = () => ({ organization: "acme", name: "dev", namespace: "acme-dev", provider: new k8s.Provider("cluster", {}) });
const store = { kind: "etcd" as const, endpoints: ["http://etcd:2379"] };

describe("Deployment", () => {
  it("declares a labelled Deployment per version, a Service per cluster in front of the agents, internal and external gateways", async () => {
    const d = await declareResources(() => Deployment.fromYaml("sava", SAVA, { environment: environment(), store }));
    const workloads = d.filter((r) => r.type === "kubernetes:apps/v1:Deployment").map((r) => r.inputs as Obj);
    expect(workloads.map((w) => [w.metadata.name, w.spec.replicas, w.metadata.labels["vamp.io/version"]])).toEqual([
      ["sava-frontend-sava-frontend-1-0-0", 2, "sava-frontend_1.0.0"],
      ["sava-backend-sava-backend-1-0-0", 1, "sava-backend_1.0.0"],
    ]);
    const frontend = workloads[0].spec.template.spec.containers[0];
    const backendPort = d
      .filter((r) => r.type === "kubernetes:core/v1:Service")
      .map((r) => r.inputs as Obj)
      .find((s) => s.metadata.name === "sava-backend")!.spec.ports[0].port;
    expect(frontend.env).toEqual([
      { name: "BACKEND_URL", value: `http://sava-backend.acme-dev.svc:${backendPort}/` },
      { name: "GREETING", value: "hello" },
    ]);
    const services = d.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => r.inputs as Obj);
    expect(services.map((s) => [s.metadata.name, s.spec.selector["app.kubernetes.io/name"]])).toEqual([
      ["sava-frontend", "vamp-gateway-agent"],
      ["sava-backend", "vamp-gateway-agent"],
    ]);
    const gateways = d.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" || r.type.endsWith(":Gateway")).map((r) => r.inputs as Obj);
    expect(gateways.map((g) => g.gatewayName)).toEqual(["sava/frontend/web", "sava/backend/api", "sava/9050"]);
    expect(gateways[2].routes).toEqual({ "sava/frontend/web": { weight: 100 } });
    // The frontend's SLA (snappy), for the workflow agent: over the cluster's internal gateway, references resolved.
    const entries = d.filter((r) => (r.inputs as Obj).key !== undefined).map((r) => r.inputs as Obj);
    expect(entries.map((e) => e.key)).toEqual(["/vamp/acme/dev/slas/sava.frontend"]);
    expect(JSON.parse(entries[0].value)).toEqual({
      apiVersion: "vamp.io/v1",
      kind: "Sla",
      deployment: "sava",
      cluster: "frontend",
      namespace: "acme-dev",
      gateways: ["sava/frontend/web"],
      sla: {
        name: "snappy",
        type: "response_time_sliding_window",
        threshold: { upper: 1000, lower: 100 },
        window: { interval: 60, cooldown: 120 },
        escalations: [{ type: "scale_instances", minimum: 2, maximum: 6, scaleBy: 1 }],
      },
    });
  });

  it("fails the program on a blueprint mistake, naming the field, before declaring anything", async () => {
    const bad = { name: "b", clusters: { web: { services: [{ breed: "web:1", scale: "tiny" }] } } };
    let declared = 0;
    await expect(
      declareResources(() => {
        const env = environment();
        new Deployment("b", { environment: env, store, blueprint: bad });
        declared++;
      }),
    ).rejects.toThrow(/vamp:release:Deployment "b": blueprint.clusters.web.services\[0\].breed: breed "web:1" is not defined/);
    expect(declared).toBe(0);
  });
});
