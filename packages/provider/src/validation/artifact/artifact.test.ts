import { readArtifacts } from "../../dsl/artifacts";
import type { Breed } from "../../model/artifact";
import { formatProblem } from "../../model/problem";
import { validateBlueprint } from "./blueprint";
import { validateBreed } from "./breed";
import { parseValue } from "./references";
import { cpu, memory, seconds } from "../units";

const read = (text: string, kind?: "scales") => readArtifacts([{ text, file: "a.yaml" }], { kind });
const messages = (r: { problems: Parameters<typeof formatProblem>[0][] }) => r.problems.map(formatProblem);

describe("units", () => {
  it("reads cpu, memory and time as Vamp wrote them, and refuses the rest naming the value", () => {
    expect([cpu(0.5), cpu("500m"), cpu("2")].map((r) => r.ok && r.value)).toEqual([0.5, 0.5, 2]);
    expect([memory("256MB"), memory("64Mi"), memory("1Gi"), memory(512)].map((r) => r.ok && Math.round(r.value * 100) / 100)).toEqual([244.14, 64, 1024, 512]);
    expect([seconds("10s"), seconds("1m"), seconds("1h"), seconds(30), seconds("500ms")].map((r) => r.ok && r.value)).toEqual([10, 60, 3600, 30, 0.5]);
    expect(cpu(0)).toEqual({ ok: false, reason: expect.stringContaining("got 0") });
    expect(memory("12 parsecs")).toEqual({ ok: false, reason: expect.stringContaining('"12 parsecs"') });
    expect(seconds("soon")).toEqual({ ok: false, reason: expect.stringContaining('"soon"') });
  });
});

describe("value references", () => {
  it("splits text and references, braces and $$ included", () => {
    expect(parseValue("http://$db.host:${db.ports.port}/x?cost=$$5")).toEqual({
      ok: true,
      parts: ["http://", { target: "db", field: "host" }, ":", { target: "db", field: "ports", name: "port" }, "/x?cost=$5"],
    });
    expect(parseValue("$db.constants.USER/$db.environment_variables.PASS")).toMatchObject({
      ok: true,
      parts: [{ field: "constants", name: "USER" }, "/", { field: "environment_variables", name: "PASS" }],
    });
  });

  it("refuses what Vamp did not know, and a lone $", () => {
    expect(parseValue("$db.address")).toEqual({ ok: false, reason: expect.stringContaining('"$db.address" is not a reference') });
    expect(parseValue("costs 5$")).toEqual({ ok: false, reason: expect.stringContaining("offset 7") });
  });
});

