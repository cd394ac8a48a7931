// The bulk n-gram update a writer takes out of a SearchIndex, builds without the data lock and
// installs again, while other writes go on in between: after every step, FindText() holds exactly
// the rows that are not unindexed() and whose current text contains the query.
#include <map>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "engine/search/search_index.h"
#include "engine/search/text_arena.h"

namespace contactd::search {
namespace {

constexpr std::string_view kLetters = "abcd";
constexpr std::string_view kDigits = "0123";

struct Doc {
  std::string name, digits;
  bool operator==(const Doc&) const = default;
};

class NgramUpdateTest : public ::testing::Test {
 protected:
  // Rows [0, kRows): enough for more than kMaxStaleInline of them to be stale at once.
  static constexpr Row kRows = 3 * kMaxUnindexed;

  std::string Random(std::string_view alphabet, size_t min, size_t max) {
    std::string s(min + rng_() % (max - min + 1), ' ');
    for (char& c : s) c = alphabet[rng_() % alphabet.size()];
    return s;
  }

  void Put(Row row, const Doc& doc) {
    SearchIndex::Entry e;
    e.id = row + 1;
    e.has_name = true;
    e.has_phone = !doc.digits.empty();
    e.text = doc.name + kFieldSeparator + kFieldSeparator + kFieldSeparator + doc.digits;
    index_.Put(row, std::move(e));
    docs_[row] = doc;
  }

  // One write at a random row: a new text (an insert when the row is free), the same text again,
  // an erase, or an erase and the same text back.
  void RandomWrite() {
    const Row row = rng_() % kRows;
    auto it = docs_.find(row);
    const int kind = static_cast<int>(rng_() % 10);
    if (it == docs_.end() || kind < 6)
      return Put(row, {Random(kLetters, 3, 7), Random(kDigits, 0, 5)});
    const Doc doc = it->second;
    if (kind < 8) {
      index_.Erase(row);
      docs_.erase(row);
      if (kind == 7) Put(row, doc);
      return;
    }
    Put(row, doc);
  }

  void ExpectExact(const char* when) {
    SCOPED_TRACE(when);
    for (const auto& [alphabet, space] :
         {std::pair{kLetters, kTextSpace}, std::pair{kDigits, kPhoneSpace}}) {
      std::vector<std::string> queries = {""};
      for (size_t begin = 0, len = 1; len <= 3; ++len) {
        const size_t end = queries.size();
        for (size_t i = begin; i < end; ++i) {
          for (char c : alphabet) queries.push_back(queries[i] + c);
        }
        begin = end;
      }
      for (const std::string& q : queries) {
        if (q.empty()) continue;
        roaring::Roaring expected;
        for (const auto& [row, doc] : docs_) {
          const std::string& text = space == kTextSpace ? doc.name : doc.digits;
          if (!index_.unindexed().contains(row) && text.find(q) != std::string::npos) {
            expected.add(row);
          }
        }
        const NgramIndex::Match got = index_.FindText(q, space);
        ASSERT_TRUE(got.exact);
        ASSERT_TRUE(got.rows == expected) << "query " << q << ": " << got.rows.cardinality()
                                          << " rows, expected " << expected.cardinality();
      }
    }
    roaring::Roaring alive;
    for (const auto& [row, doc] : docs_) alive.add(row);
    ASSERT_TRUE(index_.alive() == alive);
    ASSERT_TRUE((index_.unindexed() - alive).isEmpty());
  }

