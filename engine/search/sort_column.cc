// SortColumn: see sort_column.h.
//
// Size policy, with T the target rows per bucket:
//   - a bucket holding more than MaxRows() = 2T rows holds a single key: one that grows past 2T
//     with two keys or more splits at a key near its median (the cut of the two candidates, the
//     median key itself or the next key above it, that gives the more even halves);
//   - a bucket holding fewer than MinRows() = max(T / 4, 1) rows merges with its smaller
//     neighbour when it is empty or when the union holds at most 2T rows. A small bucket between
//     buckets too big to take it stays (e.g. the `false` rows beside a huge `true` bucket): a
//     merge never makes a bucket that would have to split again, so updates never ping-pong.
// Because every bucket over 2T holds one key, an insert into such a bucket needs no scan: it
// compares the new key with the bucket's key, and a second key is split off at once.
#include "engine/search/sort_column.h"

#include <algorithm>
#include <utility>

#include "engine/search/roaring_build.h"

namespace contactd::search {
namespace {

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();
constexpr size_t kPrefetchAhead = 16;

size_t MaxRows(size_t target) { return target > kNoLimit / 2 ? kNoLimit : 2 * target; }
size_t MinRows(size_t target) { return std::max<size_t>(target / 4, 1); }

// Calls f(row) for every row of `rows`, in ascending order.
template <typename F>
void ForEachRow(const roaring::Roaring& rows, F f) {
  rows.iterate(
      [](uint32_t row, void* fn) {
        (*static_cast<F*>(fn))(row);
        return true;
      },
      &f);
}

// A bucket's bitmap of ascending rows. Runs (rows added in key order, e.g. created_at) are kept
// as runs: smaller, and fast to union.
roaring::Roaring BucketOf(const std::vector<Row>& rows) {
  roaring::Roaring out = BitmapOfSorted(rows);
  out.runOptimize();
  return out;
}

// Adds `rows` (ascending, above every row of `r`) to `r`. An import's new rows are mostly
// consecutive: one range (a run) then, instead of value by value.
void AddAbove(roaring::Roaring* r, const std::vector<Row>& rows) {
  if (rows.empty()) return;
  if (rows.back() - rows.front() == rows.size() - 1) {
    r->addRange(rows.front(), uint64_t{rows.back()} + 1);
  } else {
    r->addMany(rows.size(), rows.data());
  }
}

// The union of the bitmaps `whole` and of `loose` rows (in any order).
roaring::Roaring UnionOf(std::vector<const roaring::Roaring*>* whole,
                         const std::vector<Row>& loose) {
  const roaring::Roaring extra(loose.size(), loose.data());
  if (!loose.empty()) whole->push_back(&extra);
  if (whole->empty()) return {};
  if (whole->size() == 1) return *whole->front();
  return roaring::Roaring::fastunion(whole->size(), whole->data());
}

}  // namespace

// A target of 0 counts as 1.
SortColumn::SortColumn(size_t target_bucket_rows)
    : target_(std::max<size_t>(target_bucket_rows, 1)) {
  InsertBucket(0, 0, {});
}

void SortColumn::Set(Row row, std::optional<uint64_t> key) {
  if (!key) {
    if (has(row)) Remove(row, keys_[row]);
    return;
  }
  if (has(row)) {
    const uint64_t old_key = keys_[row];
    if (old_key == *key) return;
    // Within one bucket of at most 2T rows, the key alone changes. (A bucket over 2T holds a
    // single key, so a change there goes through Remove + Insert, which split it.)
    const size_t i = FindBucket(old_key);
    if (i == FindBucket(*key) && buckets_[i].size <= MaxRows(target_)) {
      keys_[row] = *key;
      return;
    }
    Remove(row, old_key);
  }
  Insert(row, *key);
}

void SortColumn::Erase(Row row) { Set(row, std::nullopt); }

// Rows above every row the column has (an import's new contacts) are known to be new without a
// lookup, and join with_value_ together at the end. That needs the batch to list them in strictly
// ascending order (a repeated row's later change must see the earlier one); otherwise Set()
// takes every change.
// (A software-prefetch pipeline over the changes' buckets was here until 2026-11-23. GCC 12
// compiled it out, and with it made to run it was slower: docs/benchmarks.md.)
void SortColumn::SetMany(std::span<const Change> changes) {
  const bool empty = with_value_.isEmpty();
  const Row top = empty ? 0 : with_value_.maximum();
  const auto is_new = [&](Row row) { return empty || row > top; };
  bool append = true;
  std::optional<Row> last_new;
  for (const Change& c : changes) {
    if (!is_new(c.row)) continue;
    if (last_new && c.row <= *last_new) {
      append = false;
      break;
    }
    last_new = c.row;
  }
  std::vector<Row> appended;
  // New rows bound for the last bucket (ascending keys: ids, an import's times) that need no
  // split join it together, just before anything else touches the buckets: no bucket lookup or
  // insert each, and the same buckets as one by one.
  std::vector<Row> tail;
  const auto add_tail = [&] {
    AddAbove(&buckets_.back().rows, tail);
    tail.clear();
  };
  for (const Change& c : changes) {
    if (!append || !c.key || !is_new(c.row)) {
      add_tail();
      Set(c.row, c.key);
      continue;
    }
    appended.push_back(c.row);
    Bucket& last = buckets_.back();
    // Within 2T rows after the insert, or a single-key bucket gaining its key (an import batch's
    // rows share their created_at): no split either way.
    const bool stays =
        last.size < MaxRows(target_) || (last.size > MaxRows(target_) && *c.key == last.key);
    if (*c.key >= lows_.back() && stays) {
      if (c.row >= keys_.size()) keys_.resize(size_t{c.row} + 1);
      keys_[c.row] = *c.key;
      tail.push_back(c.row);
      ++last.size;
      continue;
    }
    add_tail();
    InsertKey(c.row, *c.key);
  }
  add_tail();
  AddAbove(&with_value_, appended);
}

bool SortColumn::SingleKey(size_t i) const { return buckets_[i].size > MaxRows(target_); }

void SortColumn::Insert(Row row, uint64_t key) {
  with_value_.add(row);
  InsertKey(row, key);
}

// REQUIRES: !has(row); the size policy holds.
void SortColumn::InsertKey(Row row, uint64_t key) {
  if (row >= keys_.size()) keys_.resize(size_t{row} + 1);
  keys_[row] = key;
  const size_t i = FindBucket(key);
  Bucket& b = buckets_[i];
  b.rows.add(row);
  const uint64_t n = ++b.size;
  if (n <= MaxRows(target_)) return;
  if (n - 1 <= MaxRows(target_)) {  // just grew past 2T: scan it for a cut
    const size_t before = buckets_.size();
    MaybeSplit(i);
    // Each call covers its neighbours too, so this covers the buckets made and those beside them.
    for (size_t j = i + 1 + (buckets_.size() - before); j-- > i;) MaybeMerge(j);
    return;
  }

  // The bucket was over 2T already, so it held a single key.
  const uint64_t old_key = b.key;
  if (old_key == key) return;
  b.rows.remove(row);
  --b.size;
  Bucket single{.rows = roaring::Roaring(1, &row), .size = 1};
  if (key > old_key) {  // [low, key) keeps old_key; [key, next) holds the row
    InsertBucket(i + 1, key, std::move(single));
    return MaybeMerge(i + 1);
  }
  const uint64_t low = lows_[i];  // [low, old_key) holds the row; [old_key, next) keeps old_key
  lows_[i] = old_key;
  InsertBucket(i, low, std::move(single));
  MaybeMerge(i);
}

// REQUIRES: has(row) and keys_[row] == key.
void SortColumn::Remove(Row row, uint64_t key) {
  const size_t i = FindBucket(key);
  buckets_[i].rows.remove(row);
  --buckets_[i].size;
  with_value_.remove(row);
  MaybeMerge(i);
}

// Splits bucket i, and recursively its halves, while it holds over 2T rows and two keys or
// more. Merges nothing: the caller restores the merge policy around the buckets made.
void SortColumn::MaybeSplit(size_t i) {
  const uint64_t n = buckets_[i].size;
  if (n <= MaxRows(target_)) return;
  std::vector<Row> rows(n);
  buckets_[i].rows.toUint32Array(rows.data());
  std::vector<uint64_t> keys(n);  // by position in `rows`
  for (size_t k = 0; k < n; ++k) {
    if (k + kPrefetchAhead < n) __builtin_prefetch(&keys_[rows[k + kPrefetchAhead]]);
    keys[k] = keys_[rows[k]];
  }
  std::vector<uint64_t> sorted = keys;
  const auto mid = sorted.begin() + static_cast<ptrdiff_t>(n / 2);
  std::nth_element(sorted.begin(), mid, sorted.end());
  const uint64_t median = *mid;
  size_t less = 0, equal = 0;
  uint64_t above = std::numeric_limits<uint64_t>::max();  // the smallest key over the median
  for (const uint64_t k : keys) {
    if (k < median) {
      ++less;
    } else if (k == median) {
      ++equal;
    } else {
      above = std::min(above, k);
    }
  }
  const size_t greater = n - less - equal;
  if (less == 0 && greater == 0) {  // a single key: grows without bound
    buckets_[i].key = median;
    return;
  }
  // Cutting at the median leaves `less` rows below; cutting above it leaves `greater` above.
  const size_t even_at_median = less == 0 ? 0 : std::min(less, n - less);
  const size_t even_above = greater == 0 ? 0 : std::min(greater, n - greater);
  const uint64_t cut = even_at_median >= even_above ? median : above;

  std::vector<Row> low_rows, high_rows;
  low_rows.reserve(n);
  high_rows.reserve(n);
  for (size_t k = 0; k < n; ++k) (keys[k] < cut ? low_rows : high_rows).push_back(rows[k]);
  buckets_[i].rows = BucketOf(low_rows);
  buckets_[i].size = low_rows.size();
  InsertBucket(i + 1, cut, Bucket{.rows = BucketOf(high_rows), .size = high_rows.size()});
  MaybeSplit(i + 1);
  MaybeSplit(i);
}

// Restores the merge policy around bucket i (which shrank, or was just made): each of buckets
// i + 1, i, i - 1 below MinRows() merges with its smaller neighbour while the union is allowed.
// Merging only grows buckets, so no bucket further away gains a merge.
void SortColumn::MaybeMerge(size_t i) {
  if (buckets_.size() <= 1) return;
  const size_t min_rows = MinRows(target_);
  const auto settle = [&](size_t j) {
    while (buckets_.size() > 1) {
      const uint64_t n = buckets_[j].size;
      if (n >= min_rows) return;
      size_t other = j == 0 ? 1 : j - 1;
      if (j > 0 && j + 1 < buckets_.size() && buckets_[j + 1].size < buckets_[j - 1].size) {
        other = j + 1;
      }
      if (n != 0 && n + buckets_[other].size > MaxRows(target_)) return;
      const size_t keep = std::min(j, other);
      const size_t drop = std::max(j, other);
      // An empty bucket may take one over 2T: the rows' single key comes along.
      if (buckets_[keep].size == 0) buckets_[keep].key = buckets_[drop].key;
      buckets_[keep].rows |= buckets_[drop].rows;  // keep's low stays: it is the smaller one
      buckets_[keep].size += buckets_[drop].size;
      EraseBucket(drop);
      j = keep;
    }
  };
  // Descending, so that a merge never shifts a bucket still to visit.
  const size_t first = i == 0 ? 0 : i - 1;
  for (size_t j = i + 2; j-- > first;) {
    if (j < buckets_.size()) settle(j);
  }
}

void SortColumn::SetTarget(size_t target_bucket_rows) {
  target_ = std::max<size_t>(target_bucket_rows, 1);
  const uint64_t n = with_value_.cardinality();
  buckets_.clear();
  lows_.clear();
  if (n <= MaxRows(target_)) {
    InsertBucket(0, 0, Bucket{.rows = with_value_, .size = n});
    return;
  }
  struct Entry {
    uint64_t key;
    Row row;
  };
  std::vector<Entry> order;
  order.reserve(n);
  ForEachRow(with_value_, [&](Row r) { order.push_back({keys_[r], r}); });
  std::sort(order.begin(), order.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });

