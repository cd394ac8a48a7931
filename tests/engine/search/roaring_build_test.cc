#include "engine/search/roaring_build.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace contactd::search {
namespace {

// The same rows added one by one: what BitmapOfSorted() must equal.
roaring::Roaring OneByOne(const std::vector<Row>& rows) {
  roaring::Roaring out;
  for (Row r : rows) out.add(r);
  return out;
}

TEST(RoaringBuildTest, EmptyAndOneRow) {
  EXPECT_TRUE(BitmapOfSorted({}).isEmpty());
  const std::vector<Row> one = {70000};
  EXPECT_EQ(BitmapOfSorted(one), OneByOne(one));
}

// Sparse chunks become arrays, a chunk of more than 4096 rows a bitset; chunks are skipped and
// the last row possible is kept.
TEST(RoaringBuildTest, ArraysAndBitsetsAcrossChunks) {
  std::mt19937 rng(11);
  std::vector<Row> rows;
  for (Row r = 5; r < 65536; r += 1 + rng() % 40) rows.push_back(r);           // chunk 0: sparse
  for (Row r = 3 << 16; r < (4 << 16); r += 1 + rng() % 3) rows.push_back(r);  // chunk 3: dense
  rows.push_back(0xFFFFFFFF);
  const roaring::Roaring built = BitmapOfSorted(rows);
  EXPECT_EQ(built, OneByOne(rows));
  EXPECT_EQ(built.cardinality(), rows.size());
  std::vector<Row> back(built.cardinality());
  built.toUint32Array(back.data());
  EXPECT_EQ(back, rows);
}

TEST(RoaringBuildTest, AppendChunkAfterOthers) {
  roaring::Roaring r = BitmapOfSorted(std::vector<Row>{1, 2, 3});
  const std::vector<Row> chunk = {(2 << 16) + 7, (2 << 16) + 9};
  AppendChunk(&r, 2, chunk);
  EXPECT_EQ(r, OneByOne({1, 2, 3, (2 << 16) + 7, (2 << 16) + 9}));
  r.add(4);  // still a well-formed bitmap to update
  EXPECT_TRUE(r.contains(4));
  EXPECT_EQ(r.cardinality(), 6u);
}

}  // namespace
}  // namespace contactd::search
