#include "engine/search/text_arena.h"

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

std::string_view TextArena::Field(Row row, int index) const { return FieldOf(Get(row), index); }

void TextArena::Set(Row row, std::string_view text) {
  if (row >= spans_.size()) spans_.resize(row + 1);
  garbage_ += spans_[row].length;
  spans_[row] = {static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(text.size())};
  data_.append(text);
  if (garbage_ > 4096 && garbage_ > data_.size() / 2) Compact();
}

void TextArena::Erase(Row row) {
  if (row >= spans_.size()) return;
  garbage_ += spans_[row].length;
  spans_[row] = {};
}

void TextArena::Compact() {
  std::string data;
  data.reserve(data_.size() - garbage_ + data_.size() / 8);
  for (Span& s : spans_) {
    const uint32_t offset = static_cast<uint32_t>(data.size());
    data.append(data_, s.offset, s.length);
    s.offset = offset;
  }
  data_.swap(data);
  garbage_ = 0;
}

}  // namespace contactd::search
