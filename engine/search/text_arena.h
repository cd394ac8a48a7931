// TextArena: the folded searchable text of every row, stored contiguously.
//
// A row's text is its fields joined by kFieldSeparator (0x1F, which text fields never contain:
// control characters are rejected on write). Replacing or erasing a row leaves its old bytes
// behind as garbage; when garbage exceeds the live bytes the arena compacts itself.
//
// Thread-safety: not thread-safe; the owning chatbot's data lock protects it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contactd::search {

using Row = uint32_t;

inline constexpr char kFieldSeparator = '\x1f';

class TextArena {
 public:
  void Set(Row row, std::string_view text);
  void Erase(Row row);
  // "" for a row that has no text.
  std::string_view Get(Row row) const {
    if (row >= spans_.size()) return {};
    const Span& s = spans_[row];
    return std::string_view(data_.data() + s.offset, s.length);
  }
  // The `index`-th field of a row's text ("" when absent).
  std::string_view Field(Row row, int index) const;

  // Start loading a row's span, then (once the span is cached) its text; used ahead of scans
  // over candidate rows, the span some rows before the text.
  void PrefetchSpan(Row row) const {
    if (row < spans_.size()) __builtin_prefetch(&spans_[row]);
  }
  void Prefetch(Row row) const {
    if (row < spans_.size()) __builtin_prefetch(data_.data() + spans_[row].offset);
  }

  size_t MemoryBytes() const { return data_.capacity() + spans_.capacity() * sizeof(Span); }

 private:
  struct Span {
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  void Compact();

  std::string data_;
  std::vector<Span> spans_;
  size_t garbage_ = 0;
};

// The `index`-th field of `text`.
std::string_view FieldOf(std::string_view text, int index);

}  // namespace contactd::search
