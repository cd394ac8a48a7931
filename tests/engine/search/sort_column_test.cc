#include "engine/search/sort_column.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "engine/search/order_key.h"

namespace contactd::search {
namespace {

constexpr size_t kOneBucket = std::numeric_limits<size_t>::max();
constexpr uint64_t kMaxKey = std::numeric_limits<uint64_t>::max();

// The expected content of a column: a key or none, by row.
using Model = std::vector<std::optional<uint64_t>>;

std::vector<Row> RowsOf(const roaring::Roaring& r) {
  std::vector<Row> rows(r.cardinality());
  r.toUint32Array(rows.data());
  return rows;
}

roaring::Roaring BruteRange(const Model& model, uint64_t lo, uint64_t hi) {
  roaring::Roaring out;
  for (Row r = 0; r < model.size(); ++r) {
    if (model[r] && lo <= *model[r] && *model[r] <= hi) out.add(r);
  }
  return out;
}

// Checks the content against the model and every invariant of the bucket structure.
::testing::AssertionResult Valid(const SortColumn& c, const Model& model) {
  auto fail = [] { return ::testing::AssertionFailure(); };
  roaring::Roaring expected;
  for (Row r = 0; r < model.size(); ++r) {
    if (c.has(r) != model[r].has_value()) return fail() << "has(" << r << ")";
    if (model[r]) {
      expected.add(r);
      if (c.key(r) != *model[r]) return fail() << "key(" << r << ")";
    }
  }
  if (c.with_value() != expected) return fail() << "with_value";
  const size_t n = c.bucket_count();
  if (n == 0) return fail() << "no bucket";
  if (c.bucket_low(0) != 0) return fail() << "bucket_low(0) != 0";
  if (c.target() == kOneBucket && n != 1) return fail() << n << " buckets for target SIZE_MAX";
  const size_t t = c.target();
  const uint64_t max_rows = t > kOneBucket / 2 ? kOneBucket : 2 * t;
  const uint64_t min_rows = std::max<size_t>(t / 4, 1);
  uint64_t total = 0;
  roaring::Roaring all;
  for (size_t i = 0; i < n; ++i) {
    const roaring::Roaring& rows = c.bucket(i);
    const uint64_t lo = c.bucket_low(i);
    const uint64_t top = i + 1 < n ? c.bucket_low(i + 1) - 1 : kMaxKey;
    if (i + 1 < n && c.bucket_low(i + 1) <= lo) return fail() << "lows not increasing at " << i;
    if (c.FindBucket(lo) != i || c.FindBucket(top) != i) return fail() << "FindBucket " << i;
    bool one_key = true;
    for (Row r : RowsOf(rows)) {
      if (!c.has(r)) return fail() << "bucket " << i << " holds row " << r << " without value";
      const uint64_t k = c.key(r);
      if (k < lo || k > top) return fail() << "row " << r << " key " << k << " in bucket " << i;
      one_key = one_key && k == c.key(rows.minimum());
    }
    const uint64_t size = rows.cardinality();
    total += size;
    all |= rows;
    if (size > max_rows && !one_key) {
      return fail() << "bucket " << i << " has " << size << " rows and several keys";
    }
    if (n > 1 && size < min_rows) {
      if (size == 0) return fail() << "empty bucket " << i << " of " << n;
      uint64_t smaller = kMaxKey;
      if (i > 0) smaller = std::min(smaller, c.bucket(i - 1).cardinality());
      if (i + 1 < n) smaller = std::min(smaller, c.bucket(i + 1).cardinality());
      if (size + smaller <= max_rows) return fail() << "bucket " << i << " should have merged";
    }
  }
  if (all != expected || total != expected.cardinality()) return fail() << "not a partition";
  return ::testing::AssertionSuccess();
}

TEST(SortColumnTest, SetGetErase) {
  SortColumn c;
  EXPECT_EQ(c.bucket_count(), 1u);
  EXPECT_FALSE(c.has(0));
  c.Set(3, 30);
  c.Set(1, 10);
  EXPECT_TRUE(c.has(3));
  EXPECT_EQ(c.key(3), 30u);
  EXPECT_EQ(c.key(1), 10u);
  EXPECT_FALSE(c.has(2));
  c.Set(3, 5);  // moves
  EXPECT_EQ(c.key(3), 5u);
  c.Erase(1);
  c.Erase(1);   // absent: no-op
  c.Erase(99);  // never seen: no-op
  EXPECT_FALSE(c.has(1));
  EXPECT_EQ(RowsOf(c.with_value()), std::vector<Row>{3});
  EXPECT_EQ(RowsOf(c.bucket(0)), std::vector<Row>{3});
}

TEST(SortColumnTest, ValueToNoneAndBackAndRowReuse) {
  SortColumn c(2);
  Model model(8);
  for (Row r = 0; r < 8; ++r) c.Set(r, model[r] = r * 10);
  c.Set(4, std::nullopt);
  model[4].reset();
  c.Set(7, std::nullopt);
  c.Set(7, std::nullopt);  // already none
  model[7].reset();
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(RowsOf(c.Range(0, kMaxKey)), (std::vector<Row>{0, 1, 2, 3, 5, 6}));
  c.Set(4, model[4] = 1);  // back, with another key
  c.Erase(0);              // a deleted contact; its row is reused with a new key
  model[0].reset();
  ASSERT_TRUE(Valid(c, model));
  c.Set(0, model[0] = kMaxKey);
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(RowsOf(c.Range(kMaxKey, kMaxKey)), std::vector<Row>{0});
  EXPECT_EQ(RowsOf(c.Range(1, 1)), std::vector<Row>{4});
}

TEST(SortColumnTest, RangeEdges) {
  SortColumn c;
  c.Set(0, 0);
  c.Set(1, 5);
  c.Set(2, 5);
  c.Set(3, kMaxKey);
  EXPECT_TRUE(c.Range(6, 5).isEmpty());
  EXPECT_TRUE(c.Range(kMaxKey, 0).isEmpty());
  EXPECT_EQ(RowsOf(c.Range(5, 5)), (std::vector<Row>{1, 2}));
  EXPECT_EQ(RowsOf(c.Range(0, 0)), std::vector<Row>{0});
  EXPECT_EQ(RowsOf(c.Range(0, kMaxKey)), (std::vector<Row>{0, 1, 2, 3}));
  EXPECT_EQ(RowsOf(c.Range(1, kMaxKey - 1)), (std::vector<Row>{1, 2}));
  EXPECT_TRUE(c.Range(6, kMaxKey - 1).isEmpty());
}

TEST(SortColumnTest, OneBucketForeverWithoutTarget) {
  SortColumn c;
  for (Row r = 0; r < 5000; ++r) c.Set(r, r % 7 == 0 ? r : kMaxKey - r);
  EXPECT_EQ(c.bucket_count(), 1u);
  c.SetTarget(kOneBucket);
  EXPECT_EQ(c.bucket_count(), 1u);
}

TEST(SortColumnTest, SplitsNearTheMedianAndMergesBack) {
  SortColumn c(16);
  Model model(100);
  for (Row r = 0; r <= 32; ++r) c.Set(r, model[r] = 1000 - r);
  ASSERT_TRUE(Valid(c, model));
  ASSERT_EQ(c.bucket_count(), 2u);  // 33 rows > 2 * 16: split
  EXPECT_EQ(c.bucket(0).cardinality() + c.bucket(1).cardinality(), 33u);
  EXPECT_GE(std::min(c.bucket(0).cardinality(), c.bucket(1).cardinality()), 16u);
  EXPECT_EQ(c.FindBucket(0), 0u);
  EXPECT_EQ(c.FindBucket(kMaxKey), 1u);
  for (Row r = 0; r <= 28; ++r) {
    c.Erase(r);
    model[r].reset();
    ASSERT_TRUE(Valid(c, model));
  }
  EXPECT_EQ(c.bucket_count(), 1u);
}

TEST(SortColumnTest, SingleKeyBucketGrowsWithoutBound) {
  SortColumn c(4);
  Model model(600);
  for (Row r = 0; r < 500; ++r) c.Set(r, model[r] = 1);  // a boolean column: all true
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(c.bucket_count(), 1u);
  for (Row r = 500; r < 503; ++r) {
    c.Set(r, model[r] = 0);  // a few false: split off at once
    ASSERT_TRUE(Valid(c, model));
  }
  EXPECT_EQ(c.bucket_count(), 2u);
  EXPECT_EQ(RowsOf(c.bucket(0)), (std::vector<Row>{500, 501, 502}));
  c.Set(7, model[7] = 2);  // a key moved within the huge bucket's range splits it too
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(c.bucket_count(), 3u);
  EXPECT_EQ(RowsOf(c.Range(2, kMaxKey)), std::vector<Row>{7});
  EXPECT_EQ(c.Range(1, 1).cardinality(), 499u);
}

// A bucket over 2T rows compares an insert with its one key: that key must follow the bucket
// when an empty neighbour takes its rows, and when SetTarget() makes it.
TEST(SortColumnTest, SingleKeyBucketKeepsItsKey) {
  SortColumn c(4);  // splits past 8 rows
  Model model(100);
  const auto set = [&](Row r, std::optional<uint64_t> k) {
    c.Set(r, model[r] = k);
    ASSERT_TRUE(Valid(c, model)) << "row " << r;
  };
  set(0, 10);
  set(1, 10);
  for (Row r = 2; r < 22; ++r) set(r, 20);
  ASSERT_EQ(c.bucket_count(), 2u);  // [0, 20): the 10s; [20, max): 20 rows of 20
  set(0, std::nullopt);
  set(1, std::nullopt);  // the emptied first bucket takes the 20s
  ASSERT_EQ(c.bucket_count(), 1u);
  set(22, 20);  // the same key: no split
  EXPECT_EQ(c.bucket_count(), 1u);
  set(23, 30);  // another key: split off at once
  EXPECT_EQ(c.bucket_count(), 2u);

  c.SetTarget(kOneBucket);
  c.SetTarget(4);  // the 21 rows of 20 get a bucket of their own again
  ASSERT_TRUE(Valid(c, model));
  set(24, 20);
  set(25, 25);
  EXPECT_EQ(RowsOf(c.Range(25, 25)), std::vector<Row>{25});
  EXPECT_EQ(c.Range(20, 20).cardinality(), 22u);
}

TEST(SortColumnTest, SmallBucketBesideSplitMerges) {
  SortColumn c(16);  // splits past 32 rows, merges below 4
  Model model(100);
  const auto set = [&](Row r, uint64_t k) {
    c.Set(r, model[r] = k);
    ASSERT_TRUE(Valid(c, model)) << "row " << r;
  };
  for (Row r = 0; r < 40; ++r) set(r, 100);
  for (Row r = 40; r < 80; ++r) set(r, 300);
  set(80, 200);  // split off the single-key bucket of 100s
  ASSERT_EQ(c.bucket_count(), 3u);
  ASSERT_EQ(c.bucket(1).cardinality(), 1u);  // small, but both neighbours are too big to take it
  for (Row r = 0; r < 8; ++r) {
    c.Erase(r);
    model[r].reset();
    ASSERT_TRUE(Valid(c, model));
  }
  ASSERT_EQ(c.bucket_count(), 3u);              // 1 + 32 rows would exceed 32
  for (Row r = 8; r < 24; ++r) set(r, 50 + r);  // keys move within the bucket
  set(81, 70);  // 33 rows: splits into 16 + 17, and the small bucket joins the 17
  EXPECT_EQ(c.bucket_count(), 3u);
  EXPECT_EQ(c.bucket(1).cardinality(), 18u);
}

TEST(SortColumnTest, SetTargetCutsAtKeyBoundaries) {
  SortColumn c;
  Model model(100);
  for (Row r = 0; r < 34; ++r) c.Set(r, model[r] = r);
  c.SetTarget(16);  // runs of 16, 16 and 2: the 2 join their neighbour
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(c.bucket_count(), 2u);
  for (Row r = 18; r < 60; ++r) c.Set(r, model[r] = 300);
  c.SetTarget(kOneBucket);
  c.SetTarget(16);  // runs of 16, then 2 cut short by a key of 42 rows: the 2 join the 16
  ASSERT_TRUE(Valid(c, model));
  ASSERT_EQ(c.bucket_count(), 2u);
  EXPECT_EQ(c.bucket(0).cardinality(), 18u);
  EXPECT_EQ(c.bucket_low(1), 300u);
}

TEST(SortColumnTest, RangeOverSingleKeyBucket) {
  SortColumn c(1);
  for (Row r = 0; r < 10; ++r) c.Set(r, 5);
  ASSERT_EQ(c.bucket_count(), 1u);  // [0, max): one key, 10 rows
  EXPECT_TRUE(c.Range(0, 4).isEmpty());
  EXPECT_TRUE(c.Range(6, kMaxKey).isEmpty());
  EXPECT_EQ(c.Range(5, 5).cardinality(), 10u);
  EXPECT_EQ(c.Range(0, 5).cardinality(), 10u);
  EXPECT_EQ(c.Range(5, kMaxKey).cardinality(), 10u);
}

TEST(SortColumnTest, SetTargetPreservesContent) {
  std::mt19937_64 rng(7);
  SortColumn c;
  Model model(20000);
  for (Row r = 0; r < model.size(); ++r) {
    if (rng() % 10 == 0) continue;
    const uint64_t k = rng() % 3 == 0 ? 42 : rng() % 5000;  // one heavy key, many duplicates
    c.Set(r, model[r] = k);
  }
  for (size_t t : {size_t{4096}, size_t{16}, size_t{1}, size_t{2}, kOneBucket, size_t{4096}}) {
    c.SetTarget(t);
    ASSERT_TRUE(Valid(c, model)) << "target " << t;
    EXPECT_EQ(c.target(), t);
    EXPECT_EQ(c.Range(0, kMaxKey), c.with_value());
    EXPECT_EQ(c.Range(42, 42), BruteRange(model, 42, 42));
    EXPECT_EQ(c.Range(100, 2000), BruteRange(model, 100, 2000));
  }
  EXPECT_GT(c.bucket_count(), 2u);
  EXPECT_GT(c.MemoryBytes(), model.size() * sizeof(uint64_t));
}

// Key domains for the randomized test.
enum class Keys { kFew, kMedium, kDistinct, kSkewed };

uint64_t RandomKey(Keys domain, std::mt19937_64& rng) {
  static constexpr uint64_t kFew[] = {0, 1, 2, 3, 5, 8, kMaxKey - 1, kMaxKey};
  switch (domain) {
    case Keys::kFew:
      return kFew[rng() % std::size(kFew)];
    case Keys::kMedium:
      return rng() % 300;
    case Keys::kDistinct:
      return rng();
    case Keys::kSkewed:
      return rng() % 10 < 8 ? 1000 : rng() % 2000;
  }
  return 0;
}

class SortColumnRandomTest : public ::testing::TestWithParam<std::tuple<size_t, Keys>> {};

// Grows a column, churns it, then shrinks it, with random Set/Erase; checks the invariants after
// every operation (every few for large columns, and after every split or merge) and Range()
// against brute force.
TEST_P(SortColumnRandomTest, MatchesModel) {
  const size_t target = std::get<0>(GetParam());
  const Keys domain = std::get<1>(GetParam());
  const size_t row_count = target == 4096 ? 16000 : 300;
  const size_t check_every = target == 4096 ? 200 : 1;
  std::mt19937_64 rng(target * 31 + static_cast<int>(domain));
  SortColumn c(target);
  Model model(row_count);
  const auto random_bound = [&]() -> uint64_t {
    switch (rng() % 6) {
      case 0:
        return 0;
      case 1:
        return kMaxKey;
      case 2:
        return RandomKey(domain, rng);
      case 3: {
        const Row r = rng() % row_count;
        return model[r] ? *model[r] + (rng() % 3) - 1 : 7;  // an existing key, or beside it
      }
      default:
        return rng() % 2 ? rng() : rng() % 4000;
    }
  };
  size_t ops = 0;
  size_t ranges = 0;
  size_t max_buckets = 0;
  size_t splits = 0;
  size_t merges = 0;
  for (const int erase_percent : {0, 45, 90}) {  // grow, churn, shrink
    for (size_t step = 0; step < row_count * 2 + 400; ++step, ++ops) {
      const size_t buckets_before = c.bucket_count();
      const Row r = rng() % row_count;
      const int dice = rng() % 100;
      if (dice < erase_percent) {
        if (dice % 2) {
          c.Erase(r);
        } else {
          c.Set(r, std::nullopt);
        }
        model[r].reset();
      } else {
        const uint64_t k = dice % 10 == 0 && model[r] ? *model[r] : RandomKey(domain, rng);
        c.Set(r, k);
        model[r] = k;
      }
      max_buckets = std::max(max_buckets, c.bucket_count());
      splits += c.bucket_count() > buckets_before;
      merges += c.bucket_count() < buckets_before;
      if (ops % check_every == 0 || c.bucket_count() != buckets_before) {
        ASSERT_TRUE(Valid(c, model)) << "after op " << ops;
      }
      if (ops % (check_every * 4) == 0) {
        for (int i = 0; i < 4; ++i, ++ranges) {
          const uint64_t lo = random_bound();
          const uint64_t hi = i == 0 ? lo : random_bound();
          ASSERT_EQ(c.Range(lo, hi), BruteRange(model, lo, hi))
              << "op " << ops << " [" << lo << ", " << hi << "]";
        }
      }
    }
  }
  ASSERT_TRUE(Valid(c, model));
  EXPECT_GT(ranges, 250u);
  if (target == kOneBucket) {
    EXPECT_EQ(max_buckets, 1u);
  }
  if (target <= 16 && (domain == Keys::kMedium || domain == Keys::kDistinct)) {
    EXPECT_GT(max_buckets, 3u);
  }
  for (Row r = 0; r < row_count; ++r) {
    const size_t buckets_before = c.bucket_count();
    c.Erase(r);
    model[r].reset();
    merges += c.bucket_count() < buckets_before;
  }
  ASSERT_TRUE(Valid(c, model));
  EXPECT_EQ(c.bucket_count(), 1u);
  if (target != kOneBucket) {
    EXPECT_GT(splits, 0u);
    EXPECT_GT(merges, 0u);
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::tuple<size_t, Keys>>& info) {
  static constexpr const char* kNames[] = {"Few", "Medium", "Distinct", "Skewed"};
  const size_t t = std::get<0>(info.param);
  return (t == kOneBucket ? std::string("OneBucket") : "Target" + std::to_string(t)) +
         kNames[static_cast<int>(std::get<1>(info.param))];
}

INSTANTIATE_TEST_SUITE_P(TargetsAndKeys, SortColumnRandomTest,
                         ::testing::Combine(::testing::Values(size_t{1}, size_t{2}, size_t{16},
                                                              size_t{4096}, kOneBucket),
                                            ::testing::Values(Keys::kFew, Keys::kMedium,
                                                              Keys::kDistinct, Keys::kSkewed)),
                         ParamName);

// Applies `changes` with SetMany() to `many`, with Set() in turn to `single` and to the model, and
// checks that `many` is valid and holds the same buckets (lows and rows) as `single`.
::testing::AssertionResult SetManyMatchesSetInTurn(const std::vector<SortColumn::Change>& changes,
                                                   SortColumn* many, SortColumn* single,
                                                   Model* model) {
  for (const SortColumn::Change& change : changes) {
    single->Set(change.row, change.key);
    (*model)[change.row] = change.key;
  }
  many->SetMany(changes);
  if (auto valid = Valid(*many, *model); !valid) return valid;
  if (many->bucket_count() != single->bucket_count()) {
    return ::testing::AssertionFailure()
           << many->bucket_count() << " buckets against " << single->bucket_count();
  }
  for (size_t i = 0; i < many->bucket_count(); ++i) {
    if (many->bucket_low(i) != single->bucket_low(i) || many->bucket(i) != single->bucket(i)) {
      return ::testing::AssertionFailure() << "bucket " << i << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

// Applies random batches with SetMany() to one column and with Set() in turn to another, and
// checks after each batch that both hold the same buckets. Batches change random rows, or (with
// `new_rows`) mostly add rows above every row so far, as an import does, which takes SetMany()'s
// append path, between changes of earlier rows. Some changes clear the row's value.
void ExpectSetManyEqualsSetInTurn(bool new_rows) {
  std::mt19937_64 rng(new_rows ? 11 : 7);
  for (const Keys domain : {Keys::kFew, Keys::kMedium, Keys::kDistinct, Keys::kSkewed}) {
    SortColumn many(16), single(16);
    Model model(new_rows ? 20000 : 2000);
    Row next = 0;
    for (int batch = 0; batch < 250; ++batch) {
      std::vector<SortColumn::Change> changes(rng() % 80);
      const Row before = next;  // rows of earlier batches
      for (SortColumn::Change& change : changes) {
        const bool earlier = !new_rows || (before > 0 && rng() % 3 == 0);
        change.row =
            earlier ? static_cast<Row>(rng() % (new_rows ? before : model.size())) : next++;
        if (rng() % 8 != 0) change.key = RandomKey(domain, rng);
      }
      ASSERT_TRUE(SetManyMatchesSetInTurn(changes, &many, &single, &model)) << "batch " << batch;
    }
    EXPECT_GT(many.bucket_count(), 3u);
  }
}

// SetMany() is Set() for each change in turn: batches of every size (a row may repeat within one,
// and lose its value) leave the same buckets as single Sets.
TEST(SortColumnTest, SetManyEqualsSetInTurn) { ExpectSetManyEqualsSetInTurn(/*new_rows=*/false); }

// The same for new rows in ascending order (an import's): batches that split and merge buckets
// part-way leave the same buckets as single Sets, in every key domain.
TEST(SortColumnTest, SetManyOfNewRowsEqualsSetInTurn) {
  ExpectSetManyEqualsSetInTurn(/*new_rows=*/true);
}

// New rows whose keys ascend in runs (an import's created_at: one time per batch, or a few):
// single-key buckets form at the end and are split off by the next key, as with single Sets.
TEST(SortColumnTest, SetManyOfNewRowsWithAscendingRunsEqualsSetInTurn) {
  std::mt19937_64 rng(13);
  SortColumn many(16), single(16);
  Model model(30000);
  Row next = 0;
  uint64_t key = 1;
  for (int batch = 0; batch < 250; ++batch) {
    std::vector<SortColumn::Change> changes(1 + rng() % 100);
    key += 1 + rng() % 3;
    for (SortColumn::Change& change : changes) {
      if (rng() % 40 == 0) ++key;  // now and then a second time within the batch
      change = {next++, key};
    }
    ASSERT_TRUE(SetManyMatchesSetInTurn(changes, &many, &single, &model)) << "batch " << batch;
  }
  EXPECT_GT(many.bucket_count(), 100u);
}

// New rows (above every row the column has) join the column together at the end of SetMany():
// one that repeats in the batch, out of order or losing its value, still ends in one bucket.
TEST(SortColumnTest, SetManyRepeatingNewRows) {
  for (const size_t target : {size_t{1}, kOneBucket}) {
    SortColumn c(target);
    Model model(12);
    const std::vector<SortColumn::Change> first = {{5, 10}, {3, 20}, {5, 30}, {7, 40}, {7, {}}};
    c.SetMany(first);
    model[3] = 20;
    model[5] = 30;
    ASSERT_TRUE(Valid(c, model)) << "target " << target;
    const std::vector<SortColumn::Change> second = {{9, 1}, {8, 2}, {9, 3}, {3, {}}, {11, 4}};
    c.SetMany(second);
    model[9] = 3;
    model[8] = 2;
    model[3].reset();
    model[11] = 4;
    ASSERT_TRUE(Valid(c, model)) << "target " << target;
    EXPECT_EQ(c.Range(0, kMaxKey).cardinality(), 4u);
  }
}

// Asserts that keys are non-decreasing, and increasing where `strict` says so.
template <typename T, typename F>
void ExpectOrdered(const std::vector<T>& values, F key_of, const std::vector<bool>& strict) {
  for (size_t i = 1; i < values.size(); ++i) {
    if (strict[i - 1]) {
      EXPECT_LT(key_of(values[i - 1]), key_of(values[i])) << "at " << i;
    } else {
      EXPECT_EQ(key_of(values[i - 1]), key_of(values[i])) << "at " << i;
    }
  }
}

TEST(OrderKeyTest, Integers) {
  const std::vector<int64_t> v = {INT64_MIN, INT64_MIN + 1, -1'000'000, -1, 0,
                                  1,         1'000'000,     INT64_MAX};
  ExpectOrdered(
      v, [](int64_t x) { return OrderKey(x); }, std::vector<bool>(v.size(), true));
  EXPECT_EQ(OrderKey(int64_t{INT64_MIN}), 0u);
  EXPECT_EQ(OrderKey(int64_t{INT64_MAX}), kMaxKey);
}

TEST(OrderKeyTest, Doubles) {
  const double inf = std::numeric_limits<double>::infinity();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const std::vector<double> v = {
      -inf,  -1e300, -2.5, -1, -1e-300, -tiny, -0.0, 0.0, tiny, 1e-300, 1, 1.5, 9007199254740993.0,
      1e300, inf};
  std::vector<bool> strict(v.size(), true);
  strict[6] = false;  // -0.0 == 0.0
  ExpectOrdered(
      v, [](double x) { return OrderKey(x); }, strict);
}

TEST(OrderKeyTest, DatesToTheMicrosecond) {
  const std::vector<DateTime> v = {
      {.seconds = INT64_MIN},
      {.seconds = -62'135'596'800},  // year 1
      {.seconds = -86'400, .nanos = 999'999'999},
      {.seconds = -1},
      {.seconds = -1, .nanos = 500'000'000},  // -0.5 s
      {.seconds = 0},
      {.seconds = 0, .nanos = 999},  // sub-microsecond: equal keys
      {.seconds = 0, .nanos = 1'000},
      {.seconds = 0, .nanos = 1'999},
      {.seconds = 1'700'000'000, .offset_minutes = 120},
      {.seconds = INT64_MAX / 1'000'000 - 1, .nanos = 999'999'999},  // saturated from here on
      {.seconds = INT64_MAX, .nanos = 999'999'999},
  };
  const std::vector<bool> strict = {true, true,  true, true, true, false,
                                    true, false, true, true, false};
  ExpectOrdered(
      v, [](const DateTime& t) { return OrderKeyMicros(t); }, strict);
}

TEST(OrderKeyTest, TextByItsFirstEightBytes) {
  const std::vector<std::string> v = {
      "",           "a",        "ab", "abcdefg", "abcdefgh",         "abcdefghz",
      "abcdefghzz", "abcdefgi", "b",  "z",       "\xc3\xa9t\xc3\xa9"};
  // Texts sharing their first 8 bytes tie (callers compare the texts themselves).
  const std::vector<bool> strict = {true, true, true, true, false, false, true, true, true, true};
  ExpectOrdered(
      v, [](const std::string& s) { return OrderKeyText(s); }, strict);
}

TEST(OrderKeyTest, OrderKeyOfEveryKind) {
  EXPECT_EQ(OrderKeyOf(AttrValue{int64_t{5}}), OrderKeyOf(AttrValue{5.0}));
  EXPECT_LT(OrderKeyOf(AttrValue{int64_t{3}}), OrderKeyOf(AttrValue{3.5}));
  EXPECT_LT(OrderKeyOf(AttrValue{3.5}), OrderKeyOf(AttrValue{int64_t{4}}));
  EXPECT_LT(OrderKeyOf(AttrValue{int64_t{-4}}), OrderKeyOf(AttrValue{-3.5}));
  EXPECT_EQ(OrderKeyOf(AttrValue{int64_t{-7}}), OrderKey(-7.0));
  // int64 beyond 2^53 order as doubles: neighbours may tie.
  EXPECT_EQ(OrderKeyOf(AttrValue{int64_t{(int64_t{1} << 53) + 1}}),
            OrderKeyOf(AttrValue{int64_t{1} << 53}));
  EXPECT_EQ(OrderKeyOf(AttrValue{false}), 0u);
  EXPECT_EQ(OrderKeyOf(AttrValue{true}), 1u);
  const DateTime t{.seconds = -5, .nanos = 3'000};
  EXPECT_EQ(OrderKeyOf(AttrValue{t}), OrderKeyMicros(t));
  EXPECT_EQ(OrderKeyOf(AttrValue{std::string("Zed")}, "zed"), OrderKeyText("zed"));
  EXPECT_LT(OrderKeyOf(AttrValue{std::string("A")}, "a"),
            OrderKeyOf(AttrValue{std::string("b")}, "b"));
}

}  // namespace
}  // namespace contactd::search
