/**
 * Every topology rule, asserted on the arguments of the child resources the components declare
 * (Pulumi's mocks: the provider plugins of @pulumi/kubernetes, mysql and vault cannot run here).
 * The same declarations are applied to real servers in test/e2e/components.
 */
import * as k8s from "@pulumi/kubernetes";
import * as mysql from "@pulumi/mysql";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { AllInOne } from "./all-in-one";
import { ManagementCluster } from "./management-cluster";
import { ServiceCluster } from "./service-cluster";
import { Environment, Organization } from "./tenancy";
import { declareResources, type DeclaredResource } from "./testing";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are free-form JSON
const of = (d: DeclaredResource[], type: string) => d.filter((r) => r.type === type).map((r) => r.inputs as Obj);
const store = { kind: "vault" as const, address: "https://vault.example.com:8200" };
const GENERATED_PASSWORD = "pulumi-nodejs:dynamic/vamp:GeneratedPassword";

// The engine's secret envelope, as serialized in the resource monitor's requests.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const secretEnvelope = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });
/** A value with every secret envelope replaced by a placeholder: what is left is what is visible. */
const withoutSecrets = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(withoutSecrets)
    : v && typeof v === "object"
      ? (v as Obj)[SECRET_SIG] === SECRET_VALUE
        ? "[secret]"
        : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSecrets(x)]))
      : v;
const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

/**
 * The engine's part the mocks leave out: outputs a resource names in `additionalSecretOutputs`
 * come back as secrets. Records every registration as the monitor receives it (inputs serialized,
 * secrets still in their envelope) and every component's registered outputs, by URN.
 * Call `install()` first thing in the program given to declareResources (it replaces the monitor).
 */
function withEngineSecrets() {
  const registered: { type: string; name: string; urn: string; inputs: Obj; additionalSecretOutputs: string[] }[] = [];
  const outputs = new Map<string, Obj>();
  const install = () => {
    const monitor = pulumi.runtime.getMonitor() as Obj;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: Obj, callback: (err: unknown, resp: Obj) => void) => {
      const entry = {
        type: req.getType(),
        name: req.getName(),
        urn: "",
        inputs: req.getObject()?.toJavaScript() ?? {},
        additionalSecretOutputs: req.getAdditionalsecretoutputsList() as string[],
      };
      registered.push(entry);
      register(req, (err: unknown, resp: Obj) => {
        if (resp) {
          entry.urn = resp.getUrn();
          const state = resp.getObject().toJavaScript();
          for (const k of entry.additionalSecretOutputs) if (k in state) state[k] = secretEnvelope(state[k]);
          resp.setObject(resp.getObject().constructor.fromJavaScript(state));
        }
        callback(err, resp);
      });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: Obj, callback: (err: unknown, resp: unknown) => void) => {
      outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
      registerOutputs(req, callback);
    };
  };
  return { install, registered, outputs };
}

async function serviceTopology(extra: { replicas?: number } = {}) {
  return declareResources(() => {
    const mgmt = new k8s.Provider("mgmt", {});
    const eu1 = new k8s.Provider("eu-1", {});
    const vp = new vault.Provider("vault", {});
    const mp = new mysql.Provider("mysql", {});
    const acme = new Organization("acme", {
      name: "acme",
      managementProvider: mgmt,
      mysql: { provider: mp },
      vault: { provider: vp, kubernetesAuthPath: "kubernetes-eu-1" },
      search: { name: "eu", url: "https://es-eu:9200" },
    });
    const prod = new Environment("acme-prod", { organization: acme, name: "prod", provider: eu1 });
    const test = new Environment("acme-test", { organization: acme, name: "test", provider: eu1 });
    new ServiceCluster("eu-1", { provider: eu1, environments: [prod, test], store, gatewayPorts: [80, 9050], agentReplicas: extra.replicas });
  });
}

