# Shared by the README's commands: make sure dependencies and the test bed are there.
# Sourced; expects $root.

log() { printf '[vamp %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# npm ci when node_modules is missing or older than the lock file.
ensure_node_modules() {
  if [ ! -d "$root/node_modules/@pulumi/pulumi" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "npm ci"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build() {
  log "build (tsc -b)"
  (cd "$root" && npx --no-install tsc -b)
}

ensure_testbed() {
  bash "$root/testbed/testbed.sh" install
  eval "$(bash "$root/testbed/testbed.sh" env)"
}
