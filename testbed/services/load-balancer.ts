/**
 * The test cluster's LoadBalancer controller (a cloud's job): every Service of type LoadBalancer
 * gets a loopback address of its own (127.0.200.1 onwards) written into its status, as a cloud
 * would write the address of its load balancer. Without it the Kubernetes provider waits for an
 * address that never comes ("Service was not allocated an IP address"), as it would on a cluster
 * with no load balancer; with it, `pulumi up` waits for what it waits for on a cloud.
 *
 * Runs as its own process (`node load-balancer.js`, started with the API server) and polls the
 * Services every 300 ms: a watch would be faster by a few hundred milliseconds and no simpler.
 */
import { kube } from "./kube-api";

interface Service {
  metadata: { name: string; namespace: string };
  spec: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

const BASE = "127.0.200.";

/** An address for each LoadBalancer Service still waiting for one, none already taken. */
function plan(services: readonly Service[]): [Service, string][] {
  const used = new Set<string>();
  for (const s of services) for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip) used.add(i.ip);
  const assign: [Service, string][] = [];
  let next = 1;
  for (const s of services) {
    if (s.spec.type !== "LoadBalancer" || s.status?.loadBalancer?.ingress?.length) continue;
    while (used.has(BASE + next)) next++;
    if (next > 254) break;
    used.add(BASE + next);
    assign.push([s, BASE + next]);
  }
  return assign;
}

async function once(): Promise<void> {
  const list = await kube<{ items: Service[] }>("GET", "/api/v1/services");
  for (const [s, ip] of plan(list?.items ?? [])) {
    await kube(
      "PATCH",
      `/api/v1/namespaces/${s.metadata.namespace}/services/${s.metadata.name}/status`,
      { status: { loadBalancer: { ingress: [{ ip }] } } },
      { contentType: "application/merge-patch+json", tolerate404: true },
    );
    console.log(`${new Date().toISOString()} ${s.metadata.namespace}/${s.metadata.name} -> ${ip}`);
  }
}

async function main(): Promise<void> {
  for (;;) {
    try {
      await once();
    } catch (e) {
      console.log(`${new Date().toISOString()} ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

if (require.main === module) void main();
