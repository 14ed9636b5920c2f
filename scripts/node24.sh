# Node.js 24 (the current LTS) as the second runtime of `npm test`. Sourced by scripts/test.sh and
# scripts/test-node24.sh (after scripts/lib.sh).
#
# The machine's Node (whatever `node` is) installs node_modules and builds better-sqlite3 for itself;
# everything else runs on it. For the Node 24 checks this installs the official Node 24 binaries
# from the npm registry (pinned with their hashes in scripts/node24/package-lock.json) into
# .cache/node24, and builds a second better-sqlite3 addon for Node 24's ABI there, against the
# headers that package ships. node_modules is never touched: the Node 24 processes get that addon
# through RCONDECK_SQLITE_BINDING (see server/db/sqlite-binding.ts).

NODE24_CACHE=.cache/node24

# Sets NODE24 (the node binary) and RCONDECK_SQLITE_BINDING_NODE24 (the addon built for it),
# installing and building what is missing. Idempotent: a second run does nothing.
ensure_node24() {
  if [ ! -x "$NODE24_CACHE/node_modules/.bin/node" ] || ! cmp -s scripts/node24/package-lock.json "$NODE24_CACHE/package-lock.json"; then
    log "Installing Node.js $(node24_pinned_version) into $NODE24_CACHE (npm registry)"
    rm -rf "$NODE24_CACHE"
    mkdir -p "$NODE24_CACHE"
    cp scripts/node24/package.json scripts/node24/package-lock.json "$NODE24_CACHE/"
    # --ignore-scripts: the platform packages have none; nothing runs at install.
    (cd "$NODE24_CACHE" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
  NODE24="$PWD/$NODE24_CACHE/node_modules/.bin/node"
  local home
  home="$(cd "$(dirname "$(readlink -f "$NODE24")")/.." && pwd)"
  local version
  version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
  local abi
  abi="$("$NODE24" -p process.versions.modules)"
  local addon="$PWD/$NODE24_CACHE/better-sqlite3-$version-abi$abi.node"
  if [ ! -f "$addon" ]; then
    log "Building better-sqlite3 $version for Node.js $("$NODE24" --version) (ABI $abi)"
    rm -f "$NODE24_CACHE"/better-sqlite3-*.node # built for another better-sqlite3 or Node ABI
    local src
    src="$(mktemp -d)"
    # A private copy of the package, so the build never writes into node_modules.
    cp -R node_modules/better-sqlite3/. "$src"
    rm -rf "$src/build"
    # npm_config_nodedir: Node 24's own headers (the machine's npm config points at the machine's Node).
    if ! (cd "$src" && PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$home" JOBS=max npm run --silent build-release >"$src/build.log" 2>&1); then
      cat "$src/build.log" >&2
      rm -rf "$src"
      return 1
    fi
    cp "$src/build/Release/better_sqlite3.node" "$addon.partial"
    mv "$addon.partial" "$addon"
    rm -rf "$src"
  fi
  RCONDECK_SQLITE_BINDING_NODE24="$addon"
}

node24_pinned_version() {
  node -p 'Object.values(require("./scripts/node24/package.json").optionalDependencies)[0]'
}

# Runs a command with Node 24 first on PATH (so `node`, npx and the processes they spawn are Node 24)
# and with better-sqlite3's addon for it.
with_node24() {
  PATH="$(dirname "$NODE24"):$PATH" RCONDECK_SQLITE_BINDING="$RCONDECK_SQLITE_BINDING_NODE24" "$@"
}

# Installing Node 24 and building its better-sqlite3 addon (a minute or two of compiling) for
# `npm test`: started in the background, at a low priority, before the static checks, so it is done
# by the time the Node 24 tests run; test_on_node24 waits for it and shows its output. The Node 24
# tests themselves run alone, after Playwright: side by side, both took twice as long (the two cores
# were busy) and timing-sensitive tests failed under the load. An EXIT trap stops the install if
# `npm test` ends early.
NODE24_INSTALL_PID=""
NODE24_INSTALL_LOG=""
start_node24_install_in_background() {
  NODE24_INSTALL_LOG="$(mktemp)"
  (renice -n 10 -p "$BASHPID" >/dev/null && ensure_node24) >"$NODE24_INSTALL_LOG" 2>&1 &
  NODE24_INSTALL_PID=$!
  trap stop_node24_install EXIT
}

# Node 24 runs every test file, the database-parameterised ones on SQLite only: its addon is the
# part built per runtime, while PostgreSQL's driver is plain JavaScript (and the cluster tests still
# run real instances on PostgreSQL under Node 24).
node24_vitest() {
  log "Node.js $("$NODE24" --version): unit and integration tests (vitest, no coverage; data tests on SQLite)"
  RCONDECK_TEST_DATABASES=sqlite with_node24 npx vitest run
}

stop_node24_install() {
  [ -n "$NODE24_INSTALL_PID" ] && kill_tree "$NODE24_INSTALL_PID"
  return 0
}

kill_tree() {
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

# The Node 24 part of `npm test` (after Playwright): the install (waited for when
# start_node24_install_in_background began it), the vitest suite, then the production server on
# Node 24 under Playwright: first run (argon2, SQLite, sign-in) and the live demo servers (the three
# RCON families, socket.io). Playwright itself and Chromium stay on the machine's Node.
test_on_node24() {
  if [ -n "$NODE24_INSTALL_PID" ]; then
    local status=0
    wait "$NODE24_INSTALL_PID" || status=$?
    NODE24_INSTALL_PID=""
    cat "$NODE24_INSTALL_LOG"
    rm -f "$NODE24_INSTALL_LOG"
    [ "$status" -eq 0 ] || return "$status"
  fi
  ensure_node24
  node24_vitest
  log "Node.js $("$NODE24" --version): production server smoke (Playwright: first run, live demo servers)"
  E2E_SERVER_NODE="$NODE24" RCONDECK_SQLITE_BINDING="$RCONDECK_SQLITE_BINDING_NODE24" npx playwright test e2e/live-servers.spec.ts
}
