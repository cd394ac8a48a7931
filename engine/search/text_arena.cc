#include "engine/search/text_arena.h"

#include <algorithm>
#include <stdexcept>

namespace contactd::search {

std::string_view FieldOf(std::string_view text, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) {
    const size_t sep = text.find(kFieldSeparator, start);
    if (sep == std::string_view::npos) return {};
    start = sep + 1;
  }
  const size_t end = text.find(kFieldSeparator, start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

TextArena::TextArena() : chunks_(1) {}

std::string_view TextArena::Field(Row row, int index) const { return FieldOf(Get(row), index); }

void TextArena::Set(Row row, std::string_view text) {
  if (text.size() > kChunkBytes) throw std::length_error("TextArena: text over kChunkBytes");
  if (row >= spans_.size()) spans_.resize(row + 1);
  garbage_ += spans_[row].length;
  spans_[row] = Append(text);
  if (garbage_ > 4096 && garbage_ > bytes_ / 2) Compact();
}

void TextArena::Erase(Row row) {
  if (row >= spans_.size()) return;
  garbage_ += spans_[row].length;
  spans_[row] = {};
}

TextArena::Span TextArena::Append(std::string_view text) {
  std::string* chunk = &chunks_.back();
  const size_t end = chunk->size() + text.size();
  if (end > kChunkBytes) {
    chunk = &chunks_.emplace_back();
    chunk->reserve(kChunkBytes);
  } else if (end > chunk->capacity()) {  // the first chunk, still growing: never past a chunk
    chunk->reserve(std::min(kChunkBytes, std::max(end, 2 * chunk->capacity())));
  }
  const Span span{.chunk = chunks_.size() - 1, .pos = chunk->size(), .length = text.size()};
  chunk->append(text);
  bytes_ += text.size();
  return span;
}

void TextArena::Compact() {
  TextArena fresh;
  fresh.spans_.resize(spans_.size());
  for (size_t row = 0; row < spans_.size(); ++row) {
    if (spans_[row].length != 0) fresh.spans_[row] = fresh.Append(Get(static_cast<Row>(row)));
  }
  *this = std::move(fresh);
}

size_t TextArena::MemoryBytes() const {
  size_t bytes = chunks_.capacity() * sizeof(std::string) + spans_.capacity() * sizeof(Span);
  for (const std::string& chunk : chunks_) bytes += chunk.capacity();
  return bytes;
}

}  // namespace contactd::search
