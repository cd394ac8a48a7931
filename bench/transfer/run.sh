#!/usr/bin/env bash
# The import/export benchmark of issue 6: an N-row CSV (bench/transfer/make_csv: datagen contacts
# with phones and four custom attributes) imported with `contactctl import` end to end, then
# exported with `contactctl export --format csv`, against a Release contactd on a fresh temporary
# data directory (default flags: --durability sync). Prints one line per figure:
#
#   transfer: import ROWS rows: SECONDS s, RATE rows/s (contactctl end to end)
#   transfer: contactd peak RSS (VmHWM) during import: MIB MiB
#   transfer: CPU during import: contactd SECONDS s; contactctl user, system USER SYS
#   (the same three for export, plus the machine, the file sizes and contactctl's own summaries)
#
#   bench/transfer/run.sh [ROWS]          (default 1000000)
#
# Environment: CONTACTD_BENCH_BUILD_DIR (default build/transfer) is the Release build it
# configures and builds (targets contactd contactctl make_csv, CONTACTD_BENCH_JOBS parallel jobs);
# CONTACTD_BENCH_FLAGS adds flags to contactd; CONTACTD_BENCH_KEEP=1 keeps the temporary directory.
# CONTACTD_BENCH_BINARY runs another contactd binary (an A/B comparison against an older build).
# CONTACTD_BENCH_PERF=FILE records a perf profile (perf record -g) of contactd during the import
# into FILE. CONTACTD_BENCH_AFTER_IMPORT is a command run (bash -c) after the import, with
# CONTACTD_URL and CONTACTD_KEY set (bench/dashboard/run.sh times the dashboard there).
# CONTACTD_BENCH_DURING_IMPORT is one run the same way in the background while the import runs,
# sent SIGTERM when it ends; its output is printed (e.g. bench/transfer/search_latency.sh). It
# needs curl (to define the custom attributes).
# VmHWM is reset (/proc/PID/clear_refs "5") before each phase, so each figure is that phase's peak.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rows="${1:-1000000}"
[[ "$rows" =~ ^[0-9]+$ ]] || { echo "usage: bench/transfer/run.sh [ROWS]" >&2; exit 2; }

build="${CONTACTD_BENCH_BUILD_DIR:-$root/build/transfer}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONTACTD_BUILD_BENCH=ON \
  >/dev/null
cmake --build "$build" --parallel "${CONTACTD_BENCH_JOBS:-$(nproc)}" \
  --target contactd contactctl make_csv >/dev/null
contactd="${CONTACTD_BENCH_BINARY:-$build/tools/contactd}"
ctl="$build/tools/contactctl"
make_csv="$build/bench/make_csv"

work="$(mktemp -d /tmp/contactd-transfer.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ "${CONTACTD_BENCH_KEEP:-0}" == 1 ]]; then
    echo "transfer: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

say() { echo "transfer: $*"; }
now() { date +%s.%N; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
mib() { echo $(( $1 / 1024 )); }
# CPU seconds (user + system) process $1 has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' \
  "/proc/$1/stat"; }

say "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)," \
  "$(df -hT "$work" | awk 'NR==2 {print $2}') at $work"

csv="$work/contacts.csv"
t0=$(now)
"$make_csv" "$rows" -o "$csv"
t1=$(now)
say "generated $rows rows, $(( $(stat -c %s "$csv") / 1048576 )) MiB in" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f s", b - a}')"

# shellcheck disable=SC2086  # CONTACTD_BENCH_FLAGS is a list of flags
"$contactd" --data-dir "$work/data" --listen 127.0.0.1:0 ${CONTACTD_BENCH_FLAGS:-} \
  >"$work/contactd.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/contactd.log" | head -1)"
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/contactd.log" >&2; exit 1; }
  sleep 0.05
done
[[ -n "$port" ]] || { echo "transfer: contactd did not start" >&2; exit 1; }
export CONTACTD_URL="http://127.0.0.1:$port"
CONTACTD_KEY="$(grep -o 'oc_live_[A-Za-z0-9_-]*' "$work/contactd.log" | head -1)"
export CONTACTD_KEY

"$ctl" chatbots create --id bench --name "Transfer benchmark" >/dev/null
for attr in plan:text ltv:number vip:boolean signup:date; do
  curl -sf -X POST "$CONTACTD_URL/api/v1/chatbots/bench/custom-attributes" \
    -H "Authorization: Bearer $CONTACTD_KEY" -H 'Content-Type: application/json' \
    -d "{\"name\":\"${attr%%:*}\",\"type\":\"${attr##*:}\"}" >/dev/null
done
say "contactd RSS before import: $(mib "$(kib "$pid" VmRSS)") MiB"

# One phase: runs "$@", prints its rate and contactd's peak RSS during it.
phase() {
  local name="$1"
  shift
  echo 5 >"/proc/$pid/clear_refs"
  local a b perf_pid=""
  if [[ "$name" == import && -n "${CONTACTD_BENCH_PERF:-}" ]]; then
    perf record -q ${CONTACTD_BENCH_PERF_ARGS:--g} -p "$pid" -o "$CONTACTD_BENCH_PERF" 2>/dev/null &
    perf_pid=$!
    sleep 0.5
  fi
  local during_pid=""
  if [[ "$name" == import && -n "${CONTACTD_BENCH_DURING_IMPORT:-}" ]]; then
    bash -c "$CONTACTD_BENCH_DURING_IMPORT" >"$work/during.log" 2>&1 &
    during_pid=$!
  fi
  local cpu0
  cpu0=$(cpu_s "$pid")
  a=$(now)
  local cpu
  # `times` in the subshell: its children's user and system CPU (contactctl's).
  cpu="$( ("$@" 2>"$work/$name.log" || exit 1; times) | tail -1)" ||
    { cat "$work/$name.log" >&2; exit 1; }
  b=$(now)
  if [[ -n "$during_pid" ]]; then
    kill -TERM "$during_pid"
    wait "$during_pid" || true
    sed 's/^/transfer:   during import: /' "$work/during.log"
  fi
  if [[ -n "$perf_pid" ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
  fi
  say "$name $rows rows: $(awk -v a="$a" -v b="$b" -v n="$rows" \
    'BEGIN {printf "%.2f s, %d rows/s", b - a, n / (b - a)}') (contactctl end to end)"
  say "contactd peak RSS (VmHWM) during $name: $(mib "$(kib "$pid" VmHWM)") MiB"
  say "CPU during $name: contactd $(awk -v a="$cpu0" -v b="$(cpu_s "$pid")" \
    'BEGIN {printf "%.2f", b - a}') s; contactctl user, system $cpu"
  tail -n 2 "$work/$name.log" | sed 's/^/transfer:   contactctl: /'
}

phase import "$ctl" import "$csv" --chatbot bench
if [[ -n "${CONTACTD_BENCH_AFTER_IMPORT:-}" ]]; then
  bash -c "$CONTACTD_BENCH_AFTER_IMPORT"
fi
phase export "$ctl" export --chatbot bench --format csv -o "$work/export.csv"
exported=$(($(wc -l <"$work/export.csv") - 1))
say "export file: $exported rows, $(( $(stat -c %s "$work/export.csv") / 1048576 )) MiB"
[[ "$exported" == "$rows" ]] || { echo "transfer: exported $exported rows, expected $rows" >&2; exit 1; }
say "contactd RSS at the end: $(mib "$(kib "$pid" VmRSS)") MiB"
