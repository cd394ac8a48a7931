// TextArena: the folded searchable text of every row, stored in large chunks.
//
// A row's text is its fields joined by kFieldSeparator (0x1F, which text fields never contain:
// control characters are rejected on write). Texts are appended to the last chunk; a text that
// does not fit starts a new one, so a text never spans two chunks and growing the arena never
// moves what it holds (a single growing buffer copied everything at each doubling, and faulted in
// twice the memory). The first chunk grows as needed up to kChunkBytes, so a small chatbot holds
// little. Replacing or erasing a row leaves its old bytes behind as garbage; when garbage exceeds
// the live bytes the arena compacts itself into new chunks.
//
// Thread-safety: not thread-safe; the owning chatbot's data lock protects it. Const methods may
// run on several threads at once.
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
  // The size of a full chunk, and the longest text Set() takes (std::length_error beyond it;
  // validation keeps every text far shorter).
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  TextArena();

  // REQUIRES: `text` is not a view into this arena (appending may move the first chunk).
  void Set(Row row, std::string_view text);
  void Erase(Row row);
  // "" for a row that has no text. Valid until the next Set() (which may compact the arena).
  std::string_view Get(Row row) const {
    if (row >= spans_.size()) return {};
    const Span s = spans_[row];
    return std::string_view(chunks_[s.chunk].data() + s.pos, s.length);
  }
  // The `index`-th field of a row's text ("" when absent).
  std::string_view Field(Row row, int index) const;

  // Start loading a row's span, then (once the span is cached) its text; used ahead of scans
  // over candidate rows, the span some rows before the text.
  void PrefetchSpan(Row row) const {
    if (row < spans_.size()) __builtin_prefetch(&spans_[row]);
  }
  // (Not through Get(): GCC 12 dropped the prefetch of Get(row).data(), which made candidate
  // checks of long queries twice as slow; search_bench shows it.)
  void Prefetch(Row row) const {
    if (row >= spans_.size()) return;
    const Span s = spans_[row];
    __builtin_prefetch(chunks_[s.chunk].data() + s.pos);
  }

  // Heap bytes held (chunks and spans), for memory reports.
  size_t MemoryBytes() const;

 private:
  static constexpr int kPosBits = 20;  // positions within a chunk: [0, kChunkBytes)
  static_assert(kChunkBytes == size_t{1} << kPosBits);
  struct Span {
    uint64_t chunk : 64 - 2 * kPosBits - 1 = 0;
    uint64_t pos : kPosBits = 0;
    uint64_t length : kPosBits + 1 = 0;  // up to kChunkBytes inclusive
  };
  static_assert(sizeof(Span) == 8);

  // Copies `text` to the end of the last chunk, or of a new one.
  Span Append(std::string_view text);
  void Compact();

  std::vector<std::string> chunks_;  // never empty: an empty span points at chunks_[0]
  std::vector<Span> spans_;
  size_t bytes_ = 0;    // bytes in the chunks, live or garbage
  size_t garbage_ = 0;  // bytes no span refers to
};

// The `index`-th field of `text`.
std::string_view FieldOf(std::string_view text, int index);

}  // namespace contactd::search