  std::mt19937 rng_{7};
  SearchIndex index_{/*accelerate_at=*/1};
  std::map<Row, Doc> docs_;
};

TEST_F(NgramUpdateTest, WritesWhileAnUpdateIsOutKeepSearchesExact) {
  for (int round = 0; round < 8; ++round) {
    std::unique_ptr<SearchIndex::NgramUpdate> update;
    while ((update = index_.TakeNgramUpdate()) == nullptr) RandomWrite();
    EXPECT_EQ(index_.TakeNgramUpdate(), nullptr) << "one update out at a time";
    // Writes while it is out, many to its own rows; round 3 writes past kMaxStaleInline, which
    // must not update inline while an update is out.
    const int writes = round == 3 ? static_cast<int>(2 * kMaxStaleInline) : 1500 * (round % 3);
    for (int i = 0; i < writes; ++i) {
      RandomWrite();
      if (i % 700 == 0) {
        ASSERT_NO_FATAL_FAILURE(ExpectExact("while out"));
      }
    }
    if (round != 5) update->Build();  // round 5: the build failed, the update comes back unbuilt
    index_.InstallNgramUpdate(std::move(update));
    ASSERT_NO_FATAL_FAILURE(ExpectExact("installed"));
  }
}

// Rows written and erased before any update indexed them leave nothing stale behind, so the next
// update is due only after kMaxUnindexed more changes.
TEST_F(NgramUpdateTest, RowsErasedBeforeIndexingDoNotStayStale) {
  Row next = 0;
  auto install_all = [&] {  // one update covers every stale row; allow a second, not more
    for (int i = 0; i < 2; ++i) {
      auto update = index_.TakeNgramUpdate();
      if (update == nullptr) return;
      update->Build();
      index_.InstallNgramUpdate(std::move(update));
    }
    ASSERT_EQ(index_.TakeNgramUpdate(), nullptr) << "still due after two updates";
  };
  for (; next < 5000; ++next) Put(next, {Random(kLetters, 3, 7), ""});
  ASSERT_NO_FATAL_FAILURE(install_all());
  for (Row row = next; row < next + 5000; ++row) {
    Put(row, {Random(kLetters, 3, 7), ""});
    index_.Erase(row);
    docs_.erase(row);
  }
  next += 5000;
  ASSERT_NO_FATAL_FAILURE(install_all());
  ASSERT_NO_FATAL_FAILURE(ExpectExact("after the erased rows"));
  for (int i = 0; i < 100; ++i, ++next) {
    Put(next, {Random(kLetters, 3, 7), ""});
    EXPECT_EQ(index_.TakeNgramUpdate(), nullptr) << "after " << i + 1 << " new rows";
  }
}

// A catch-up (min_stale 1) takes every stale row, however few: afterwards none is unindexed and
// searches are exact without checking any row directly.
TEST_F(NgramUpdateTest, CatchUpTakesEveryStaleRowBelowTheThreshold) {
  for (int i = 0; i < 300; ++i) RandomWrite();
  const size_t stale = index_.unindexed().cardinality();
  ASSERT_GT(stale, 0u);
  ASSERT_EQ(index_.TakeNgramUpdate(), nullptr) << "not due yet";
  auto update = index_.TakeNgramUpdate(/*min_stale=*/1);
  ASSERT_NE(update, nullptr);
  EXPECT_GE(update->rows(), stale);  // the unindexed rows, and any erased since indexed
  update->Build();
  index_.InstallNgramUpdate(std::move(update));
  EXPECT_TRUE(index_.unindexed().isEmpty());
  ASSERT_NO_FATAL_FAILURE(ExpectExact("after the catch-up"));
  EXPECT_EQ(index_.TakeNgramUpdate(/*min_stale=*/1), nullptr) << "nothing left stale";
}

TEST_F(NgramUpdateTest, WithoutUpdatesTakenPutUpdatesInline) {
  for (Row row = 0; row < kMaxStaleInline + 10; ++row) Put(row, {Random(kLetters, 3, 7), ""});
  // Past kMaxStaleInline stale rows, Put() built the update itself.
  EXPECT_LT(index_.unindexed().cardinality(), kMaxUnindexed);
  ASSERT_NO_FATAL_FAILURE(ExpectExact("after inline updates"));
  for (int i = 0; i < 5000; ++i) RandomWrite();
  ASSERT_NO_FATAL_FAILURE(ExpectExact("after more writes"));
}

}  // namespace
}  // namespace contactd::search
