#!/usr/bin/env bash
# `npm run test:node24`: only the Node.js 24 part of `npm test` (vitest and the e2e smoke on Node 24),
# for reproducing a failure there without the rest. Builds first when the build is stale.
source "$(dirname "$0")/lib.sh"
source scripts/node24.sh
ensure_node_modules
ensure_prisma_client
ensure_build
test_on_node24
