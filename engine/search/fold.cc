#include "engine/search/fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/text.h"

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

// The utf8proc path: any valid UTF-8.
void FoldWithUtf8proc(std::string_view s, std::string* out) {
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

// The folds of single Latin code points, U+0080-U+024F and U+1E00-U+1EFF (accented and
// Vietnamese letters), found once with utf8proc. A text of ASCII and these code points folds one
// code point at a time: each one's fold is context-free, as none is a combining mark and none
// folds to one that composes with its neighbour (tests/engine/search/fold_test.cc checks every
// pair against utf8proc).
class LatinFolds {
 public:
  LatinFolds() {
    for (char32_t c = 0x80; c < kEnd; ++c) {
      if (c == kLatinEnd) c = kExtendedBegin;
      utf8proc_uint8_t one[4];
      const utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), one);
      std::string folded;
      FoldWithUtf8proc(std::string_view(reinterpret_cast<const char*>(one), static_cast<size_t>(n)),
                       &folded);
      Fold& f = folds_[Index(c)];
      if (folded.size() <= f.bytes.size()) {
        std::copy(folded.begin(), folded.end(), f.bytes.begin());
        f.size = static_cast<uint8_t>(folded.size());
      }
    }
  }

  // Appends the fold of `s`; false (with *out unchanged) if `s` has a code point outside the
  // table or a malformed sequence (both left to utf8proc). Never reads past the end of `s`.
  bool AppendFold(std::string_view s, std::string* out) const {
    const size_t at = out->size();
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    out->reserve(at + s.size());
    while (p < end) {
      const size_t ascii = text::AsciiPrefix(
          std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(end - p)));
      if (ascii != 0) {
        out->append(reinterpret_cast<const char*>(p), ascii);
        text::LowerAscii(out->data() + out->size() - ascii, ascii);
        p += ascii;
        if (p == end) break;
      }
      const unsigned char b = *p;
      // Only well-formed sequences of the table's code points are decoded (U+1E00-U+1EFF is
      // E1 B8-BB xx); anything else goes to utf8proc.
      auto continuation = [](unsigned char x) { return (x & 0xC0) == 0x80; };
      size_t index = folds_.size();
      if (b >= 0xC2 && b < 0xE0 && end - p >= 2 && continuation(p[1])) {
        const char32_t c = (b & 0x1F) << 6 | (p[1] & 0x3F);
        if (c < kLatinEnd) index = c;
        p += 2;
      } else if (b == 0xE1 && end - p >= 3 && p[1] >= 0xB8 && p[1] <= 0xBB && continuation(p[2])) {
        index = kLatinEnd + ((p[1] & 0x3F) << 6 | (p[2] & 0x3F)) - (kExtendedBegin & 0xFFF);
        p += 3;
      }
      if (index == folds_.size() || folds_[index].size == kUnknown) {
        out->resize(at);
        return false;
      }
      const Fold& f = folds_[index];
      out->append(f.bytes.data(), f.size);
    }
    return true;
  }

 private:
  static constexpr char32_t kLatinEnd = 0x250;
  static constexpr char32_t kExtendedBegin = 0x1E00;
  static constexpr char32_t kEnd = 0x1F00;
  static constexpr uint8_t kUnknown = 0xFF;  // a fold longer than `bytes`: left to utf8proc

  struct Fold {
    std::array<char, 7> bytes{};
    uint8_t size = kUnknown;
  };

  static size_t Index(char32_t c) { return c < kLatinEnd ? c : c - kExtendedBegin + kLatinEnd; }

  std::array<Fold, kLatinEnd + (kEnd - kExtendedBegin)> folds_;
};

}  // namespace

void FoldTo(std::string_view s, std::string* out) {
  static const LatinFolds latin;
  if (!latin.AppendFold(s, out)) FoldWithUtf8proc(s, out);
}

void FoldToWithoutTable(std::string_view s, std::string* out) { FoldWithUtf8proc(s, out); }

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  FoldTo(s, &out);
  return out;
}

void DigitsTo(std::string_view s, std::string* out) {
  const size_t start = out->size();
  out->resize(start + s.size());  // written in place: push_back() checks capacity per byte
  char* const digits = out->data() + start;
  size_t n = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') digits[n++] = c;
  }
  out->resize(start + n);
}

std::string Digits(std::string_view s) {
  std::string out;
  DigitsTo(s, &out);
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
