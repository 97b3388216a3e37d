/**
 * A loopback-only Kubernetes control plane for the selector and topology suites: kube-apiserver
 * (storing under its own prefix of the test bed's etcd), kube-controller-manager, kube-scheduler,
 * kwok playing the kubelets on five nodes, one with loopback pod addresses (kube-api.ts), and a
 * LoadBalancer controller giving Services loopback addresses (load-balancer.ts). PKI by openssl
 * under $VAMP_RUN/kubernetes/pki; one kubeconfig per client under $VAMP_RUN/kubernetes/. The
 * sub-processes keep their own pid files ($VAMP_RUN/kube-controller-manager/, kube-scheduler/,
 * kwok/, kube-load-balancer/).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureNodes } from "./kube-api";
import { dirs, ports, REPO_ROOT, runDir, versions } from "./paths";
import { httpGet, isExecutable, isRunning, logFile, spawnService, stopProcesses, TestbedError, waitFor, type TestbedService } from "./service";

const bin = (name: string) => path.join(dirs.kubernetes, "bin", name);
const kwokBin = () => path.join(dirs.kwok, "bin", "kwok");
const pkiDir = () => path.join(runDir("kubernetes"), "pki");

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: "ignore" });
  } catch {
    throw new TestbedError(`openssl ${args[0]} failed while making the test bed's certificates (${pkiDir()})`);
  }
}

/** A CA and client/serving certificates for a loopback-only cluster (made once). */
function pki(k: string): void {
  if (fs.existsSync(path.join(k, "admin.crt"))) return;
  fs.mkdirSync(k, { recursive: true });
  const f = (n: string) => path.join(k, n);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "30", "-subj", "/CN=vamp-testbed-ca"]);
  openssl(["genrsa", "-out", f("sa.key"), "2048"]);
  openssl(["rsa", "-in", f("sa.key"), "-pubout", "-out", f("sa.pub")]);
  const subjects: [string, string][] = [
    ["apiserver", "/CN=kube-apiserver"],
    ["admin", "/O=system:masters/CN=vamp-testbed-admin"],
    ["controller-manager", "/CN=system:kube-controller-manager"],
    ["scheduler", "/CN=system:kube-scheduler"],
  ];
  for (const [name, subj] of subjects) {
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", subj]);
    fs.writeFileSync(
      f(`${name}.ext`),
      name === "apiserver"
        ? "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n"
        : "extendedKeyUsage=clientAuth\n",
    );
    openssl([
      "x509",
      "-req",
      "-in",
      f(`${name}.csr`),
      "-CA",
      f("ca.crt"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f(`${name}.crt`),
      "-days",
      "30",
      "-extfile",
      f(`${name}.ext`),
    ]);
  }
}

function kubeconfig(file: string, user: string): void {
  const k = pkiDir();
  fs.writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: vamp-testbed
  cluster: { server: "https://127.0.0.1:${ports.kubernetes}", certificate-authority: "${k}/ca.crt" }
users:
- name: ${user}
  user: { client-certificate: "${k}/${user}.crt", client-key: "${k}/${user}.key" }
contexts:
- name: vamp-testbed
  context: { cluster: vamp-testbed, user: ${user} }
current-context: vamp-testbed
`,
  );
}

/** kwok's configuration plus the Stage objects shipped in its Go module (downloaded when missing). */
function kwokConfig(): string {
  let modcache: string;
  try {
    modcache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  } catch {
    throw new TestbedError("go is not on PATH (kwok's Stage files come from its Go module)");
  }
  const stages = path.join(modcache, `sigs.k8s.io/kwok@${versions.KWOK_VERSION}`, "kustomize", "stage");
  if (!fs.existsSync(stages)) {
    try {
      execFileSync("go", ["mod", "download", `sigs.k8s.io/kwok@${versions.KWOK_VERSION}`], { stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      throw new TestbedError(`go mod download sigs.k8s.io/kwok@${versions.KWOK_VERSION} failed`, String((e as { stderr?: Buffer }).stderr ?? ""));
    }
  }
  let text = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  # Leases are kwok's heartbeat; without them (the default, 0) nodes look not-Ready to the node
  # lifecycle controller every ~50 s, and it marks their pods not Ready.
  nodeLeaseDurationSeconds: 40
  nodeLeaseParallelism: 4
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  enablePodsOnNodeSyncStreamWatch: true
`;
  for (const f of [
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
  ]) {
    text += "---\n" + fs.readFileSync(path.join(stages, f), "utf8");
  }
  return text;
}

/** Where the test cluster keeps its objects in the test bed's etcd. */
const CLUSTER_PREFIX = "/vamp-testbed-kubernetes";

/** The sub-processes, in the order they are stopped (the API server last). */
const PROCESSES = ["kube-load-balancer", "kwok", "kube-scheduler", "kube-controller-manager", "kubernetes"] as const;

const healthz = (port: number) => async () => (await httpGet(`https://127.0.0.1:${port}/healthz`, { insecure: true }))?.status === 200;

