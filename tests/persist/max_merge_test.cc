#include "persist/max_merge.h"

#include <gtest/gtest.h>

namespace contactd::persist {
namespace {

// Runs the operator on optional existing value + one operand.
bool MergeOnce(const std::string* existing, const std::string& operand, std::string* out) {
  MaxMergeOperator op;
  const rocksdb::Slice existing_slice = existing ? rocksdb::Slice(*existing) : rocksdb::Slice();
  return op.Merge("c", existing ? &existing_slice : nullptr, operand, out, nullptr);
}

uint64_t Decoded(const std::string& v) {
  uint64_t out = 0;
  EXPECT_TRUE(DecodeCounterValue(v, &out));
  return out;
}

TEST(MaxMergeTest, CounterValueRoundTrips) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{256}, UINT64_MAX}) {
    EXPECT_EQ(EncodeCounterValue(v).size(), 8u);
    EXPECT_EQ(Decoded(EncodeCounterValue(v)), v);
  }
  uint64_t out;
  EXPECT_FALSE(DecodeCounterValue("1234567", &out));
  EXPECT_FALSE(DecodeCounterValue("123456789", &out));
}

TEST(MaxMergeTest, KeepsTheMaximum) {
  std::string out;
  ASSERT_TRUE(MergeOnce(nullptr, EncodeCounterValue(5), &out));
  EXPECT_EQ(Decoded(out), 5u);
  const std::string ten = EncodeCounterValue(10);
  ASSERT_TRUE(MergeOnce(&ten, EncodeCounterValue(3), &out));
  EXPECT_EQ(Decoded(out), 10u);
  ASSERT_TRUE(MergeOnce(&ten, EncodeCounterValue(300), &out));
  EXPECT_EQ(Decoded(out), 300u);  // 300 > 10 although its low byte is smaller
  const std::string big = EncodeCounterValue(UINT64_MAX);
  ASSERT_TRUE(MergeOnce(&big, EncodeCounterValue(1), &out));
  EXPECT_EQ(Decoded(out), UINT64_MAX);
}

TEST(MaxMergeTest, RejectsMalformedOperands) {
  std::string out;
  EXPECT_FALSE(MergeOnce(nullptr, "short", &out));
  const std::string bad = "not eight bytes";
  EXPECT_FALSE(MergeOnce(&bad, EncodeCounterValue(1), &out));
  EXPECT_STREQ(MaxMergeOperator().Name(), "contactd.MaxU64");
}

}  // namespace
}  // namespace contactd::persist
