// SortColumn: one sortable, filterable column of a chatbot's contacts, kept as a 64-bit order key
// per row (engine/search/order_key.h) and as buckets of rows with consecutive keys.
//
// Buckets partition the rows that have a value, in ascending key order: bucket i holds keys in
// [low(i), low(i + 1)). Equal keys never span two buckets. A bucket that grows past twice the
// target size splits at a key near its median; one that shrinks below a quarter of it merges
// into a neighbour. With a target of SIZE_MAX there is one bucket (small chatbots). Ordered walks
// (sort, keyset cursors, offsets) and ranges touch only the buckets they need.
//
// Thread-safety: not thread-safe; the owning chatbot's data lock protects it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "engine/search/roaring.h"

namespace contactd::search {

class SortColumn {
 public:
  explicit SortColumn(size_t target_bucket_rows = std::numeric_limits<size_t>::max());

  // Sets the row's key (inserting the row, or moving it); nullopt: the row has no value.
  void Set(Row row, std::optional<uint64_t> key);
  // One row's key, for SetMany().
  struct Change {
    Row row = 0;
    std::optional<uint64_t> key;
  };
  // Set() for each change in turn; new rows (an import's) join with_value() together.
  void SetMany(std::span<const Change> changes);
  // Forgets the row (deleted contact).
  void Erase(Row row);

  bool has(Row row) const { return with_value_.contains(row); }
  // REQUIRES: has(row).
  uint64_t key(Row row) const { return keys_[row]; }
  // Rows that have a value.
  const roaring::Roaring& with_value() const { return with_value_; }

  // Re-buckets every row for a new target size.
  void SetTarget(size_t target_bucket_rows);
  size_t target() const { return target_; }

  // Buckets, in ascending key order. There is always at least one.
  size_t bucket_count() const { return buckets_.size(); }
  const roaring::Roaring& bucket(size_t i) const { return buckets_[i].rows; }
  uint64_t bucket_low(size_t i) const { return lows_[i]; }
  // The bucket that holds (or would hold) `key`.
  size_t FindBucket(uint64_t key) const;
  // True when bucket i is known to hold a single key: buckets over twice the target size do
  // (false says nothing).
  bool SingleKey(size_t i) const;

  // Rows whose key is within [lo, hi], exactly.
  roaring::Roaring Range(uint64_t lo, uint64_t hi) const;

  // Heap bytes held (keys, bitmaps), for memory reports.
  size_t MemoryBytes() const;

 private:
  struct Bucket {
    roaring::Roaring rows;
    uint64_t size = 0;  // rows.cardinality(), which takes O(runs) for run containers
    // While size > MaxRows(): the one key all its rows hold (set by MaybeSplit or SetTarget when
    // it grew past that, and carried along when an empty bucket takes its rows). An insert
    // compares with it instead of reading another row's key.
    uint64_t key = 0;
  };

  // Insert() adds the row to with_value_ and the row's bucket; InsertKey() only to the bucket
  // (SetMany() adds its new rows to with_value_ together). REQUIRES (both): !has(row).
  void Insert(Row row, uint64_t key);
  void InsertKey(Row row, uint64_t key);
  // Adds a bucket at position i, holding keys from `low`, or removes bucket i.
  void InsertBucket(size_t i, uint64_t low, Bucket bucket);
  void EraseBucket(size_t i);
  void Remove(Row row, uint64_t key);
  void MaybeSplit(size_t i);
  void MaybeMerge(size_t i);

  size_t target_;
  std::vector<uint64_t> keys_;  // by row; meaningful where with_value_ has the row
  roaring::Roaring with_value_;
  // Bucket i holds keys from lows_[i] (lows_[0] == 0) to lows_[i + 1]. Apart from buckets_, so
  // that FindBucket()'s binary search reads 8 bytes per bucket, mostly from cache.
  std::vector<uint64_t> lows_;
  std::vector<Bucket> buckets_;
};

}  // namespace contactd::search
