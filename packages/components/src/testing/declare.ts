/**
 * Runs a Pulumi program under Pulumi's mocks and returns every resource it declares, with its
 * inputs as the program resolved them. No engine, no plugins, no cloud: what the components
 * would ask the providers to create. The tests assert on it, and apply the Kubernetes objects,
 * SQL grants and Vault policies among them to real servers.
 *
 * @example
 * const declared = await declareResources(() => new AllInOne("qs", { provider, organization: "acme", gatewayPorts: [9050] }));
 * declared.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
 */
import * as pulumi from "@pulumi/pulumi";

export interface DeclaredResource {
  /** The type token, e.g. `kubernetes:apps/v1:Deployment`, `mysql:index/grant:Grant`. */
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The provider reference (`urn::id`) the resource was created with, if any. */
  provider?: string;
}

export interface DeclareOptions {
  project?: string;
  stack?: string;
  /** Configuration, `{ "vamp:production": "true" }`. */
  config?: Record<string, string>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Inputs with secret values unwrapped (the mocks hand them over in the engine's secret envelope). */
function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) return unwrap(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

/** Waits until no new resource was registered for a few ticks: component constructors and applies have run. */
async function settle(count: () => number): Promise<void> {
  let last = -1;
  let quiet = 0;
  for (let i = 0; i < 500 && quiet < 5; i++) {
    await new Promise((r) => setTimeout(r, 10));
    quiet = count() === last ? quiet + 1 : 0;
    last = count();
  }
}

export async function declareResources(program: () => unknown, options: DeclareOptions = {}): Promise<DeclaredResource[]> {
  const declared: DeclaredResource[] = [];
  // Replaces the whole configuration: nothing leaks from a previous program.
  pulumi.runtime.setAllConfig(options.config ?? {});
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        declared.push({ type: args.type, name: args.name, inputs: unwrap(args.inputs) as Record<string, unknown>, provider: args.provider });
        // A generated password has no input that gives its value; give it one, as the engine would.
        const generated = args.type.endsWith(":GeneratedPassword") ? { value: `generated-${args.name}` } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...generated } };
      },
      call(args) {
        return args.inputs;
      },
    },
    options.project ?? "vamp-test",
    options.stack ?? "dev",
    false,
  );
  let failure: unknown;
  try {
    await program();
  } catch (e) {
    failure = e;
  }
  // Let what the program started finish against this mock monitor before the next one replaces it.
  await settle(() => declared.length);
  if (failure) throw failure;
  return declared;
}

/** Kubernetes objects among the declared resources, as manifests (apiVersion, kind, metadata, ...). */
export function kubernetesManifests(declared: DeclaredResource[]): Record<string, unknown>[] {
  return declared
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const m = /^kubernetes:([^:]+):(.+)$/.exec(r.type)!;
      const [group, version] = m[1].split("/");
      const apiVersion = group === "core" ? version : `${group === "rbac" ? "rbac.authorization.k8s.io" : group}/${version}`;
      const rest = { ...r.inputs };
      delete rest.apiVersion;
      delete rest.kind;
      return { apiVersion, kind: m[2], ...rest };
    });
}
