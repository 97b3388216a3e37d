#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing, starts the local
# servers and runs a real `pulumi up` of the root stack (Pulumi.yaml, program in stack/).
# State lives in .pulumi-state/ (a file backend); the passphrase defaults to a local one.
#   npm run demo                 up
#   npm run demo -- destroy      tear the stack down
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"

ensure_node_modules
ensure_testbed
bash "$root/testbed/testbed.sh" start etcd
ensure_build

export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$root/.pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-vamp-local-demo}
mkdir -p "$root/.pulumi-state"
cd "$root"
pulumi stack select local 2>/dev/null || pulumi stack init local
pulumi config set etcdEndpoint "$VAMP_ETCD_ENDPOINT"

if [ "${1:-up}" = destroy ]; then
  pulumi destroy --yes --skip-preview
  exit 0
fi
pulumi up --yes
echo
log "stack outputs:"
pulumi stack output --json
prefix=$(pulumi stack output storePrefix)
log "what the stack wrote to the local store ($VAMP_ETCD_ENDPOINT):"
ETCDCTL_API=3 etcdctl --endpoints "$VAMP_ETCD_ENDPOINT" get --prefix "$prefix"