describe("validateBreed", () => {
  it("expands the short forms: image → docker deployable, bare port → http, ~ → required, NAME[ALIAS]", () => {
    const r = validateBreed(
      {
        name: "sava:1.0",
        deployable: "magneticio/sava:1.0.0",
        ports: { web: 8080, admin: "9000/tcp" },
        environment_variables: { "PORT[HTTP_PORT]": 8080, SECRET: null, DB: "$db.host" },
        constants: { VERSION: "1.0" },
        arguments: [{ privileged: true }],
        dependencies: { db: "mysql:5.7" },
        health_checks: [{ port: "web", path: "/health", initial_delay: "10s", timeout: "5s", interval: "1m", failures: 5 }],
      },
      { source: "breed", dialect: "vamp" },
    );
    expect(messages(r)).toEqual([]);
    expect(r.breed).toMatchObject({
      deployable: { type: "container/docker", definition: "magneticio/sava:1.0.0" },
      ports: [
        { name: "web", number: 8080, protocol: "http" },
        { name: "admin", number: 9000, protocol: "tcp" },
      ],
      environmentVariables: [{ name: "PORT", alias: "HTTP_PORT", value: "8080" }, { name: "SECRET" }, { name: "DB", value: "$db.host" }],
      arguments: [{ name: "privileged", value: "true" }],
      dependencies: { db: { ref: "mysql:5.7" } },
      healthChecks: [{ port: "web", path: "/health", protocol: "HTTP", initialDelay: 10, timeout: 5, interval: 60, failures: 5 }],
    });
  });

  it("reports every problem in one pass, in the input's dialect, naming field and value", () => {
    const bad = { name: "a b", deployable: 5, ports: { web: "80/udp" }, healthChecks: [{ port: "nope" }, { port: "web", initialDelay: "later" }], envVars: {} };
    expect(messages(validateBreed(bad, { source: "breed x" }))).toEqual([
      expect.stringMatching(/^breed x: envVars: unknown field; a breed has name, kind, metadata, deployable, ports, environmentVariables, /),
      "breed x: name: may not hold whitespace, '/', '[' or ']', got \"a b\"",
      expect.stringMatching(/^breed x: deployable: must be an image like .* got 5$/),
      'breed x: ports.web: must be a port like "9050/http" or "9050/tcp", got "80/udp"',
      'breed x: healthChecks[1].initialDelay: must be a time like "10s", "1m", "1h" or a number of seconds, got "later"',
      'breed x: healthChecks[0].port: names no port of this breed (it has none), got "nope"',
    ]);
    const vamp = messages(
      validateBreed({ name: "b", deployable: "i", health_checks: [{ port: "web", initial_delay: "later" }] }, { source: "b.yaml#1", dialect: "vamp" }),
    );
    expect(vamp).toContain('b.yaml#1: health_checks[0].initial_delay: must be a time like "10s", "1m", "1h" or a number of seconds, got "later"');
  });

  it("refuses a dependency cycle through inline breeds, and references to what is not a dependency", () => {
    const r = validateBreed(
      { name: "a", deployable: "i", dependencies: { b: { name: "b", deployable: "i", dependencies: { a: "a" } } }, environmentVariables: { X: "$c.host" } },
      { source: "s" },
    );
    expect(messages(r)).toEqual([
      's: dependencies.b.dependencies.a: breed "a" depends on itself: a → b → a',
      's: environmentVariables.X: refers to "c", which is not a dependency of this breed (b)',
    ]);
  });
});

const BLUEPRINT = {
  name: "shop",
  gateways: { 9050: "frontend/web" },
  clusters: {
    frontend: {
      services: [
        {
          breed: {
            name: "frontend:1",
            deployable: "shop/frontend:1",
            ports: { web: "8080/http" },
            dependencies: { api: "api:1" },
            environmentVariables: { API: "$api.host" },
          },
          scale: { cpu: 0.1, memory: "128Mi", instances: 2 },
          environmentVariables: { API_URL: "http://$backend.host:$backend.ports.api" },
        },
        { breed: { name: "frontend:2", deployable: "shop/frontend:2", ports: { web: "8080/http" }, dependencies: { api: "api:1" } }, scale: "small" },
      ],
      gateways: { web: { routes: { "frontend:1": { weight: "90%" }, "frontend:2": { weight: "10%", condition: "has cookie beta" } } } },
      sla: "fast",
    },
    backend: { breed: "api:1", scale: { cpu: "250m", memory: "256MB" } },
  },
  environmentVariables: { "backend.TOKEN": "x" },
};

