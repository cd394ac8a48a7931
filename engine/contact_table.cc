#include "engine/contact_table.h"

#include <algorithm>
#include <tuple>

#include "absl/hash/hash.h"
#include "engine/text.h"

namespace contactd {
namespace {

size_t HashFolded(std::string_view folded) { return absl::Hash<std::string_view>{}(folded); }

}  // namespace

ContactTable::ContactTable()
    : by_external_id_(0, ExternalIdHash{this}, ExternalIdEq{this}),
      by_email_(0, EmailHash{this}, EmailEq{this}) {}

size_t ContactTable::ExternalIdHash::operator()(Row row) const {
  return (*this)(table->Get(row).external_id());
}

size_t ContactTable::ExternalIdHash::operator()(std::string_view external_id) const {
  return absl::Hash<std::string_view>{}(external_id);
}

bool ContactTable::ExternalIdEq::operator()(Row a, std::string_view b) const {
  return table->Get(a).external_id() == b;
}

size_t ContactTable::EmailHash::operator()(Row row) const {
  return text::WithCaseFolded(*table->Get(row).email(), HashFolded);
}

size_t ContactTable::EmailHash::operator()(FoldedEmail e) const { return HashFolded(e.folded); }

bool ContactTable::EmailEq::operator()(Row a, FoldedEmail b) const {
  return text::WithCaseFolded(*table->Get(a).email(),
                              [&](std::string_view folded) { return folded == b.folded; });
}

ContactTable::Row ContactTable::FindByExternalId(std::string_view external_id) const {
  auto it = by_external_id_.find(external_id);
  return it == by_external_id_.end() ? kNoRow : *it;
}

ContactTable::Row ContactTable::FindByEmail(std::string_view email) const {
  return text::WithCaseFolded(email, [&](std::string_view folded) {
    auto it = by_email_.find(FoldedEmail{folded});
    return it == by_email_.end() ? kNoRow : *it;
  });
}

void ContactTable::Index(Row row) {
  by_external_id_.insert(row);
  if (Get(row).email()) by_email_.insert(row);
}

void ContactTable::Unindex(Row row) {
  by_external_id_.erase(row);
  if (Get(row).email()) by_email_.erase(row);
}

ContactTable::Row ContactTable::Insert(Record record) {
  Row row;
  if (!free_rows_.empty()) {
    row = free_rows_.back();
    free_rows_.pop_back();
    rows_[row] = std::move(record);
  } else {
    row = static_cast<Row>(rows_.size());
    rows_.push_back(std::move(record));
  }
  ++live_;
  Index(row);
  return row;
}

void ContactTable::Replace(Row row, Record record) {
  Unindex(row);
  rows_[row] = std::move(record);
  Index(row);
}

void ContactTable::Erase(Row row) {
  Unindex(row);
  rows_[row] = Record();
  free_rows_.push_back(row);
  --live_;
}

std::vector<ContactTable::Row> ContactTable::NewestFirst(size_t offset, size_t limit) const {
  struct Entry {
    int64_t created_at;
    ContactId id;
    Row row;
  };
  std::vector<Entry> all;
  all.reserve(live_);
  ForEach([&](Row r) {
    const RecordView v = Get(r);
    all.push_back({v.created_at(), v.id(), r});
  });
  if (offset >= all.size()) return {};
  const size_t end = std::min(all.size(), offset + limit);
  auto newer = [](const Entry& a, const Entry& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(end), all.end(), newer);
  std::vector<Row> out;
  out.reserve(end - offset);
  for (size_t i = offset; i < end; ++i) out.push_back(all[i].row);
  return out;
}

}  // namespace contactd
