import * as fs from "node:fs";
import * as path from "node:path";
import { readArtifacts } from "../dsl/artifacts";
import { formatProblem } from "../model/problem";
import { workloadManifest } from "./manifests";
import { planDeployment } from "./plan";
import { resolveBlueprint } from "./resolve";
import { versionStatus } from "./status";

const SAVA = fs.readFileSync(path.join(__dirname, "../../../../examples/blueprints/sava.yaml"), "utf8");
const catalogOf = (text: string) => {
  const r = readArtifacts([{ text, file: "sava.yaml" }]);
  expect(r.problems.map(formatProblem)).toEqual([]);
  return r.catalog;
};

describe("resolveBlueprint + planDeployment (the sava example)", () => {
  const catalog = catalogOf(SAVA);
  const resolved = resolveBlueprint(catalog.blueprints[0], catalog);
  const { plan, problems } = planDeployment(resolved.blueprint!, { deployment: "sava", namespace: "acme-dev", gatewayHost: "127.0.0.1" });

  it("resolves every reference and plans a workload per version, an internal gateway per cluster port, the external gateway", () => {
    expect(resolved.problems).toEqual([]);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(plan!.services.map((s) => [s.name, s.image, s.replicas, s.cpu, s.memory])).toEqual([
      ["sava-frontend-sava-frontend-1-0-0", "magneticio/sava-frontend:1.0.0", 2, 0.2, 128],
      ["sava-backend-sava-backend-1-0-0", "magneticio/sava-backend:1.0.0", 1, 0.1, 64],
    ]);
    expect(plan!.gateways.map((g) => g.name)).toEqual(["sava/frontend/web", "sava/backend/api", "sava/9050"]);
    const backend = plan!.gateways[1].spec;
    expect(backend.selector).toBe("label(vamp.io/deployment)(sava) && label(vamp.io/cluster)(backend) && label(vamp.io/version)((.*)) && port(8080)");
    expect(String(backend.port)).toMatch(/^4\d{4}\/http$/);
    expect(plan!.gateways[2].spec).toEqual({ port: "9050/http", routes: { "sava/frontend/web": { weight: 100 } } });
  });

  it("resolves $backend.host and $backend.ports.api to the backend's internal gateway, and supplies ~ from the blueprint", () => {
    const port = plan!.endpoints.backend.ports.api;
    expect(plan!.services[0].env).toEqual([
      { name: "BACKEND_URL", value: `http://127.0.0.1:${port}/` },
      { name: "GREETING", value: "hello" },
    ]);
  });

  it("turns scale into replicas and resources, health checks into probes", () => {
    const m = workloadManifest(plan!.services[1], "acme-dev") as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a manifest
    expect(m.metadata).toEqual({
      name: "sava-backend-sava-backend-1-0-0",
      namespace: "acme-dev",
      labels: expect.objectContaining({ "vamp.io/version": "sava-backend_1.0.0" }),
      annotations: { "vamp.io/breed": "sava-backend:1.0.0" },
    });
    const c = m.spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: "/health", port: 8080, scheme: "HTTP" },
      initialDelaySeconds: 5,
      timeoutSeconds: 2,
      periodSeconds: 10,
      failureThreshold: 3,
    });
  });
});

describe("what fails preview, naming it", () => {
  it("a breed, scale or escalation the catalog does not have; a ~ variable nobody supplies", () => {
    const catalog = catalogOf(
      SAVA.replace("frontend.GREETING: hello", "frontend.OTHER: x").replace("sava-backend:1.0.0\n    scale:", "sava-backend:9\n    scale:"),
    );
    const r = resolveBlueprint(catalog.blueprints[0], { ...catalog, scales: [] });
    expect(r.problems.map(formatProblem)).toEqual([
      'blueprint sava:1.0: clusters.frontend.services[0].scale: scale "small" is not defined: give it with the deployment\'s scales, or inline it',
      'blueprint sava:1.0: clusters.backend.services[0].breed: breed "sava-backend:9" is not defined: give it with the deployment\'s breeds, or inline it',
    ]);
    const r2 = resolveBlueprint(catalog.blueprints[0], catalog);
    expect(r2.problems.map(formatProblem)).toEqual(
      expect.arrayContaining([
        'blueprint sava:1.0: clusters.backend.services[0].breed: breed "sava-backend:9" is not defined: give it with the deployment\'s breeds, or inline it',
      ]),
    );
    const fixed = catalogOf(SAVA.replace("frontend.GREETING: hello", "frontend.OTHER: x"));
    expect(resolveBlueprint(fixed.blueprints[0], fixed).problems.map(formatProblem)).toEqual([
      'blueprint sava:1.0: clusters.frontend.services[0].breed.environmentVariables.GREETING: must be supplied at deploy time (~ in breed "sava-frontend:1.0.0"): set it on the service or as the blueprint\'s "frontend.GREETING"',
    ]);
  });

  it("a dependency no cluster runs, and a reference to a port the cluster does not have", () => {
    const noBackend = catalogOf(SAVA.replace(/ {2}backend:\n {4}breed: sava-backend:1.0.0\n {4}scale:\n( {6}.*\n){3}/, ""));
    expect(resolveBlueprint(noBackend.blueprints[0], noBackend).problems.map(formatProblem)).toEqual([
      'blueprint sava:1.0: clusters.frontend.services[0].breed.dependencies.backend: needs breed "sava-backend:1.0.0", which no cluster of this blueprint runs',
    ]);
    const badPort = catalogOf(SAVA.replace("$backend.ports.api", "$backend.ports.admin"));
    const resolved = resolveBlueprint(badPort.blueprints[0], badPort);
    expect(planDeployment(resolved.blueprint!, { deployment: "sava", namespace: "n" }).problems.map(formatProblem)).toEqual([
      'deployment sava: clusters.frontend.services[0].breed.environmentVariables.BACKEND_URL: $backend.ports.admin cannot be resolved: cluster backend has no port "admin" (api)',
    ]);
  });
});

describe("versionStatus", () => {
  const w = (status?: object, extra: object = {}) => ({
    metadata: {
      name: "shop-api-api-2",
      labels: { "vamp.io/deployment": "shop", "vamp.io/cluster": "api", "vamp.io/version": "api_2" },
      annotations: { "vamp.io/breed": "api:2" },
      ...extra,
    },
    spec: { replicas: 2 },
    status,
  });
  it("reads Vamp's phases from the rollout: initiated, updating, done, failed with the reason; undeploy while deleting", () => {
    expect(versionStatus(w())).toMatchObject({ breed: "api:2", intention: "deploy", phase: "initiated" });
    expect(versionStatus(w({ observedGeneration: 1, replicas: 2, readyReplicas: 1, updatedReplicas: 2 })).phase).toBe("updating");
    expect(versionStatus(w({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 })).phase).toBe("done");
    expect(
      versionStatus(
        w({
          observedGeneration: 1,
          conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "x" has timed out progressing.' }],
        }),
      ),
    ).toMatchObject({ phase: "failed", reason: 'ReplicaSet "x" has timed out progressing.' });
    expect(
      versionStatus(w({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 }, { deletionTimestamp: "2026-11-30T00:00:00Z" })).intention,
    ).toBe("undeploy");
  });
});
