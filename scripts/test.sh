#!/usr/bin/env bash
# The whole test suite, as a new user and CI run it: `npm test`.
# Runs on the embedded database, or on a PostgreSQL server when DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/.."

results=.data/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
step() { echo; echo "==> $*"; }

step "build (types from openapi.yaml, service, simulator, web app)"
npm run build --silent || exit 1

# The simulator's CA must be trusted by each test process from its start (NODE_EXTRA_CA_CERTS).
NODE_EXTRA_CA_CERTS="$(node services/tenant-sim/dist/cli.js ensure-ca)" || exit 1
export NODE_EXTRA_CA_CERTS

step "simulator tests"
npm test --silent -w @adsync/tenant-sim -- --json --outputFile="$PWD/$results/tenant-sim.json" || status=1

step "service tests on the $([ -n "${DATABASE_URL:-}" ] && echo "PostgreSQL server" || echo "embedded database")"
npm test --silent -w @adsync/service -- --json --outputFile="$PWD/$results/service.json" || status=1

step "web app unit tests"
npm test --silent -w @adsync/web -- --reporter=default --reporter=json --outputFile="$PWD/$results/web.json" || status=1

step "browser tests (Chromium)"
if [ -x /usr/bin/chromium ]; then
  # Everything is built above: the browser tests start the product with `npm start`, not `npm run demo`.
  E2E_SERVER_COMMAND="npm start" PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/$results/e2e.json" \
    node scripts/with-fresh-database.js npm run --silent test:e2e -w @adsync/web -- --reporter=list,json || status=1
else
  cat <<'MSG'
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! The browser tests did NOT run: /usr/bin/chromium is not installed.      !!
!! Install it with:  sudo apt-get install -y chromium   then: npm test     !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
MSG
  if [ "${CI:-}" = "true" ]; then status=1; fi
fi

node scripts/test-summary.js "$results" || status=1
exit $status
