#include "engine/contact_table.h"

#include <algorithm>

#include "engine/string_map.h"
#include "engine/text.h"

namespace contactd {
namespace {

// The upper half of abseil's 64-bit hash: well mixed in every bit, as the index needs.
uint32_t Hash32(std::string_view s) { return static_cast<uint32_t>(HashBytes(s) >> 32); }

uint32_t FoldedEmailHash(std::string_view email) {
  return text::WithCaseFolded(email, [](std::string_view folded) { return Hash32(folded); });
}

}  // namespace

ContactTable::ContactTable()
    : by_external_id_(0, SlotHash{}, SlotEq<false>{this}),
      by_email_(0, SlotHash{}, SlotEq<true>{this}) {}

template <bool kEmail>
bool ContactTable::KeyMatches(Row row, Key k) const {
  const RecordView v = Get(row);
  if constexpr (kEmail) {
    return text::WithCaseFolded(*v.email(),
                                [&](std::string_view folded) { return folded == k.bytes; });
  } else {
    return v.external_id() == k.bytes;
  }
}

ContactTable::Row ContactTable::FindByExternalId(std::string_view external_id) const {
  return FindByExternalId(external_id, Hash32(external_id));
}

ContactTable::Row ContactTable::FindByExternalId(std::string_view external_id,
                                                 uint32_t hash) const {
  auto it = by_external_id_.find(Key{external_id, hash});
  return it == by_external_id_.end() ? kNoRow : it->row;
}

uint32_t ContactTable::KeyHash(std::string_view external_id) { return Hash32(external_id); }

void ContactTable::PrefetchExternalId(uint32_t hash) const {
  by_external_id_.prefetch(Key{{}, hash});
}

void ContactTable::PrefetchEmail(uint32_t hash) const { by_email_.prefetch(Key{{}, hash}); }

void ContactTable::PrefetchIndexes(KeyHashes hashes) const {
  by_external_id_.prefetch(Key{{}, hashes.external_id});
  if (hashes.email) by_email_.prefetch(Key{{}, hashes.email});
}

ContactTable::Row ContactTable::FindByEmail(std::string_view email) const {
  return text::WithCaseFolded(email,
                              [&](std::string_view folded) { return FindByFoldedEmail(folded); });
}

ContactTable::Row ContactTable::FindByFoldedEmail(std::string_view folded) const {
  return FindByFoldedEmail(folded, EmailHash(folded));
}

ContactTable::Row ContactTable::FindByFoldedEmail(std::string_view folded, uint32_t hash) const {
  auto it = by_email_.find(Key{folded, hash});
  return it == by_email_.end() ? kNoRow : it->row;
}

uint32_t ContactTable::EmailHash(std::string_view folded) {
  return std::max<uint32_t>(1, Hash32(folded));
}

ContactTable::KeyHashes ContactTable::HashesOf(RecordView record) {
  KeyHashes h;
  h.external_id = Hash32(record.external_id());
  if (auto email = record.email()) h.email = std::max<uint32_t>(1, FoldedEmailHash(*email));
  return h;
}

void ContactTable::Index(Row row) {
  const KeyHashes h = hashes_[row];
  by_external_id_.insert(Slot{row, h.external_id});
  if (h.email) by_email_.insert(Slot{row, h.email});
}

void ContactTable::Unindex(Row row) {
  const KeyHashes h = hashes_[row];
  by_external_id_.erase(Slot{row, h.external_id});
  if (h.email) by_email_.erase(Slot{row, h.email});
}

ContactTable::Row ContactTable::Insert(Record record, KeyHashes hashes) {
  Row row;
  if (!free_rows_.empty()) {
    row = free_rows_.back();
    free_rows_.pop_back();
    rows_[row] = std::move(record);
    hashes_[row] = hashes;
  } else {
    row = static_cast<Row>(rows_.size());
    rows_.push_back(std::move(record));
    hashes_.push_back(hashes);
  }
  ++live_;
  Index(row);
  return row;
}

void ContactTable::Replace(Row row, Record record, KeyHashes hashes) {
  Unindex(row);
  rows_[row] = std::move(record);
  hashes_[row] = hashes;
  Index(row);
}

void ContactTable::Erase(Row row) {
  Unindex(row);
  rows_[row] = Record();
  free_rows_.push_back(row);
  --live_;
}

}  // namespace contactd
