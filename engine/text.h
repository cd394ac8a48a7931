// Text helpers: UTF-8 validation, control-character checks and Unicode case folding (utf8proc).
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace contactd::text {

bool IsValidUtf8(std::string_view s);

// `s` with each byte that does not begin a valid UTF-8 sequence replaced by U+FFFD (the
// replacement character), for echoing untrusted bytes in text that must be UTF-8.
std::string ReplaceInvalidUtf8(std::string_view s);

// True when every byte is printable ASCII (0x20-0x7e): valid UTF-8 without control characters.
bool IsPrintableAscii(std::string_view s);

// Length of the prefix of `s` made of ASCII (bytes below 0x80), read 8 bytes at a time.
size_t AsciiPrefix(std::string_view s);

// Lower-cases the ASCII letters A-Z among the `n` bytes at `p`, 8 bytes at a time; other bytes
// stay as they are.
void LowerAscii(char* p, size_t n);

// True when `s` holds a C0 control character or DEL; tab, LF and CR count only when
// `allow_whitespace` is false.
bool HasControlChars(std::string_view s, bool allow_whitespace = false);

// Unicode case folding (utf8proc CASEFOLD, NFC), so "MÜLLER@X.DE" and "müller@x.de" fold alike.
// REQUIRES: IsValidUtf8(s).
std::string CaseFold(std::string_view s);

// Calls f(folded) with CaseFold(s), without allocating when `s` is short ASCII (the common case
// for emails). Returns what f returns.
template <typename F>
auto WithCaseFolded(std::string_view s, F&& f) {
  if (s.size() <= 256 && AsciiPrefix(s) == s.size()) {
    char buf[256];
    std::copy(s.begin(), s.end(), buf);
    LowerAscii(buf, s.size());
    return f(std::string_view(buf, s.size()));
  }
  const std::string folded = CaseFold(s);
  return f(std::string_view(folded));
}

// Number of Unicode code points. REQUIRES: IsValidUtf8(s).
size_t CodePoints(std::string_view s);

}  // namespace contactd::text
