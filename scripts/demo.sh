#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing (node_modules, the
# test bed's core: apt packages and the Pulumi CLI, the build), then runs the demo itself,
# scripts/demo/demo.ts: starts the local servers (etcd, two versions of a demo service, the
# gateway agent with HAProxy, the workflow agent), runs a real `pulumi up` of the root stack
# (Pulumi.yaml, program in stack/) whose canary release moves traffic from 1.0.0 to 1.1.0 on
# evidence, and measures the split.
#   npm run demo                      release 1.1.0: stepped to 100% on its live metrics
#   npm run demo -- --bad             release a faulty 1.1.0: rolled back, `pulumi up` fails with the reason
#   npm run demo -- destroy           tear the stack down and stop the demo processes
# State lives in .pulumi-state/ (a file backend); the passphrase defaults to a local one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"

demo() { (cd "$root" && node -r "$root/node_modules/ts-node/register/transpile-only" "$root/scripts/demo/demo.ts" "$@"); }

ensure_node_modules
# A mistake in the arguments is reported before anything is installed or built.
VAMP_DEMO_CHECK_ARGS=1 demo "$@"
ensure_testbed core
ensure_build
demo "$@"
