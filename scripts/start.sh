#!/usr/bin/env bash
# `npm start`: everything a fresh clone needs, then the production server.
# Installs dependencies if missing, builds if stale; the server migrates its database at start-up
# and prints the URL (and, on a fresh database, the one-time setup link).
# Honours PORT, HOST, DATA_DIR, DATABASE_URL (see .env.example).
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_prisma_client
ensure_build
log "Starting RconDeck"
# shellcheck disable=SC2046 # the options are words on purpose
exec env NODE_ENV=production $(grep -v '^#' scripts/server-env) node $(grep -v '^#' scripts/server-node-options) dist/server/index.js
