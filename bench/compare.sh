#!/usr/bin/env bash
# The comparison run of issue 4: contactd side by side with PostgreSQL 15, a bare Beast server and
# raw RocksDB writes, on this machine, in one run. Prints one table (and keeps every RESULT line).
#
#   bench/compare.sh [--quick] [--contacts N] [--connections K] [--clients C] [--requests R]
#                    [--get-requests G] [--max-seconds S] [--out DIR] [--skip-postgres]
#
# 1. contactd (--durability sync, fresh data directory): load N contacts over HTTP with K
#    connections (tools/loadgen), then get by external_id, every search scenario and the mixed
#    workload with C clients (bench/scenarios.h); resident memory per contact after the load;
#    cold restart time (start to /healthz 200) after a clean stop, and memory after it.
# 2. PostgreSQL 15 (throw-away cluster on a loopback port, bench/pg): the same load and queries.
# 3. The limits: a bare Beast server answering a fixed response (req/s with the same loadgen and
#    clients, compared with contactd's get) and raw RocksDB WriteBatch writes of the same records
#    with the same sync policy (compared with contactd's bulk upsert).
# Then checks that both systems found the same totals for every search (exit 1 if not).
#
# --quick (N=20000, small request counts) is what CI runs so the harness cannot rot. The full run
# and its figures are in docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

contacts=1000000 connections=8 clients=4 requests=2000 get_requests=50000 max_seconds=60
out="" skip_postgres=0
while (($#)); do
  case "$1" in
    --quick) contacts=20000 requests=200 get_requests=5000 max_seconds=20; shift ;;
    --contacts) contacts="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --get-requests) get_requests="$2"; shift 2 ;;
    --max-seconds) max_seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --skip-postgres) skip_postgres=1; shift ;;
    *) echo "compare: unknown argument $1 (see the header of bench/compare.sh)" >&2; exit 2 ;;
  esac
done

"$root/tools/deps.sh"
build="${CONTACTD_BENCH_BUILD_DIR:-$root/build/compare}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target contactd loadgen pg_bench bare_server rocks_write >/dev/null

work="$(mktemp -d /tmp/contactd-compare.XXXXXX)"
chmod 755 "$work"
out="${out:-$work}"
mkdir -p "$out"
results="$out/results.txt"
: >"$results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -d "$work/pg" ]] && "$root/bench/pg/cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  [[ "$out" == "$work" ]] || rm -rf "$work"
}
trap cleanup EXIT

say() { echo "compare: $*" >&2; }
now() { date +%s.%N; }
# A TCP port nothing listens on, outside the kernel's range for outgoing connections' local ports:
# a port in that range may be held by a connection (of this harness's clients or anything else),
# and a server binding it then fails with "Address already in use" (CI saw it once).
free_port() {
  local lo hi first count p
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
  if ((lo - 10000 >= 2000)); then
    first=10000 count=$((lo - 10000))
  else
    first=$((hi + 1)) count=$((65536 - hi - 1))
  fi
  while :; do
    p=$((first + RANDOM % count))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
# Waits for "listening on http://HOST:PORT" in a log and prints PORT.
wait_port() {
  local log="$1" pid="$2" port=""
  for _ in $(seq 1 6000); do
    port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log" | head -1)"
    [[ -n "$port" ]] && { echo "$port"; return; }
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.05
  done
  return 1
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Appends a RESULT line computed here (restart time, memory).
result() { echo "RESULT system=$1 scenario=$2 $3" | tee -a "$results"; }

bin="$build"
key="oc_live_compare_harness_operator_key"
load_args=(--contacts "$contacts" --max-seconds "$max_seconds")

# --- 1. contactd ------------------------------------------------------------------------------
say "contactd: loading $contacts contacts over $connections connections"
start_contactd() {
  "$bin/tools/contactd" --data-dir "$work/contactd" --listen 127.0.0.1:"$1" --durability sync \
    --admin-key "$key" >>"$work/contactd.log" 2>&1 &
  contactd_pid=$!
  pids+=("$contactd_pid")
}
port="$(free_port)"
start_contactd "$port"
url="http://127.0.0.1:$port"
"$bin/tools/loadgen" --url "$url" --scenarios wait_ready --max-seconds 60
lg=("$bin/tools/loadgen" --url "$url" --key "$key" "${load_args[@]}")
"${lg[@]}" --scenarios setup,upsert --connections "$connections" | tee -a "$results"
rss="$(rss_kib "$contactd_pid")"
result contactd rss_loaded "bytes_per_contact=$((rss * 1024 / contacts)) rss_kib=$rss"
"${lg[@]}" --scenarios get --clients "$clients" --requests "$get_requests" | tee -a "$results"
"${lg[@]}" --scenarios search --clients "$clients" --requests "$requests" | tee -a "$results"

say "contactd: clean stop and cold restart"
kill -TERM "$contactd_pid"
wait "$contactd_pid" || true
t0="$(now)"
start_contactd "$port"
"$bin/tools/loadgen" --url "$url" --scenarios wait_ready --max-seconds 600
t1="$(now)"
secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
result contactd cold_restart "secs=$secs rate=$(awk -v n="$contacts" -v s="$secs" \
  'BEGIN {printf "%.0f", n / s}')"
rss="$(rss_kib "$contactd_pid")"
result contactd rss_restarted "bytes_per_contact=$((rss * 1024 / contacts)) rss_kib=$rss"
"${lg[@]}" --scenarios mixed --clients "$clients" --requests "$get_requests" | tee -a "$results"
kill -TERM "$contactd_pid"
wait "$contactd_pid" || true
result contactd disk "bytes_per_contact=$(($(du -sk "$work/contactd" | cut -f1) * 1024 / contacts))"

# --- 2. the limits ----------------------------------------------------------------------------
say "limits: bare Beast server and raw RocksDB writes"
"$bin/bench/limits/bare_server" --port 0 >"$work/bare.log" 2>&1 &
bare_pid=$!
pids+=("$bare_pid")
bare_port="$(wait_port "$work/bare.log" "$bare_pid")"
"$bin/tools/loadgen" --url "http://127.0.0.1:$bare_port" --scenarios static --path /x \
  --label bare_get --system limit --clients "$clients" --requests "$get_requests" |
  tee -a "$results"
kill -TERM "$bare_pid"
"$bin/bench/limits/rocks_write" --dir "$work/rocks" --contacts "$contacts" \
  --threads "$connections" | tee -a "$results"
rm -rf "$work/rocks"

# --- 3. PostgreSQL ----------------------------------------------------------------------------
if ((skip_postgres == 0)); then
  say "postgresql: loading $contacts contacts over $connections connections"
  pg_port="$(free_port)"
  mkdir -p "$work/pg"
  "$root/bench/pg/cluster.sh" start "$work/pg" "$pg_port"
  "$bin/bench/pg/pg_bench" --conninfo "host=127.0.0.1 port=$pg_port dbname=contactd user=postgres" \
    --schema "$root/bench/pg/schema.sql" --contacts "$contacts" --connections "$connections" \
    --clients "$clients" --requests "$requests" --get-requests "$get_requests" \
    --max-seconds "$max_seconds" | tee -a "$results"
  "$root/bench/pg/cluster.sh" stop "$work/pg"
  result postgresql disk "bytes_per_contact=$(($(du -sk "$work/pg/data" | cut -f1) * 1024 / contacts))"
fi

# --- the table --------------------------------------------------------------------------------
echo
echo "contacts=$contacts connections=$connections clients=$clients requests=$requests" \
  "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
awk -f "$root/bench/compare_table.awk" "$results"
