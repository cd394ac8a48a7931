#!/usr/bin/env bash
# Searches chatbot "bench" of CONTACTD_URL over HTTP, one request at a time, until SIGTERM; then
# prints how many it ran and their latency (curl's time_total: connect to last byte):
#
#   searches: N, p50 X ms, p99 Y ms, max Z ms
#
#   bench/transfer/search_latency.sh [QUERY]          (default: gar, a q of 3 characters)
#
# Meant for CONTACTD_BENCH_DURING_IMPORT (bench/transfer/run.sh), to see how long a dashboard
# search waits behind the writes of an import. Needs CONTACTD_URL, CONTACTD_KEY and curl.
set -uo pipefail
query="${1:-gar}"
times="$(mktemp)"
trap 'rm -f "$times"' EXIT
stop=0
trap 'stop=1' TERM INT  # taken after the running request
while [[ "$stop" == 0 ]]; do
  curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $CONTACTD_KEY" \
    "$CONTACTD_URL/api/v1/chatbots/bench/contacts?q=$query&per_page=20" >>"$times"
done
sort -n "$times" | awk '
  { t[NR] = $1 * 1000 }
  END {
    if (NR == 0) { print "searches: 0"; exit }
    p50 = t[int((NR - 1) * 0.50) + 1]; p99 = t[int((NR - 1) * 0.99) + 1]
    printf "searches: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, p50, p99, t[NR]
  }'
