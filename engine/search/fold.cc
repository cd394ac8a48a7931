#include "engine/search/fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <vector>

namespace contactd::search {
namespace {

constexpr size_t kKeptBuffer = 4096;  // code points of FoldTo's buffer kept between calls

// Latin letters that carry a stroke or are a distinct letter in Unicode, so diacritic removal
// leaves them alone: mapped to the base letter a reader would type (after case folding).
utf8proc_int32_t BaseLetter(utf8proc_int32_t c, void*) {
  switch (c) {
    case 0x0142:  // ł
    case 0x0141:  // Ł
      return 'l';
    case 0x00F8:  // ø
    case 0x00D8:  // Ø
      return 'o';
    case 0x0111:  // đ
    case 0x0110:  // Đ
    case 0x00F0:  // ð
    case 0x00D0:  // Ð
      return 'd';
    case 0x0127:  // ħ
    case 0x0126:  // Ħ
      return 'h';
    case 0x0131:  // ı
      return 'i';
    case 0x0167:  // ŧ
    case 0x0166:  // Ŧ
      return 't';
    default:
      return c;
  }
}

}  // namespace

void FoldTo(std::string_view s, std::string* out) {
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const size_t at = out->size();
    out->append(s);
    for (size_t i = at; i < out->size(); ++i) {
      char& c = (*out)[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return;
  }
  // utf8proc_map_custom() would decompose twice (once to size its buffer) and allocate: decompose
  // once into this thread's buffer, which grows as needed, then re-encode in place.
  thread_local std::vector<utf8proc_int32_t> buffer;
  const auto options =
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
  const auto decompose = [&] {
    return utf8proc_decompose_custom(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                     static_cast<utf8proc_ssize_t>(s.size()), buffer.data(),
                                     static_cast<utf8proc_ssize_t>(buffer.size()) - 1, options,
                                     &BaseLetter, nullptr);
  };
  buffer.resize(std::max(buffer.size(), 2 * s.size() + 16));
  utf8proc_ssize_t n = decompose();
  if (n >= 0 && static_cast<size_t>(n) >= buffer.size()) {  // it did not fit: n is the size needed
    buffer.resize(static_cast<size_t>(n) + 1);
    n = decompose();
  }
  // reencode() writes n code points' UTF-8 and a NUL over the buffer, which holds n + 1 entries.
  if (n >= 0) n = utf8proc_reencode(buffer.data(), n, options);
  if (n < 0) {  // not reached for valid UTF-8; keep the text rather than lose it
    out->append(s);
  } else {
    out->append(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
  }
  if (buffer.size() > kKeptBuffer) buffer = std::vector<utf8proc_int32_t>(kKeptBuffer);
}

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  FoldTo(s, &out);
  return out;
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

bool LooksLikePhone(std::string_view s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '+' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/' && c != ' ') {
      return false;
    }
  }
  return digit;
}

}  // namespace contactd::search
