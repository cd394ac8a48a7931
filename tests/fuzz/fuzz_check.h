// FUZZ_CHECK: the invariant check of the fuzz targets. A failed check prints what failed (and an
// optional detail such as the response) and aborts, which libFuzzer reports as a crash and saves
// the input as a reproducer.
//
// Thread-safety: the fuzz targets run single-threaded; the macro has no state.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace contactd::fuzz {

[[noreturn]] inline void CheckFailed(const char* expr, const char* file, int line,
                                     std::string_view detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", file, line, expr);
  if (!detail.empty()) {
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

}  // namespace contactd::fuzz

// Aborts with `detail` (anything convertible to std::string_view) when `cond` is false.
#define FUZZ_CHECK(cond, detail)                                                     \
  do {                                                                               \
    if (!(cond)) ::contactd::fuzz::CheckFailed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)
