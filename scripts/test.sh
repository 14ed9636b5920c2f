#!/usr/bin/env bash
# `npm test`: the whole suite, setup included. Installs what is missing (npm packages; Debian's
# chromium and openarena-server when running as root; Node.js 24 from the npm registry), then lint, prettier --check,
# typecheck, schema/migration check, unit + integration tests (SQLite and PostgreSQL), the production
# build and Playwright e2e on the machine's Node; then the unit + integration tests and an e2e smoke
# of the production server again on Node.js 24 (scripts/node24.sh), the data tests there on SQLite
# only. Node.js 24 is installed in the background from the start; its tests run after Playwright,
# never beside it. The four static checks run at once.
source "$(dirname "$0")/lib.sh"
source scripts/node24.sh
log "Testing on Node.js $(node --version), then on Node.js 24"
ensure_node_modules
ensure_apt_packages
ensure_prisma_client
start_node24_install_in_background
log "Lint, formatting (prettier --check), typecheck, Prisma schema and migrations in sync (at once)"
run_checks_in_parallel \
  "Lint|npm run --silent lint" \
  "Formatting (prettier --check)|npm run --silent format:check" \
  "Typecheck|npm run --silent typecheck" \
  "Prisma schema and migrations in sync|npm run --silent db:check"
log "Unit and integration tests (vitest)"
npx vitest run --coverage
ensure_build
log "End-to-end tests (Playwright, headless Chromium, production build)"
npx playwright test
test_on_node24
