#!/usr/bin/env bash
# `npm test`: the whole suite, setup included. Installs what is missing (npm packages; Debian's
# chromium and openarena-server when running as root), then lint, typecheck, schema/migration
# check, unit + integration tests (SQLite and PostgreSQL), the production build, and Playwright e2e.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_apt_packages
ensure_prisma_client
log "Lint"
npm run --silent lint
log "Typecheck"
npm run --silent typecheck
log "Prisma schema and migrations in sync"
npm run --silent db:check
log "Unit and integration tests (vitest)"
npx vitest run --coverage
ensure_build
log "End-to-end tests (Playwright, headless Chromium, production build)"
npx playwright test
