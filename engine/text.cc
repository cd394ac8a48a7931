#include "engine/text.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace contactd::text {
namespace {

// Length of the prefix of `s` made of printable ASCII (0x20-0x7e), read 8 bytes at a time.
size_t PrintableAsciiPrefix(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;  // some byte < 0x20
    const uint64_t is_del = ((w ^ (kOnes * 0x7f)) - kOnes) & ~(w ^ (kOnes * 0x7f)) & kHigh;
    if ((w & kHigh) | below_space | is_del) break;
  }
  while (i < s.size() && s[i] >= 0x20 && s[i] < 0x7f) ++i;
  return i;
}

}  // namespace

size_t AsciiPrefix(std::string_view s) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & kHigh) != 0) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

void LowerAscii(char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    // With every byte's high bit clear, adding 0x80 - 'A' (or 0x80 - 'Z' - 1) sets a byte's high
    // bit exactly when it is >= 'A' (or > 'Z'), without a carry into the next byte.
    const uint64_t low = w & ~kHigh;
    const uint64_t upper = ((low + kOnes * (0x80 - 'A')) ^ (low + kOnes * (0x80 - 'Z' - 1))) & ~w &
                           kHigh;  // bytes >= 0x80 are no letter
    w |= upper >> 2;               // 0x80 >> 2 is 0x20, 'a' - 'A'
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) {
    if (p[i] >= 'A' && p[i] <= 'Z') p[i] = static_cast<char>(p[i] + 32);
  }
}

bool IsPrintableAscii(std::string_view s) { return PrintableAsciiPrefix(s) == s.size(); }

bool IsValidUtf8(std::string_view s) {
  const size_t ascii = PrintableAsciiPrefix(s);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data() + ascii);
  auto left = static_cast<utf8proc_ssize_t>(s.size() - ascii);
  while (left > 0) {
    if (*p < 0x80) {
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    const utf8proc_ssize_t n = *p < 0x80 ? 1 : utf8proc_iterate(p, left, &cp);
    if (n > 0) {
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD for the one byte skipped
    }
    const utf8proc_ssize_t used = n > 0 ? n : 1;
    p += used;
    left -= used;
  }
  return out;
}

bool HasControlChars(std::string_view s, bool allow_whitespace) {
  s.remove_prefix(PrintableAsciiPrefix(s));
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0x7f) return true;
    if (c >= 0x20) continue;
    if (allow_whitespace && (c == '\t' || c == '\n' || c == '\r')) continue;
    return true;
  }
  return false;
}

std::string CaseFold(std::string_view s) {
  if (AsciiPrefix(s) == s.size()) {
    std::string out(s);
    LowerAscii(out.data(), out.size());
    return out;
  }
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
      &folded,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) return std::string(s);  // not reached for valid UTF-8
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(folded, &std::free);
  return std::string(reinterpret_cast<const char*>(folded), static_cast<size_t>(n));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

}  // namespace contactd::text