describe("Organization and Environment (tenancy)", () => {
  let d: DeclaredResource[];
  beforeAll(async () => {
    d = await serviceTopology();
  });

  it("give each environment a Namespace <organization>-<environment>, and the organization vamp-<organization>", () => {
    expect(
      of(d, "kubernetes:core/v1:Namespace")
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(["acme-prod", "acme-test", "vamp-acme"]);
  });

  it("give each agent a ServiceAccount and a namespaced Role with only what it needs", () => {
    const roles = of(d, "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) => r.metadata.namespace === "acme-prod");
    const byName = Object.fromEntries(roles.map((r) => [r.metadata.name, r.rules]));
    expect(byName["vamp-gateway-agent"]).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["vamp-gateway-agent-store"] }]);
    expect(byName["vamp-workflow-agent"]).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["vamp-workflow-agent-store"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "patch"] },
    ]);
    expect(of(d, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")).toEqual([]);
    const bindings = of(d, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter((b) => b.metadata.namespace === "acme-prod");
    for (const b of bindings) expect(b.subjects).toEqual([{ kind: "ServiceAccount", name: b.metadata.name, namespace: "acme-prod" }]);
    expect(
      of(d, "kubernetes:core/v1:ServiceAccount")
        .filter((s) => s.metadata.namespace === "acme-prod")
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(["vamp-gateway-agent", "vamp-workflow-agent"]);
  });

  it("give each environment Vault policies on its own gateways' path, and a login bound to its agents' ServiceAccount", () => {
    const policies = Object.fromEntries(of(d, "vault:index/policy:Policy").map((p) => [p.name, p.policy as string]));
    expect(Object.keys(policies).sort()).toEqual(["vamp-acme-prod-agent", "vamp-acme-prod-writer", "vamp-acme-test-agent", "vamp-acme-test-writer"]);
    expect(policies["vamp-acme-prod-agent"]).toContain('path "secret/data/vamp/acme/prod/gateways/*"');
    expect(policies["vamp-acme-prod-agent"]).not.toMatch(/acme\/test|delete/);
    // Writes only to its presence: every path with create or update is under agents/.
    const writes = (policies["vamp-acme-prod-agent"] as string).split("path ").filter((b: string) => /create|update/.test(b));
    expect(writes.map((b: string) => b.split(" ")[0])).toEqual(['"secret/data/vamp/acme/prod/agents/*"']);
    const login = of(d, "vault:kubernetes/authBackendRole:AuthBackendRole").find((r) => r.roleName === "acme-prod-gateway-agent")!;
    expect(login).toMatchObject({
      backend: "kubernetes-eu-1",
      boundServiceAccountNames: ["vamp-gateway-agent"],
      boundServiceAccountNamespaces: ["acme-prod"],
      tokenPolicies: ["vamp-acme-prod-agent"],
    });
  });

  it("give the organization its own MySQL database and user, granted on that database only, with a generated secret password", () => {
    expect(of(d, "mysql:index/database:Database").map((x) => x.name)).toEqual(["vamp_acme"]);
    const user = of(d, "mysql:index/user:User")[0];
    expect(user).toMatchObject({ user: "vamp_acme", host: "%" });
    expect(of(d, "mysql:index/grant:Grant")).toEqual([
      expect.objectContaining({ user: "vamp_acme", host: "%", database: "vamp_acme", privileges: ["ALL PRIVILEGES"] }),
    ]);
    // Exactly one generated password, the organization's, 32 characters long.
    expect(d.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).map((r) => [r.type, r.name, r.inputs.length])).toEqual([
      [GENERATED_PASSWORD, "acme-mysql-password", 32],
    ]);
  });

  it("keep the generated MySQL password a secret: asked of the engine, handed to the MySQL user as one, never in plain text elsewhere", async () => {
    const engine = withEngineSecrets();
    let acme!: Organization;
    await declareResources(() => {
      engine.install();
      acme = new Organization("acme", { name: "acme", managementProvider: new k8s.Provider("mgmt", {}), mysql: { provider: new mysql.Provider("mysql", {}) } });
    });
    const plain = "generated-acme-mysql-password"; // what declareResources' mock generates for it
    const password = engine.registered.find((r) => r.type === GENERATED_PASSWORD && r.name === "acme-mysql-password")!;
    expect(password.additionalSecretOutputs).toEqual(["value"]);
    expect(await pulumi.isSecret(acme.database!.password)).toBe(true);
    expect(await resolve(pulumi.unsecret(acme.database!.password))).toBe(plain);
    const user = engine.registered.find((r) => r.type === "mysql:index/user:User")!;
    expect(user.inputs.plaintextPassword).toEqual(secretEnvelope(plain));
    // Outside secret envelopes the value appears nowhere: no resource's inputs, not the component's registered outputs.
    for (const r of engine.registered) expect(JSON.stringify(withoutSecrets(r.inputs))).not.toContain(plain);
    const org = engine.registered.find((r) => r.type === "vamp:tenancy:Organization")!;
    expect(engine.outputs.has(org.urn)).toBe(true);
    expect(JSON.stringify(withoutSecrets(engine.outputs.get(org.urn)))).not.toContain(plain);
    // Nor in the component's public non-secret properties.
    expect(await pulumi.isSecret(acme.namespace!)).toBe(false);
    const visible = {
      name: acme.name,
      namespace: await resolve(acme.namespace!),
      database: { name: acme.database!.name, user: acme.database!.user },
      search: acme.search,
      vault: acme.vault,
    };
    expect(JSON.stringify(visible)).not.toContain(plain);
  });

  it("send an environment's logs to the organization's search cluster unless it overrides it", async () => {
    let envs: Environment[] = [];
    await declareResources(() => {
      const p = new k8s.Provider("p", {});
      const acme = new Organization("acme", { name: "acme", search: { name: "eu", url: "https://es-eu:9200" } });
      envs = [
        new Environment("a", { organization: acme, name: "shop", provider: p }),
        new Environment("b", { organization: acme, name: "shop-de", provider: p, search: { name: "de", url: "https://es-de:9200" } }),
      ];
    });
    expect(envs.map((e) => e.search?.name)).toEqual(["eu", "de"]);
  });

  it("refuse a bad environment name at preview, naming the field and the value", async () => {
    await expect(
      declareResources(() => {
        const acme = new Organization("acme", { name: "acme" });
        new Environment("bad", { organization: acme, name: "Prod_1", provider: new k8s.Provider("p", {}) });
      }),
    ).rejects.toThrow(/vamp:tenancy:Environment "bad": name: must be a DNS label .*got "Prod_1"/);
  });
});

