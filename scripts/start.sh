#!/usr/bin/env bash
# `npm start`: provision and start Elasticsearch and Redis if needed, build the dashboards, then
# run the whole system (API, pipeline worker, connector worker with the demo replay).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
eval "$(bash scripts/services.sh | sed 's/^/export /')"
npm run --silent build:dashboards
# The demo console shows warnings and the start banner; set LOG_LEVEL=info for the full log.
export LOG_LEVEL="${LOG_LEVEL:-warn}"
exec node --import tsx src/main/all.ts
