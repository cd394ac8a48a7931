// ContactTable: one chatbot's contacts in memory.
//
// Each contact is an immutable Record in a row (a dense 32-bit number, reused after a delete).
// Two hash indexes map to rows without copying keys: by external_id (the primary key) and by the
// case-folded email (the uniqueness rule). An index entry is the row plus a 32-bit hash of its key,
// and each row keeps its keys' hashes, so growing an index or unindexing a row never re-reads
// records; only a hash match compares the record's key.
//
// Thread-safety: not thread-safe. The owning Chatbot's data and table locks protect it: readers
// hold either shared, writers both exclusive (engine/chatbot.h). Not movable (the indexes point
// back at the table).
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
  // The same with the key's hash already computed. REQUIRES: hash == KeyHash(external_id).
  Row FindByExternalId(std::string_view external_id, uint32_t hash) const;
  // The hash the index keeps of an external_id.
  static uint32_t KeyHash(std::string_view external_id);
  // `email` as written; it is case-folded before the lookup.
  Row FindByEmail(std::string_view email) const;
  // REQUIRES: `folded` is text::CaseFold() of an email.
  Row FindByFoldedEmail(std::string_view folded) const;
  // The same with the key's hash already computed. REQUIRES: hash == EmailHash(folded).
  Row FindByFoldedEmail(std::string_view folded, uint32_t hash) const;
  // The hash the index keeps of a folded email (never 0).
  static uint32_t EmailHash(std::string_view folded);

  // REQUIRES: `row` holds a contact.
  RecordView Get(Row row) const { return rows_[row].view(); }
  // The record itself, to share it (a copy is a reference; engine/record.h). REQUIRES: as Get().
  const Record& record(Row row) const { return rows_[row]; }

  // The index hashes of a record's keys. Computing them needs no lock, so writers compute them
  // before taking the exclusive lock and pass them to Insert()/Replace().
  struct KeyHashes {
    uint32_t external_id = 0;
    uint32_t email = 0;  // 0: no email (a real hash of 0 is stored as 1)
  };
  // {KeyHash(external_id), EmailHash(text::CaseFold(email)) or 0}: writers that have those
  // hashes already need not call it.
  static KeyHashes HashesOf(RecordView record);

  // Loads the index slots where these keys are (or would go) into the cache, for a loop over a
  // batch that looks them up or inserts them a few items later: a large chatbot's indexes are
  // far larger than the cache, so each lookup or insert otherwise waits on memory. Changes
  // nothing.
  void PrefetchExternalId(uint32_t hash) const;
  void PrefetchEmail(uint32_t hash) const;
  void PrefetchIndexes(KeyHashes hashes) const;

  // Adds a contact. REQUIRES: no contact has its external_id or (folded) email; `hashes` are
  // HashesOf(record).
  Row Insert(Record record, KeyHashes hashes);
  Row Insert(Record record) {
    const KeyHashes h = HashesOf(record.view());
    return Insert(std::move(record), h);
  }
  // Replaces the contact in `row`; its external_id and email may change. REQUIRES: as Insert().
  void Replace(Row row, Record record, KeyHashes hashes);
  void Replace(Row row, Record record) {
    const KeyHashes h = HashesOf(record.view());
    Replace(row, std::move(record), h);
  }
  void Erase(Row row);

  // Calls f(row) for every contact, in row order.
  template <typename F>
  void ForEach(F&& f) const {
    for (Row r = 0; r < rows_.size(); ++r) {
      if (!rows_[r].empty()) f(r);
    }
  }

 private:
  struct Slot {
    Row row;
    uint32_t hash;
  };
  struct Key {  // a lookup: the key's bytes (folded for emails) and their hash
    std::string_view bytes;
    uint32_t hash;
  };
  struct SlotHash {
    using is_transparent = void;
    size_t operator()(Slot s) const { return s.hash; }
    size_t operator()(Key k) const { return k.hash; }
  };
  // Compares a slot with a lookup key by reading the row's record; kEmail picks the field.
  template <bool kEmail>
  struct SlotEq {
    using is_transparent = void;
    const ContactTable* table;
    bool operator()(Slot a, Slot b) const { return a.row == b.row; }
    bool operator()(Slot a, Key k) const {
      return a.hash == k.hash && table->KeyMatches<kEmail>(a.row, k);
    }
    bool operator()(Key k, Slot a) const { return (*this)(a, k); }
  };

  template <bool kEmail>
  bool KeyMatches(Row row, Key k) const;
  void Index(Row row);
  void Unindex(Row row);

  std::vector<Record> rows_;
  std::vector<KeyHashes> hashes_;  // per row, so unindexing never re-reads a record
  std::vector<Row> free_rows_;
  size_t live_ = 0;
  absl::flat_hash_set<Slot, SlotHash, SlotEq<false>> by_external_id_;
  absl::flat_hash_set<Slot, SlotHash, SlotEq<true>> by_email_;
};

}  // namespace contactd
