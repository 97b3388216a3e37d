/**
 * A small client of the test bed's Kubernetes API over HTTPS with the admin certificate, for the
 * test bed itself (nodes, the LoadBalancer controller) and for test set-up. The product talks to
 * Kubernetes through @kubernetes/client-node; this is test-bed plumbing only.
 *
 *   await kube("GET", "/api/v1/nodes");
 *   await kube("PATCH", "/api/v1/nodes/n1", { metadata: { labels } }, { contentType: "application/merge-patch+json" });
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { ports, runDir } from "./paths";

const pki = () => path.join(runDir("kubernetes"), "pki");

export interface KubeOptions {
  /** Resolve to undefined on 404 instead of rejecting. */
  tolerate404?: boolean;
  contentType?: string;
  timeoutMs?: number;
}

/** One API call; resolves to the parsed body, rejects on a status >= 400 (404 tolerated when asked). */
export function kube<T = Record<string, unknown>>(method: string, apiPath: string, body?: unknown, opts: KubeOptions = {}): Promise<T | undefined> {
  const k = pki();
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: ports.kubernetes,
        path: apiPath,
        method,
        ca: fs.readFileSync(path.join(k, "ca.crt")),
        cert: fs.readFileSync(path.join(k, "admin.crt")),
        key: fs.readFileSync(path.join(k, "admin.key")),
        headers: { "content-type": opts.contentType ?? "application/json", accept: "application/json" },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 404 && opts.tolerate404) return resolve(undefined);
          if ((res.statusCode ?? 500) >= 400) return reject(new Error(`${method} ${apiPath}: HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
          resolve(text ? (JSON.parse(text) as T) : undefined);
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: timeout`)));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/**
 * The test cluster's kwok nodes, each with its own pod range (a node without one leaves its pods
 * Pending) and the hostname label a kubelet would set (anti-affinity spreads on it). Pods on
 * kwok-a..d get addresses from 10.244.0.0/16: nothing answers there, but the API server accepts
 * them as Service endpoints (it refuses loopback ones, and the Kubernetes provider waits for a
 * Service's endpoints to settle). kwok-loopback gives pods 127.0.0.x addresses, where real
 * servers play the pods; it is tainted, so only pods that ask for it (nodeName, or a toleration)
 * land there.
 */
export const NODES: readonly { name: string; podCIDR: string; loopback?: true }[] = [
  { name: "kwok-loopback", podCIDR: "127.0.0.0/24", loopback: true },
  { name: "kwok-a", podCIDR: "10.244.1.0/24" },
  { name: "kwok-b", podCIDR: "10.244.2.0/24" },
  { name: "kwok-c", podCIDR: "10.244.3.0/24" },
  { name: "kwok-d", podCIDR: "10.244.4.0/24" },
];

/** The taint of the loopback node; a pod that should get a loopback address tolerates it. */
export const LOOPBACK_TAINT = { key: "vamp.io/loopback", value: "true", effect: "NoSchedule" } as const;

/** Creates the test cluster's nodes that are missing. */
export async function ensureNodes(): Promise<void> {
  for (const n of NODES) {
    if (await kube("GET", `/api/v1/nodes/${n.name}`, undefined, { tolerate404: true })) continue;
    await kube("POST", "/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: n.name, labels: { type: "kwok", "kubernetes.io/hostname": n.name } },
      spec: { podCIDR: n.podCIDR, ...(n.loopback ? { taints: [LOOPBACK_TAINT] } : {}) },
    });
  }
}
