#!/usr/bin/env bash
# Instructions contactd executes for the import of bench/transfer/run.sh, counted by valgrind's
# callgrind, which instruments only while the import runs. On a shared VM whose speed changes by
# a third from one run to the next, wall-clock and CPU time cannot show a change of a few percent;
# the instruction count repeats to within half a percent. It does not see cache misses or waits,
# so a change measured here is checked with run.sh too.
#
#   bench/transfer/instructions.sh [ROWS] [BINARY]    (default 100000 rows, the build's contactd)
#
# Prints the total, per row, and the 30 functions with the most instructions of their own:
#
#   instructions: import ROWS rows: TOTAL (PER_ROW per row), BINARY
#
# contactd runs about 50 times slower under callgrind; 100,000 rows take about a minute. The
# callgrind output is kept in the temporary directory printed last. Same environment as run.sh
# (CONTACTD_BENCH_BUILD_DIR, CONTACTD_BENCH_FLAGS); CONTACTD_INSTRUCTIONS_VALGRIND_ARGS adds
# callgrind options, e.g. "--cache-sim=yes" to count simulated cache misses too (about twice as
# slow; callgrind_annotate then shows them per function).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rows="${1:-100000}"
[[ "$rows" =~ ^[0-9]+$ ]] || { echo "usage: bench/transfer/instructions.sh [ROWS] [BINARY]" >&2; exit 2; }
command -v valgrind >/dev/null ||
  { echo "instructions: needs valgrind (tools/deps.sh installs it)" >&2; exit 1; }
build="${CONTACTD_BENCH_BUILD_DIR:-$root/build/transfer}"
if [[ -n "${2:-}" ]]; then
  [[ -x "$2" ]] || { echo "instructions: $2 is not executable" >&2; exit 2; }
  binary="$(realpath "$2")"
else
  binary="$build/tools/contactd"  # run.sh builds it
fi
export CONTACTD_INSTRUCTIONS_BINARY="$binary"

out="$(mktemp -d /tmp/contactd-instructions.XXXXXX)"
# run.sh starts this wrapper as contactd: callgrind with instrumentation off until the import.
cat >"$out/contactd" <<EOF
#!/usr/bin/env bash
exec valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" \\
  ${CONTACTD_INSTRUCTIONS_VALGRIND_ARGS:-} "\${CONTACTD_INSTRUCTIONS_BINARY}" "\$@"
EOF
# ... and this runs alongside the import: instrumentation on at its start, off at its end.
cat >"$out/during" <<EOF
#!/usr/bin/env bash
pid=\$(pgrep -f -n "callgrind-out-file=$out/callgrind.out")
callgrind_control -i on "\$pid" >/dev/null
trap 'callgrind_control -i off "\$pid" >/dev/null; exit 0' TERM
while :; do sleep 0.1; done
EOF
chmod +x "$out/contactd" "$out/during"

CONTACTD_BENCH_BINARY="$out/contactd" CONTACTD_BENCH_DURING_IMPORT="$out/during" \
  "$root/bench/transfer/run.sh" "$rows" >"$out/run.log" 2>&1 ||
  { cat "$out/run.log" >&2; exit 1; }
grep -q "import $rows rows" "$out/run.log" || { cat "$out/run.log" >&2; exit 1; }

# (The awk scripts read to the end: an early exit would fail the pipe under pipefail.)
report="$(callgrind_annotate "$out"/callgrind.out* 2>/dev/null)"
total="$(awk '/PROGRAM TOTALS/ && t == "" {gsub(",", "", $1); t = $1} END {print t}' <<<"$report")"
[[ -n "$total" && "$total" -gt 0 ]] || { echo "instructions: nothing counted" >&2; exit 1; }
echo "instructions: import $rows rows: $total ($(( total / rows )) per row), $binary"
awk '/file:function/ {on = 1; getline; next} on && NF && n++ < 30 {print substr($0, 1, 160)}' \
  <<<"$report"
echo "instructions: callgrind output in $out"
