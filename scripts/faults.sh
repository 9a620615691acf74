#!/usr/bin/env bash
# `npm run faults`: the fault suite (tests/faults) on its own Redis instances and its own
# Elasticsearch node (ES_INSTANCE=faults, port FAULTS_ES_PORT, default 9260), then the ledger.
# Elasticsearch stays away for FAULTS_ES_OUTAGE_S (default 120 s, as on a real shift).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ledger="$(mktemp -t dozor-faults-ledger.XXXXXX)"
trap 'rm -f "$ledger"' EXIT
rc=0
FAULTS_LEDGER="$ledger" FAULTS_ES_OUTAGE_S="${FAULTS_ES_OUTAGE_S:-120}" npx --no vitest run --project faults "$@" || rc=$?
npx --no tsx scripts/faults-ledger.ts "$ledger" || rc=1
exit "$rc"
