// NgramIndex: exact substring search over short folded texts, with roaring-bitmap postings of
// character n-grams (over Unicode code points).
//
// A document is a row with a few fields (e.g. folded name, email, external_id). N-grams never
// cross fields. For every field the index holds:
//   - the unigram of every code point;
//   - the trigrams of the field padded at its start with two boundary marks, so that every
//     code point and every pair of code points is the end of some trigram ("ab" gives trigrams
//     ^^a and ^ab).
// Find(q), for a folded query q of L code points:
//   L == 1: the unigram posting                                          (exact)
//   L == 2: the union of the postings of all trigrams ending with q       (exact)
//   L == 3: the trigram posting (unpadded)                                 (exact)
//   L >= 4: the intersection of q's trigrams: every row containing q, and perhaps rows that
//           hold all of its trigrams apart (Match::exact is false; the caller verifies).
// Fields may be tagged with a space (e.g. text vs phone digits) so that two kinds of field share
// one index without their n-grams mixing: Find() searches one space.
//
// Thread-safety: not thread-safe; the owning chatbot's data lock protects it (readers shared,
// writers exclusive). KeysOf() is a pure function, meant to run before the lock is taken.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/search/roaring.h"

namespace contactd::search {

class NgramIndex {
 public:
  // One field of a document: folded text (valid UTF-8) and the space it is searched in (0-3).
  struct Field {
    std::string_view text;
    uint8_t space = 0;
  };
  // The n-gram keys of a document: sorted, without duplicates.
  using Keys = std::vector<uint64_t>;

  static void KeysOf(std::span<const Field> fields, Keys* out);

  // REQUIRES: `keys` came from KeysOf() for this row's current fields.
  void Add(Row row, const Keys& keys);
  void Remove(Row row, const Keys& keys);

  struct Match {
    roaring::Roaring rows;
    bool exact = true;  // false: a superset of the rows containing q (L >= 4)
  };
  // Rows with a field of `space` containing the folded query `q` (see above). An empty q matches
  // nothing.
  Match Find(std::string_view q, uint8_t space) const;

  // Builds the index from scratch: `fields_of(row, &fields)` fills the fields of each row listed
  // in `rows`, called once per row in ascending order. Much faster than Add() per row (postings
  // are appended in row order). REQUIRES: the index is empty.
  using FieldsOf = std::function<void(Row, std::vector<Field>*)>;
  void Build(const roaring::Roaring& rows, const FieldsOf& fields_of);

  // Batch updates: build an index over the changed rows' old or new texts with BuildBatch() (where
  // this index need not be locked), then apply it here with one pass over each posting touched,
  // where Add() and Remove() shift an array once per row.
  // Build() without compacting the postings (run containers, spare capacity): for an index that
  // only goes to RemoveAll() or AddAll().
  void BuildBatch(const roaring::Roaring& rows, const FieldsOf& fields_of);
  // Removes every posting of `other` (built over texts of rows this index holds) from this index.
  void RemoveAll(const NgramIndex& other);
  // Moves every posting of `other` (built over rows this index does not hold: any rows, not only
  // higher ones) into this index, with an OR per posting touched.
  void AddAll(NgramIndex&& other);

  size_t posting_count() const { return postings_.size(); }
  // Heap bytes held by postings (roaring serialized sizes plus map slots), for memory reports.
  size_t MemoryBytes() const;

 private:
  void BuildInto(const roaring::Roaring& rows, const FieldsOf& fields_of, bool compact);

  absl::flat_hash_map<uint64_t, roaring::Roaring> postings_;
  // For 2-code-point queries: the trigram keys present, by their last two code points (and space).
  absl::flat_hash_map<uint64_t, std::vector<uint64_t>> trigrams_by_suffix_;
};

}  // namespace contactd::search
