#!/usr/bin/env bash
# Sanitizer runs (issue 5), with clang 14 from Debian:
#   asan  one ASan+UBSan build (-DCONTACTD_SANITIZE=address,undefined -DCONTACTD_FUZZ=ON) that
#         runs the whole test suite (ctest; the contactd the black-box tests start is this build's)
#   fuzz  the same build's libFuzzer targets, FUZZ_SECONDS (default 60) each (tools/fuzz.sh)
#   tsan  a ThreadSanitizer build of only what the concurrency tests need, and those tests:
#           engine_tests     ConcurrencyTest.*  (writers, readers, deletes and churn on one engine),
#                            ImportOrderTest.*  (an import's batches in flight, grouped commits)
#           persist_tests    all (RocksStore: concurrent commits, failure paths)
#           net_unit_tests   DecodeThreadsTest.*, RateLimiter*, ImporterTest.*  (per-thread
#                            parsers, token buckets, the importer's writer threads)
#           net_server_tests all (Beast server, connection cap, timeouts, slowloris)
#           integration_durability_tests  all (the TSan contactd: restarts, kill -9 under
#                            concurrent writers, shutdown)
#         The crash loop and the API suite's concurrent-writers test are not built here, to keep CI
#         within its time; the Release and ASan suites run them. Debian's RocksDB is not
#         instrumented: RocksStore tells TSan to ignore the accesses inside DB::Write (see
#         WriteInGroup in persist/rocks_store.cc), and tools/sanitizers/tsan.supp names the races
#         that lie wholly inside RocksDB.
# UBSan aborts on the first finding (-fno-sanitize-recover=all), leaks fail (LSan), TSan halts on
# the first race; options and suppressions: tools/sanitizer-env.sh, tools/sanitizers/.
#
# Usage: tools/sanitize.sh [asan] [fuzz] [tsan]     (default: all three, in that order)
#   CONTACTD_ASAN_BUILD_DIR (default build/asan), CONTACTD_TSAN_BUILD_DIR (default build/tsan)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps=("$@")
((${#steps[@]} > 0)) || steps=(asan fuzz tsan)
asan_build="${CONTACTD_ASAN_BUILD_DIR:-$root/build/asan}"
tsan_build="${CONTACTD_TSAN_BUILD_DIR:-$root/build/tsan}"
jobs="$(nproc)"

"$root/tools/deps.sh"
"$root/tools/fetch-test-data.sh"  # csv-spectrum for transfer_tests
source "$root/tools/sanitizer-env.sh"
# ccache hits across checkouts at other paths (CI clones afresh): paths under the checkout are
# hashed relative to it, and the build directory is not hashed (only line tables refer to it).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

# Sanitizer builds: -O1 with line tables (readable stack traces, quick to compile); assertions on.
configure() {
  local dir="$1" sanitize="$2"
  shift 2
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Sanitize \
    "-DCMAKE_C_FLAGS_SANITIZE=-O1 -gline-tables-only" \
    "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -gline-tables-only" \
    -DCONTACTD_BUILD_BENCH=OFF -DCONTACTD_SANITIZE="$sanitize" "$@" >/dev/null
}

run_asan() {
  echo "== ASan+UBSan: build ($asan_build)"
  configure "$asan_build" address,undefined -DCONTACTD_FUZZ=ON
  cmake --build "$asan_build" -j "$jobs"
  echo "== ASan+UBSan: the whole test suite"
  # Sized for CI's 45 minutes: the search oracle runs a tenth of its random steps (it takes 15
  # minutes in full at -O1 under ASan; the Release suite runs all of them), and the 20-cycle crash
  # loop runs in the Release suite only (crash.loop_buffered still kills this build's contactd).
  (cd "$asan_build" && CONTACTD_ORACLE_SCALE="${CONTACTD_ORACLE_SCALE:-0.1}" \
    ctest --output-on-failure --timeout 900 -j "$jobs" -E '^crash\.loop$')
}

run_fuzz() {
  [[ -d "$asan_build/tests/fuzz" ]] || run_asan
  echo "== fuzz (ASan+UBSan, ${FUZZ_SECONDS:-60}s per target)"
  "$root/tools/fuzz.sh" "$asan_build"
}

run_tsan() {
  local bin="$tsan_build/tests"
  echo "== TSan: build ($tsan_build)"
  configure "$tsan_build" thread
  cmake --build "$tsan_build" -j "$jobs" --target contactd engine_tests persist_tests \
    net_unit_tests net_server_tests net_stream_tests integration_durability_tests
  echo "== TSan: concurrency tests"
  local failed=()
  run() {
    echo "-- tsan: $*"
    "$@" || failed+=("$*")
  }
  run "$bin/engine/engine_tests" --gtest_filter='ConcurrencyTest.*:SharedMutexTest.*:ImportOrderTest.*'
  run "$bin/persist/persist_tests"
  run "$bin/net/net_unit_tests" --gtest_filter='DecodeThreadsTest.*:RateLimiter*:ImporterTest.*'
  run "$bin/net/net_server_tests"
  run "$bin/net/net_stream_tests" --gtest_filter='StreamingRequestTest.*StreamThread*'
  run "$bin/integration/integration_durability_tests"
  if ((${#failed[@]} > 0)); then
    printf 'tsan: FAILED: %s\n' "${failed[@]}" >&2
    return 1
  fi
  echo "tsan: all concurrency tests passed"
}

for step in "${steps[@]}"; do
  case "$step" in
    asan) run_asan ;;
    fuzz) run_fuzz ;;
    tsan) run_tsan ;;
    *) echo "sanitize: unknown step '$step' (asan, fuzz, tsan)" >&2; exit 2 ;;
  esac
done
