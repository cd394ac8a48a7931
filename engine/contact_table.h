// ContactTable: one chatbot's contacts in memory.
//
// Each contact is an immutable Record in a row (a dense 32-bit number, reused after a delete).
// Two hash indexes map to rows without copying keys: by external_id (the primary key) and by the
// case-folded email (the uniqueness rule); both hash the row's record on demand, so an index entry
// costs one 32-bit row number.
//
// Thread-safety: not thread-safe. The owning Chatbot's data lock protects it: readers shared,
// writers exclusive. Not movable (the indexes point back at the table).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/record.h"

namespace contactd {

class ContactTable {
 public:
  using Row = uint32_t;
  static constexpr Row kNoRow = UINT32_MAX;

  ContactTable();
  ContactTable(const ContactTable&) = delete;
  ContactTable& operator=(const ContactTable&) = delete;

  size_t size() const { return live_; }

  Row FindByExternalId(std::string_view external_id) const;
  // `email` as written; it is case-folded before the lookup.
  Row FindByEmail(std::string_view email) const;

  // REQUIRES: `row` holds a contact.
  RecordView Get(Row row) const { return rows_[row].view(); }

  // Adds a contact. REQUIRES: no contact has its external_id or (folded) email.
  Row Insert(Record record);
  // Replaces the contact in `row`; its external_id and email may change. REQUIRES: as Insert().
  void Replace(Row row, Record record);
  void Erase(Row row);

  // Calls f(row) for every contact, in row order.
  template <typename F>
  void ForEach(F&& f) const {
    for (Row r = 0; r < rows_.size(); ++r) {
      if (!rows_[r].empty()) f(r);
    }
  }

  // Rows of the contacts newest first (created_at, then id, descending), skipping `offset`.
  std::vector<Row> NewestFirst(size_t offset, size_t limit) const;

 private:
  struct ExternalIdHash {
    using is_transparent = void;
    const ContactTable* table;
    size_t operator()(Row row) const;
    size_t operator()(std::string_view external_id) const;
  };
  struct ExternalIdEq {
    using is_transparent = void;
    const ContactTable* table;
    bool operator()(Row a, Row b) const { return a == b; }
    bool operator()(Row a, std::string_view b) const;
    bool operator()(std::string_view a, Row b) const { return (*this)(b, a); }
  };
  // Lookups by email pass the folded email wrapped in FoldedEmail.
  struct FoldedEmail {
    std::string_view folded;
  };
  struct EmailHash {
    using is_transparent = void;
    const ContactTable* table;
    size_t operator()(Row row) const;
    size_t operator()(FoldedEmail e) const;
  };
  struct EmailEq {
    using is_transparent = void;
    const ContactTable* table;
    bool operator()(Row a, Row b) const { return a == b; }
    bool operator()(Row a, FoldedEmail b) const;
    bool operator()(FoldedEmail a, Row b) const { return (*this)(b, a); }
  };

  void Index(Row row);
  void Unindex(Row row);

  std::vector<Record> rows_;
  std::vector<Row> free_rows_;
  size_t live_ = 0;
  absl::flat_hash_set<Row, ExternalIdHash, ExternalIdEq> by_external_id_;
  absl::flat_hash_set<Row, EmailHash, EmailEq> by_email_;
};

}  // namespace contactd
