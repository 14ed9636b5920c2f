#!/usr/bin/env bash
# `npm test`: the whole suite, setup included. Installs what is missing (npm packages; Debian's
# chromium and openarena-server when running as root; Node.js 24 from the npm registry), then lint, prettier --check,
# typecheck, schema/migration check, unit + integration tests (SQLite and PostgreSQL), the production
# build and Playwright e2e on the machine's Node; then the unit + integration tests and an e2e smoke
# of the production server again on Node.js 24 (scripts/node24.sh). Node.js 24 is installed, and its
# vitest run made, in the background while Playwright runs. The four static checks run at once.
source "$(dirname "$0")/lib.sh"
source scripts/node24.sh
log "Testing on Node.js $(node --version), then on Node.js 24"
ensure_node_modules
ensure_apt_packages
ensure_prisma_client
log "Lint, formatting (prettier --check), typecheck, Prisma schema and migrations in sync (at once)"
run_checks_in_parallel \
  "Lint|npm run --silent lint" \
  "Formatting (prettier --check)|npm run --silent format:check" \
  "Typecheck|npm run --silent typecheck" \
  "Prisma schema and migrations in sync|npm run --silent db:check"
log "Unit and integration tests (vitest)"
npx vitest run --coverage
ensure_build
start_node24_vitest_in_background
log "End-to-end tests (Playwright, headless Chromium, production build); vitest on Node 24 beside them"
npx playwright test
test_on_node24
