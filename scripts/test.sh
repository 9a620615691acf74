#!/usr/bin/env bash
# `npm test`: start ES + Redis (cached, idempotent), build the dashboards when stale,
# then run vitest with any extra arguments (e.g. `npm test -- tests/unit`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# services.sh prints only "ES_URL=..." and "REDIS_URL=..." on stdout
urls="$(bash scripts/services.sh)"
while IFS= read -r line; do
  case "$line" in ES_URL=* | REDIS_URL=*) export "${line?}" ;; esac
done <<<"$urls"
: "${ES_URL:?services.sh printed no ES_URL}" "${REDIS_URL:?services.sh printed no REDIS_URL}"

# esbuild takes well under a second: always build, so a test never sees a stale bundle.
npm run --silent build:dashboards || { echo "[test] ERROR: npm run build:dashboards failed" >&2; exit 1; }

exec npx --no vitest run "$@"