  // Cuts runs of at least T rows at key boundaries; a key that would push a run past 2T ends
  // the run before it (and, if it alone holds over 2T rows, gets a bucket of its own).
  std::vector<Row> rows;
  const auto flush = [&](size_t from, size_t to) {
    rows.clear();
    for (size_t k = from; k < to; ++k) rows.push_back(order[k].row);
    std::sort(rows.begin(), rows.end());
    InsertBucket(buckets_.size(), buckets_.empty() ? 0 : order[from].key,
                 Bucket{.rows = BucketOf(rows), .size = rows.size(), .key = order[from].key});
  };
  size_t start = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && order[j].key == order[i].key) ++j;
    if (i > start && j - start > MaxRows(target_)) {
      flush(start, i);
      start = i;
    }
    if (j - start >= target_) {
      flush(start, j);
      start = j;
    }
    i = j;
  }
  if (start < n) flush(start, n);
  for (size_t j = buckets_.size(); j-- > 0;) {
    if (j < buckets_.size()) MaybeMerge(j);
  }
}

// The last bucket whose low is at most `key` (lows_[0] == 0), by a branchless binary search: the
// probes are unpredictable, so conditional moves beat branches.
size_t SortColumn::FindBucket(uint64_t key) const {
  // Keys that ascend as rows are added (ids, an import's times) land in the last bucket.
  if (key >= lows_.back()) return lows_.size() - 1;
  const uint64_t* const lows = lows_.data();
  size_t base = 0;
  for (size_t n = lows_.size(); n > 1;) {
    const size_t half = n / 2;
    base = lows[base + half] <= key ? base + half : base;
    n -= half;
  }
  return base;
}

