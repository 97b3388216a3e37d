# Shared by the README's commands: make sure dependencies and the test bed are there.
# Sourced; expects $root.

log() { printf '[vamp %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs node_modules from the lock file when missing or older than the lock file.
# `npm install`, not `npm ci`: the registry mirror here lacks other platforms' optional binaries
# (@swc/core-darwin-*, ...), which the lock file then omits and `npm ci` rejects as out of sync.
ensure_node_modules() {
  if [ ! -d "$root/node_modules/@pulumi/pulumi" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "npm install (from package-lock.json)"
    (cd "$root" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build() {
  log "build (tsc -b, the UI's page)"
  (cd "$root" && npm run -s build)
}

# ensure_testbed [parts...]: installs the test bed's parts (default core + vault).
ensure_testbed() {
  bash "$root/testbed/testbed.sh" install "$@"
  eval "$(bash "$root/testbed/testbed.sh" env)"
}
