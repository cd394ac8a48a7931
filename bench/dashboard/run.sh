#!/usr/bin/env bash
# The dashboard on a large chatbot (issue 7: "it stays fast on a chatbot with 1M contacts"):
# bench/transfer/run.sh imports an N-row CSV into chatbot "bench" of a Release contactd, then
# bench/dashboard/measure.mjs drives the dashboard in headless Chromium and prints how long each
# action takes from the user's input to the rows on screen (the transfer figures print too).
#
#   bench/dashboard/run.sh [ROWS]          (default 1000000)
#
# Needs chromium and playwright-core (tools/debian-packages.txt, tools/fetch-test-data.sh, which
# this runs); the environment of bench/transfer/run.sh applies.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/tools/fetch-test-data.sh" >/dev/null
export PLAYWRIGHT_CORE_DIR="${CONTACTD_TEST_DATA_DIR:-$root/build/test-data}/browser/node_modules/playwright-core"
export CONTACTD_BENCH_AFTER_IMPORT="node '$root/bench/dashboard/measure.mjs'"
exec "$root/bench/transfer/run.sh" "${1:-1000000}"
