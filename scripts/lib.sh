# Shared steps of scripts/start.sh and scripts/test.sh. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# npm dependencies: install when missing or when the lockfile changed since the last install.
# After a Node upgrade (say 20 to 24) the installed better-sqlite3 addon no longer loads (another
# ABI): rebuild it for the Node now running instead of failing at start-up.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "Installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  elif ! node -e 'new (require("better-sqlite3"))(":memory:").close()' 2>/dev/null; then
    log "Rebuilding better-sqlite3 for Node $(node --version) (installed with another Node)"
    npm rebuild better-sqlite3
  fi
}

# The Prisma clients are generated code (gitignored); regenerate when the schema is newer.
ensure_prisma_client() {
  if [ ! -f prisma/generated/sqlite/client.ts ] || [ ! -f prisma/generated/postgresql/client.ts ] || [ prisma/schema.prisma -nt prisma/generated/sqlite/client.ts ]; then
    log "Generating the Prisma clients"
    npm run --silent db:generate
  fi
}

# Production build when missing or older than any source file.
ensure_build() {
  local stamp=.next/BUILD_ID
  if [ ! -f "$stamp" ] || [ ! -f dist/server/index.js ] || [ -n "$(find app components lib server prisma/schema.prisma next.config.js package-lock.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    log "Building (next build + server)"
    npm run --silent build
  fi
}

# Debian packages the tests need. Installed with apt when missing and running as root.
ensure_apt_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/games/openarena-server ] || missing+=(openarena-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  log "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# Runs independent checks at once (ESLint and tsc are single-threaded, so on a 2-core machine two
# of them take the time of one). Each argument is "label|command"; each check's output is printed
# whole after it ends, in the order given; fails if any check failed, after all of them ended.
run_checks_in_parallel() {
  local dir
  dir="$(mktemp -d)"
  local pids=() labels=() i=0 failed=0
  for spec in "$@"; do
    labels+=("${spec%%|*}")
    bash -c "${spec#*|}" >"$dir/$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      log "${labels[$i]}: passed"
    else
      log "${labels[$i]}: FAILED"
      failed=1
    fi
    cat "$dir/$i.log"
  done
  rm -rf "$dir"
  return "$failed"
}