describe("ServiceCluster", () => {
  let d: DeclaredResource[];
  beforeAll(async () => {
    d = await serviceTopology();
  });

  it("runs at least two gateway agents per environment, never two on one node", () => {
    const agents = of(d, "kubernetes:apps/v1:Deployment").filter((x) => x.metadata.name === "vamp-gateway-agent");
    expect(agents.map((a) => a.metadata.namespace).sort()).toEqual(["acme-prod", "acme-test"]);
    for (const a of agents) {
      expect(a.spec.replicas).toBe(2);
      const anti = a.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      expect(anti).toEqual([{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: a.spec.selector.matchLabels } }]);
      expect(a.spec.template.spec.serviceAccountName).toBe("vamp-gateway-agent");
      expect(a.spec.template.spec.containers[0].args).toEqual(
        expect.arrayContaining(["--store", "vault", "--endpoints", store.address, "--environment", a.metadata.namespace.split("-")[1]]),
      );
    }
  });

  it("keeps one agent serving: a PodDisruptionBudget of one, and one load-balanced Service with the gateway ports only", () => {
    for (const ns of ["acme-prod", "acme-test"]) {
      const pdb = of(d, "kubernetes:policy/v1:PodDisruptionBudget").find((x) => x.metadata.namespace === ns)!;
      expect(pdb.spec.maxUnavailable).toBe(1);
      const svc = of(d, "kubernetes:core/v1:Service").find((x) => x.metadata.namespace === ns)!;
      expect(svc.spec.type).toBe("LoadBalancer");
      expect(svc.spec.ports.map((p: Obj) => p.port)).toEqual([80, 9050]);
      expect(svc.spec.selector).toEqual(pdb.spec.selector.matchLabels);
    }
  });

  it("runs one workflow agent per environment", () => {
    const wf = of(d, "kubernetes:apps/v1:Deployment").filter((x) => x.metadata.name === "vamp-workflow-agent");
    expect(wf.map((w) => [w.metadata.namespace, w.spec.replicas]).sort()).toEqual([
      ["acme-prod", 1],
      ["acme-test", 1],
    ]);
    // The selector reconciler and the release driver, named after its pod (a restarted container resumes its releases).
    const containers = wf[0].spec.template.spec.containers as Obj[];
    expect(containers.map((c) => c.name)).toEqual(["workflow-agent", "releases"]);
    expect(containers[1].command.join(" ")).toMatch(/vamp-workflow-agent\.js$/);
    expect(containers[1].args).toEqual(expect.arrayContaining(["--agent-id", "$(POD_NAME)", "--organization", wf[0].metadata.namespace.split("-")[0]]));
    // The release driver asks the same search cluster the gateway agents ship their logs to (log checks).
    const gw = of(d, "kubernetes:apps/v1:Deployment").find(
      (x) => x.metadata.name === "vamp-gateway-agent" && x.metadata.namespace === wf[0].metadata.namespace,
    )!;
    const flag = (args: string[], f: string) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
    const gwArgs = (gw.spec.template.spec.containers as Obj[])[0].args as string[];
    expect(flag(gwArgs, "--search-url")).toMatch(/^https:\/\//);
    expect(flag(containers[1].args as string[], "--search-url")).toBe(flag(gwArgs, "--search-url"));
  });

  it("refuses fewer than two agents, naming the field", async () => {
    await expect(serviceTopology({ replicas: 1 })).rejects.toThrow(/vamp:topology:ServiceCluster "eu-1": agentReplicas: must be at least 2.*got 1/);
  });

  it("refuses an environment created on another cluster", async () => {
    await expect(
      declareResources(() => {
        const acme = new Organization("acme", { name: "acme" });
        const env = new Environment("e", { organization: acme, name: "prod", provider: new k8s.Provider("a", {}) });
        new ServiceCluster("b", { provider: new k8s.Provider("b", {}), environments: [env], store, gatewayPorts: [80] });
      }),
    ).rejects.toThrow(/environments\[0\]: was created with another cluster's provider/);
  });
});

describe("AllInOne", () => {
  const quickstart = (stack: string, config: Record<string, string> = {}) =>
    declareResources(() => new AllInOne("qs", { provider: new k8s.Provider("local", {}), organization: "acme", gatewayPorts: [9050] }), { stack, config });

  it("fails on a stack marked production, by name or by flag", async () => {
    await expect(quickstart("shop-prod")).rejects.toThrow(/vamp:topology:AllInOne "qs": production: .*the stack name "shop-prod" says production/);
    await expect(quickstart("dev", { "vamp:production": "true" })).rejects.toThrow(/config vamp:production is true/);
  });

  it("declares no persistent storage at all, warns, and runs the agents of its environment", async () => {
    const warn = jest.spyOn(pulumi.log, "warn");
    const d = await quickstart("dev");
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/AllInOne has no persistent storage and is for development only/));
    warn.mockRestore();
    const text = JSON.stringify(d.map((r) => r.inputs));
    expect(text).not.toMatch(/volumeClaimTemplates|persistentVolumeClaim/);
    expect(d.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")).toEqual([]);
    expect(
      of(d, "kubernetes:apps/v1:Deployment")
        .map((x) => `${x.metadata.namespace}/${x.metadata.name}`)
        .sort(),
    ).toEqual(["acme-dev/vamp-gateway-agent", "acme-dev/vamp-workflow-agent", "vamp-quickstart/vamp-vault"]);
  });
});

