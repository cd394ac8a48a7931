# Sourced by tools/sanitize.sh and tools/fuzz.sh: the sanitizer run-time options (exported, so
# the contactd processes the tests start inherit them). Every finding aborts the process, which
# fails the test or the fuzz run; suppression files hold only third-party findings, each explained.
# handle_abort=1: an abort() the sanitizer did not raise itself (a failed assert, e.g. one of the
# assertions Debian's RocksDB keeps) prints the stack that led to it, not only the message.
# shellcheck shell=bash
_sanitizers="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sanitizers"
_symbolizer="$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)"
if [[ -n "$_symbolizer" ]]; then
  export ASAN_SYMBOLIZER_PATH="$_symbolizer" TSAN_SYMBOLIZER_PATH="$_symbolizer"
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:handle_abort=1:check_initialization_order=1:strict_init_order=1:detect_odr_violation=2:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$_sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:handle_abort=1:second_deadlock_stack=1:suppressions=$_sanitizers/tsan.supp:${TSAN_OPTIONS:-}"
unset _sanitizers _symbolizer