export const kubernetes: TestbedService = {
  name: "kubernetes",
  dependsOn: ["etcd"],
  byDefault: false,
  notInstalled: "kubernetes is not installed: run 'testbed.sh install kubernetes'",
  installed: () => isExecutable(bin("kube-apiserver")) && isExecutable(kwokBin()),

  async probe() {
    const k = pkiDir();
    let creds: { ca: Buffer; cert: Buffer; key: Buffer };
    try {
      creds = {
        ca: fs.readFileSync(path.join(k, "ca.crt")),
        cert: fs.readFileSync(path.join(k, "admin.crt")),
        key: fs.readFileSync(path.join(k, "admin.key")),
      };
    } catch {
      return false;
    }
    const r = await httpGet(`https://127.0.0.1:${ports.kubernetes}/readyz`, creds);
    return r?.status === 200 && r.body.includes("ok");
  },

  async start(ctx) {
    const d = runDir("kubernetes");
    const k = pkiDir();
    pki(k);
    for (const n of ["admin", "controller-manager", "scheduler"]) kubeconfig(path.join(d, `${n}.kubeconfig`), n);
    // The cluster's objects live under their own prefix of the test bed's etcd, emptied at every
    // start: kwok's node leases and the pods of an earlier run made a new kwok wait for those
    // leases to expire, and the next suite's pods stayed without Ready (a flaky suite).
    execFileSync("etcdctl", ["--endpoints", `http://127.0.0.1:${ports.etcd}`, "del", "--prefix", CLUSTER_PREFIX], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ETCDCTL_API: "3" },
    });
    // WatchList off: streaming lists need etcd's progress requests, which Debian's etcd 3.4
    // lacks; with it on, client-go watches (kwok's) end every few seconds and pods wait for a relist.
    spawnService("kubernetes", bin("kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
      `--etcd-prefix=${CLUSTER_PREFIX}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.kubernetes}`,
      `--tls-cert-file=${k}/apiserver.crt`,
      `--tls-private-key-file=${k}/apiserver.key`,
      `--client-ca-file=${k}/ca.crt`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${k}/sa.pub`,
      `--service-account-signing-key-file=${k}/sa.key`,
      "--service-account-issuer=https://kubernetes.default.svc",
      "--service-cluster-ip-range=10.96.0.0/12",
      "--allow-privileged=true",
      "--feature-gates=WatchList=false",
    ]);
    await waitFor(ctx, "kubernetes", 60, () => this.probe(ctx));
    for (const n of ["kube-controller-manager", "kube-scheduler", "kwok"]) fs.mkdirSync(runDir(n), { recursive: true });
    const cm = path.join(d, "controller-manager.kubeconfig");
    spawnService("kube-controller-manager", bin("kube-controller-manager"), [
      `--kubeconfig=${cm}`,
      `--authentication-kubeconfig=${cm}`,
      `--authorization-kubeconfig=${cm}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${ports.kubernetes + 1}`,
      "--leader-elect=false",
      `--service-account-private-key-file=${k}/sa.key`,
      `--root-ca-file=${k}/ca.crt`,
      `--cluster-signing-cert-file=${k}/ca.crt`,
      `--cluster-signing-key-file=${k}/ca.key`,
      "--use-service-account-credentials=true",
    ]);
    const sc = path.join(d, "scheduler.kubeconfig");
    spawnService("kube-scheduler", bin("kube-scheduler"), [
      `--kubeconfig=${sc}`,
      `--authentication-kubeconfig=${sc}`,
      `--authorization-kubeconfig=${sc}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${ports.kubernetes + 2}`,
      "--leader-elect=false",
    ]);
    // kwok plays the kubelets: its configuration plus the Stage objects shipped in its module.
    const kwokYaml = path.join(runDir("kwok"), "kwok.yaml");
    fs.writeFileSync(kwokYaml, kwokConfig());
    spawnService("kwok", kwokBin(), [
      `--kubeconfig=${path.join(d, "admin.kubeconfig")}`,
      `--config=${kwokYaml}`,
      "--manage-all-nodes=true",
      `--server-address=127.0.0.1:${ports.kubernetes + 3}`,
    ]);
    await waitFor(ctx, "kube-controller-manager", 30, healthz(ports.kubernetes + 1));
    await waitFor(ctx, "kube-scheduler", 30, healthz(ports.kubernetes + 2));
    if (!isRunning("kwok")) throw new TestbedError(`kwok exited (log: ${logFile("kwok")})`);
    await ensureNodes();
    // A cloud's part: addresses for LoadBalancer Services (load-balancer.ts).
    fs.mkdirSync(runDir("kube-load-balancer"), { recursive: true });
    spawnService(
      "kube-load-balancer",
      process.execPath,
      ["-r", path.join(REPO_ROOT, "node_modules", "ts-node", "register", "transpile-only"), path.join(__dirname, "load-balancer.ts")],
      { cwd: REPO_ROOT },
    );
  },

  stop: (ctx) => stopProcesses(ctx, PROCESSES),
};
