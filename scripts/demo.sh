#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing, starts the local
# servers (etcd, two versions of a demo service, the gateway agent with HAProxy) and runs a real
# `pulumi up` of the root stack (Pulumi.yaml, program in stack/), then measures the split.
#   npm run demo                      up with the configured split (default 90/10)
#   npm run demo -- --canary 50       set the canary's weight, then up
#   npm run demo -- destroy           tear the stack down and stop the demo processes
# State lives in .pulumi-state/ (a file backend); the passphrase defaults to a local one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"

action=up canary=""
while [ $# -gt 0 ]; do
  case "$1" in
    destroy) action=destroy ;;
    --canary) canary=${2:?--canary needs a percentage}; shift ;;
    *) echo "usage: npm run demo [-- destroy | --canary N]" >&2; exit 2 ;;
  esac
  shift
done

ensure_node_modules
ensure_testbed core
ensure_build
demo_run="$VAMP_TESTBED_RUN/demo"
mkdir -p "$demo_run"
node_bin="node -r $root/node_modules/ts-node/register/transpile-only"

# start_bg <name> <cmd...>: a detached process with a pid file, unless it already runs.
start_bg() {
  local name=$1; shift
  local pidf="$demo_run/$name.pid"
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then return; fi
  setsid "$@" >>"$demo_run/$name.log" 2>&1 < /dev/null &
  echo $! > "$pidf"
}
stop_bg() {
  local pidf="$demo_run/$1.pid"
  [ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null || true
  rm -f "$pidf"
}

export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$root/.pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-vamp-local-demo}
mkdir -p "$root/.pulumi-state"
cd "$root"

if [ "$action" = destroy ]; then
  bash testbed/testbed.sh start etcd
  # The agent goes first: it would reload HAProxy for the deleted gateway while we stop it.
  stop_bg agent; stop_bg stable; stop_bg canary
  pulumi stack select local 2>/dev/null && pulumi destroy --yes --skip-preview
  # HAProxy outlives the agent on purpose; stop its master (and workers) found through the
  # master socket, and make sure they are gone.
  pids=""
  for _ in 1 2 3 4 5; do
    pids=$(echo "show proc" | socat - "$demo_run/agent/master.sock" 2>/dev/null | awk '$2 == "master" || $2 == "worker" { print $1 }' || true)
    [ -z "$pids" ] && [ -S "$demo_run/agent/master.sock" ] && { sleep 0.2; continue; }
    break
  done
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 $pids 2>/dev/null || break; sleep 0.1; done
    kill -9 $pids 2>/dev/null || true
  fi
  log "demo stopped"
  exit 0
fi

bash testbed/testbed.sh start etcd
log "demo services: 1.0.0 on 127.0.0.1:18081, 1.1.0 on 127.0.0.1:18082"
start_bg stable $node_bin scripts/demo/service.ts 1.0.0 18081
start_bg canary $node_bin scripts/demo/service.ts 1.1.0 18082
log "gateway agent for local/demo (health and metrics on 127.0.0.1:19100)"
start_bg agent node packages/provider/dist/cli/vamp-gateway-agent.js --store etcd --endpoints "$VAMP_ETCD_ENDPOINT" \
  --organization local --environment demo --work-dir "$demo_run/agent" --listen 127.0.0.1:19100 --bind 127.0.0.1

pulumi stack select local 2>/dev/null || pulumi stack init local
pulumi config set etcdEndpoint "$VAMP_ETCD_ENDPOINT"
[ -z "$canary" ] || pulumi config set canaryWeight "$canary"
pulumi up --yes

revision=$(pulumi stack output gatewayRevision)
log "waiting for the agent to apply revision $revision"
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:19100/status | grep -q "\"demo/web\": \"$revision\"" && break
  sleep 0.1
done
curl -sf http://127.0.0.1:19100/readyz >/dev/null || { tail -20 "$demo_run/agent.log"; echo "the agent is not ready" >&2; exit 1; }
echo
log "declared split: $(pulumi stack output split --json | tr -d ' \n')"
$node_bin scripts/demo/measure.ts http://127.0.0.1:19050/ 2000
echo
echo "Try it: curl -s http://127.0.0.1:19050/   |  move traffic: npm run demo -- --canary 50   |  agent: curl -s http://127.0.0.1:19100/metrics"