void SortColumn::InsertBucket(size_t i, uint64_t low, Bucket bucket) {
  lows_.insert(lows_.begin() + static_cast<ptrdiff_t>(i), low);
  try {
    buckets_.insert(buckets_.begin() + static_cast<ptrdiff_t>(i), std::move(bucket));
  } catch (...) {  // out of memory: the two stay in step
    lows_.erase(lows_.begin() + static_cast<ptrdiff_t>(i));
    throw;
  }
}

void SortColumn::EraseBucket(size_t i) {
  lows_.erase(lows_.begin() + static_cast<ptrdiff_t>(i));
  buckets_.erase(buckets_.begin() + static_cast<ptrdiff_t>(i));
}

// Buckets inside [lo, hi] are taken whole; the (at most two) edge buckets are filtered by key,
// except one over 2T rows, which holds a single key and so is all in or all out. The cost follows
// the smaller side: past half the rows, the result is with_value_ minus the rows out of range.
roaring::Roaring SortColumn::Range(uint64_t lo, uint64_t hi) const {
  if (lo > hi) return {};
  const size_t first = FindBucket(lo);
  const size_t last = FindBucket(hi);
  std::vector<const roaring::Roaring*> in, out;  // whole buckets
  size_t edges[2];
  size_t edge_count = 0;
  uint64_t in_count = 0, edge_rows = 0;
  for (size_t i = first; i <= last; ++i) {
    const Bucket& b = buckets_[i];
    const uint64_t top =  // the largest key bucket i may hold
        i + 1 < buckets_.size() ? lows_[i + 1] - 1 : std::numeric_limits<uint64_t>::max();
    if (b.size == 0) continue;
    if (lows_[i] >= lo && top <= hi) {
      in.push_back(&b.rows);
      in_count += b.size;
    } else if (b.size > MaxRows(target_)) {
      const uint64_t k = b.key;
      (lo <= k && k <= hi ? in : out).push_back(&b.rows);
      if (lo <= k && k <= hi) in_count += b.size;
    } else {
      edges[edge_count++] = i;
      edge_rows += b.size;
    }
  }
  const bool complement = (in_count + edge_rows / 2) * 2 > with_value_.cardinality();
  // The edge rows on the side being built: in range, or out of range for the complement.
  std::vector<Row> loose(edge_rows);
  size_t kept = 0;
  for (size_t e = 0; e < edge_count; ++e) {
    const Bucket& b = buckets_[edges[e]];
    Row* const rows = loose.data() + kept;
    b.rows.toUint32Array(rows);
    for (size_t k = 0; k < b.size; ++k) {
      // keys_[r] is mostly a cache miss: fetch a few rows ahead.
      if (k + kPrefetchAhead < b.size) __builtin_prefetch(&keys_[rows[k + kPrefetchAhead]]);
      const Row r = rows[k];
      loose[kept] = r;  // compacts in place: kept never passes the row read
      kept += (lo <= keys_[r] && keys_[r] <= hi) != complement;
    }
  }
  loose.resize(kept);
  if (!complement) return UnionOf(&in, loose);
  for (size_t i = 0; i < first; ++i) out.push_back(&buckets_[i].rows);
  for (size_t i = last + 1; i < buckets_.size(); ++i) out.push_back(&buckets_[i].rows);
  roaring::Roaring result = with_value_;
  if (!out.empty() || !loose.empty()) result -= UnionOf(&out, loose);
  return result;
}

size_t SortColumn::MemoryBytes() const {
  size_t bytes = keys_.capacity() * sizeof(uint64_t) + lows_.capacity() * sizeof(uint64_t) +
                 buckets_.capacity() * sizeof(Bucket) + with_value_.getSizeInBytes();
  for (const Bucket& b : buckets_) bytes += b.rows.getSizeInBytes();
  return bytes;
}

}  // namespace contactd::search