describe("validateBlueprint", () => {
  it("reads clusters, services (list and short forms), scales, cluster and top-level gateways", () => {
    const r = validateBlueprint(BLUEPRINT, { source: "blueprint shop" });
    expect(messages(r)).toEqual([]);
    const [frontend, backend] = r.blueprint!.clusters;
    expect(frontend.services.map((s) => (s.breed as Breed).name)).toEqual(["frontend:1", "frontend:2"]);
    expect(frontend.services[0].scale).toEqual({ cpu: 0.1, memory: 128, instances: 2 });
    expect(frontend.services[1].scale).toEqual({ ref: "small" });
    expect(frontend.sla).toEqual({ ref: "fast" });
    expect(backend.services).toEqual([
      expect.objectContaining({ breed: { ref: "api:1" }, scale: { cpu: 0.25, memory: expect.closeTo(244.14, 2), instances: 1 } }),
    ]);
    expect(r.blueprint!.gateways).toEqual([{ port: "9050/http", target: "frontend/web" }]);
  });

  it("names each mistake: a missing cluster or port, weights over 100%, a route to no service, a variable of no cluster", () => {
    const bad = structuredClone(BLUEPRINT) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form test input
    bad.gateways = { 9050: "frontend/admin", 9060: "nowhere/web", "9070/udp": "frontend/web" };
    bad.clusters.frontend.gateways.web.routes["frontend:2"].weight = "20%";
    bad.clusters.frontend.gateways.web.routes["frontend:3"] = {};
    bad.environmentVariables["db.X"] = "1";
    bad.clusters.frontend.services[0].environmentVariables.API_URL = "$nothing.host";
    const out = messages(validateBlueprint(bad, { source: "bp" }));
    expect(out).toEqual(
      expect.arrayContaining([
        'bp: clusters.frontend.gateways.web.routes["frontend:3"]: names no service of this cluster (frontend:1, frontend:2)',
        expect.stringMatching(/^bp: clusters.frontend.gateways.web.routes: route weights add up to 110%/),
        'bp: gateways["9050"]: cluster frontend has no port "admin" (web)',
        'bp: gateways["9060"]: names no cluster of this blueprint (frontend, backend), got "nowhere/web"',
        expect.stringMatching(/^bp: gateways\["9070\/udp"\]: must be a port like/),
        'bp: environmentVariables["db.X"]: names no cluster of this blueprint (frontend, backend)',
        'bp: clusters.frontend.services[0].environmentVariables.API_URL: refers to "nothing", which is no cluster of this blueprint (frontend, backend)',
      ]),
    );
    expect(out).toHaveLength(7);
  });
});

describe("readArtifacts", () => {
  const DOCS = `
kind: breed
name: api:1
deployable: shop/api:1
ports: { api: 8080/http }
---
kind: blueprints
name: shop
clusters:
  api:
    breed: api:1
    scale: small
  web:
    services:
      - breed: web:1
        scale: { cpu: 0.1, memory: 64Mi }
    sla:
      type: response_time_sliding_window
      threshold: { upper: 1000, lower: 100 }
      window: { interval: 60, cooldown: 60 }
      escalations: [ { type: scale_instances, minimum: 1, maximum: 4, scale_by: 1 }, bigger ]
---
kind: workflows
name: canary
breed: canary:1
schedule: { event: { tags: [deployments] } }
---
kind: conditions
name: beta
condition: has cookie beta
`;

  it("reads every kind (singular or plural) and lists references to artifacts no document defines", () => {
    const r = read(DOCS);
    expect(messages(r)).toEqual([]);
    expect([r.catalog.breeds.length, r.catalog.blueprints.length, r.catalog.workflows.length, r.catalog.conditions.length]).toEqual([1, 1, 1, 1]);
    expect(r.unresolved.map((u) => `${u.from} ${u.path} → ${u.kind} ${u.name}`)).toEqual([
      "blueprint shop clusters.api.services[0].scale → scales small",
      "blueprint shop clusters.web.services[0].breed → breeds web:1",
      "blueprint shop clusters.web.sla.escalations[1] → escalations bigger",
      "workflow canary breed → breeds canary:1",
    ]);
  });

  it("one bad document never hides the others; problems carry line and column", () => {
    const r = read(`kind: scales\nname: small\ncpu: lots\nmemory: 64Mi\n---\nkind: scales\nname: big\ncpu: 2\nmemory: 4Gi\n`);
    expect(r.catalog.scales.map((s) => s.name)).toEqual(["big"]);
    expect(r.problems).toEqual([expect.objectContaining({ source: "a.yaml#1", path: "cpu", line: 3, column: 6, message: expect.stringContaining('"lots"') })]);
  });

  it("reads documents without a kind as the kind given (Vamp's per-kind API)", () => {
    expect(messages(read("name: small\ncpu: 1\nmemory: 1Gi\n"))).toEqual([expect.stringMatching(/kind: must be one of .*--kind/)]);
    expect(read("name: small\ncpu: 1\nmemory: 1Gi\n", "scales").catalog.scales).toEqual([{ name: "small", cpu: 1, memory: 1024, instances: 1 }]);
  });
});