describe("ManagementCluster and its dependencies", () => {
  const mgmt = (search: "low" | "high", vaultMode: "in-cluster" | "external" = "in-cluster") =>
    declareResources(
      () =>
        new ManagementCluster("mgmt", {
          provider: new k8s.Provider("mgmt", {}),
          mysql: { mode: "in-cluster", storageSize: "30Gi" },
          vault:
            vaultMode === "in-cluster"
              ? { mode: "in-cluster", tlsSecretName: "vault-tls", token: "t" }
              : { mode: "external", address: "https://vault.example.com:8200", token: "t" },
          search: { mode: "in-cluster", clusterName: "audit", trafficClass: search },
        }),
    );

  it("keeps MySQL, Vault and the search cluster on storage that survives a restart", async () => {
    const d = await mgmt("high");
    const sts = Object.fromEntries(of(d, "kubernetes:apps/v1:StatefulSet").map((s) => [s.metadata.name, s]));
    expect(sts["vamp-mysql"].spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("30Gi");
    expect(sts["vamp-mysql"].spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    const vaultConfig = of(d, "kubernetes:core/v1:Secret").find((s) => s.metadata.name === "vamp-vault-config")!.stringData["config.hcl"];
    expect(vaultConfig).toMatch(/storage "mysql"/);
    expect(vaultConfig).toMatch(/tls_cert_file/);
    expect(of(d, "kubernetes:core/v1:ConfigMap")).toEqual([]);
    expect(sts["vamp-search-audit"].spec.replicas).toBe(3);
    expect(sts["vamp-search-audit"].spec.volumeClaimTemplates).toHaveLength(1);
  });

  it("sizes the search cluster by traffic class: one node for low traffic", async () => {
    const d = await mgmt("low", "external");
    expect(of(d, "kubernetes:apps/v1:StatefulSet").find((s) => s.metadata.name === "vamp-search-audit")!.spec.replicas).toBe(1);
    expect(of(d, "vault:index/mount:Mount")).toEqual([expect.objectContaining({ path: "secret", type: "kv", options: { version: "2" } })]);
  });

  it("refuses an in-cluster Vault without TLS, naming the field", async () => {
    await expect(
      declareResources(
        () =>
          new ManagementCluster("mgmt", {
            provider: new k8s.Provider("mgmt", {}),
            mysql: { mode: "external", endpoint: "db:3306", username: "admin", password: "x" },
            vault: { mode: "in-cluster", tlsSecretName: "", token: "t" },
            search: { mode: "external", name: "audit", url: "https://es:9200" },
          }),
      ),
    ).rejects.toThrow(/vamp:dependencies:Vault "mgmt-vault": tlsSecretName: must name a kubernetes.io\/tls Secret/);
  });
});
