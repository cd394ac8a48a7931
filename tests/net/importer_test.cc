// Importer (net/importer.h) over a real Engine on MemoryStorage: batching (size, repeated ids),
// row order of errors across batches, max_errors, generated ids, phone numbers, and a failed
// commit mid-import.
#include "net/importer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/search/search_index.h"
#include "tests/engine/engine_harness.h"

namespace contactd::net {
namespace {

using testing::EngineHarness;

// Rows from a function: make(i, &row) fills row i (1-based) for i <= n.
class FakeSource : public RowSource {
 public:
  FakeSource(uint64_t n, std::function<void(uint64_t, SourceRow*)> make)
      : n_(n), make_(std::move(make)) {}
  bool Next(SourceRow* out) override {
    if (i_ == n_) {
      if (at_end) at_end();
      return false;
    }
    *out = SourceRow{};
    make_(++i_, out);
    return true;
  }
  const std::optional<StreamFailure>& failure() const override { return failure_; }

  std::function<void()> at_end;
  std::optional<StreamFailure> failure_;

 private:
  uint64_t n_;
  uint64_t i_ = 0;
  std::function<void(uint64_t, SourceRow*)> make_;
};

ContactInput Input(const std::string& id, const std::string& email = "") {
  ContactInput in;
  in.external_id.Set(id);
  if (!email.empty()) in.email.Set(email);
  return in;
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.NewChatbot(h_.op(), "bot"); }
  size_t Stored() {
    auto list = h_.engine().ListContacts(h_.op(), "bot", 1, 1);
    return list.ok() ? list->total : 0;
  }

  EngineHarness h_;
};

// Batches are kMaxImportBatch rows (B below); the tests size their sources by it.
constexpr uint64_t B = kMaxImportBatch;

TEST_F(ImporterTest, ManyBatchesWithErrorsInRowOrder) {
  // Every (7/10 B)th row has a bad email (an engine failure), every (9/10 B)th no external_id
  // (caught before the engine): errors interleave across batches and must come out in row order.
  constexpr uint64_t kBad = B * 7 / 10, kNoId = B * 9 / 10, kRows = B * 5 / 2;
  FakeSource source(kRows, [](uint64_t i, SourceRow* row) {
    if (i % kNoId == 0) {
      row->input.email.Set("x" + std::to_string(i) + "@x.io");
    } else {
      row->input =
          Input("u" + std::to_string(i), i % kBad == 0 ? "bad" : "u" + std::to_string(i) + "@x.io");
    }
    row->line = i + 1;
  });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.rows, kRows);
  EXPECT_EQ(r.failed, 3u + 2u);
  EXPECT_EQ(r.created, kRows - 5);
  std::vector<uint64_t> rows;
  for (const RowError& e : r.errors) rows.push_back(e.row);
  EXPECT_EQ(rows, (std::vector<uint64_t>{kBad, kNoId, 2 * kBad, 2 * kNoId, 3 * kBad}));
  EXPECT_EQ(r.errors[1].field, "external_id");
  EXPECT_EQ(r.errors[1].line, kNoId + 1);
  EXPECT_EQ(Stored(), kRows - 5);
}

TEST_F(ImporterTest, RepeatedIdUpdatesLikeSequentialUpserts) {
  FakeSource source(3, [](uint64_t i, SourceRow* row) {
    row->input = Input("same");
    row->input.name.Set("v" + std::to_string(i));
  });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, 1u);
  EXPECT_EQ(importer.report().updated, 2u);
  EXPECT_EQ(importer.report().failed, 0u);
  EXPECT_EQ(h_.All(h_.op(), "bot").at(0).name, "v3");
}

TEST_F(ImporterTest, BatchesInFlightTogetherGiveTheResultOfWritingThemInTurn) {
  // Rows 1-B create u1..uB with e<i>; rows B+1-2B (the next batch) move them to m<i>; rows
  // 2B+1-3B (the batch after) create v1..vB taking the freed e<i>. The last two batches are in
  // flight together: the last must not see an email clash that writing the batches one after the
  // other would not have, nor overtake the updates.
  FakeSource source(3 * B, [](uint64_t i, SourceRow* row) {
    const std::string k = std::to_string((i - 1) % B + 1);
    if (i <= B) {
      row->input = Input("u" + k, "e" + k + "@x.io");
    } else if (i <= 2 * B) {
      row->input = Input("u" + k, "m" + k + "@x.io");
    } else {
      row->input = Input("v" + k, "e" + k + "@x.io");
    }
  });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.failed, 0u) << (r.errors.empty() ? "" : r.errors[0].message);
  EXPECT_EQ(r.created, 2 * B);
  EXPECT_EQ(r.updated, B);
  auto u7 = h_.engine().GetContact(h_.op(), "bot", "u7");
  auto v7 = h_.engine().GetContact(h_.op(), "bot", "v7");
  ASSERT_TRUE(u7.ok() && v7.ok());
  EXPECT_EQ(u7->contact.email, "m7@x.io");
  EXPECT_EQ(v7->contact.email, "e7@x.io");
  EXPECT_LT(u7->contact.id, v7->contact.id);  // ids in file order
}

TEST_F(ImporterTest, MaxErrorsBoundsTheListNotTheCount) {
  FakeSource source(3 * B, [](uint64_t i, SourceRow* row) {
    row->input = Input("u" + std::to_string(i), "bad");
  });
  ImportOptions options;
  options.max_errors = 10;
  Importer importer(h_.engine(), h_.op(), "bot", options);
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().failed, 3 * B);
  EXPECT_EQ(importer.report().errors.size(), 10u);
  EXPECT_TRUE(importer.report().errors_truncated);
  EXPECT_EQ(importer.report().errors.back().row, 10u);
}

TEST_F(ImporterTest, GeneratedIdsAndPhoneNumbers) {
  FakeSource source(3, [](uint64_t i, SourceRow* row) {
    if (i == 1) row->input.phonenumber.Set("020 7946 0001");
    if (i == 2) row->input.phonenumber.Set("not a number");
    if (i == 3) row->input.phonenumber.Set("+1 (415) 555-0100");
  });
  ImportOptions options;
  options.generate_ids = true;
  options.default_country = "GB";
  Importer importer(h_.engine(), h_.op(), "bot", options);
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, 2u);
  ASSERT_EQ(importer.report().errors.size(), 1u);
  EXPECT_EQ(importer.report().errors[0].row, 2u);
  EXPECT_EQ(importer.report().errors[0].field, "phonenumber");
  std::vector<std::string> phones;
  for (const Contact& c : h_.All(h_.op(), "bot")) {
    EXPECT_EQ(c.external_id.size(), 36u);  // a UUID
    phones.push_back(c.phonenumber.value_or(""));
  }
  std::sort(phones.begin(), phones.end());
  EXPECT_EQ(phones, (std::vector<std::string>{"+14155550100", "+442079460001"}));
}

TEST_F(ImporterTest, DryRunWritesNothing) {
  FakeSource source(
      B + B / 2, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  ImportOptions options;
  options.dry_run = true;
  Importer importer(h_.engine(), h_.op(), "bot", options);
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, B + B / 2);
  EXPECT_EQ(Stored(), 0u);
}

TEST_F(ImporterTest, FailedCommitStopsWithEarlierBatchesKept) {
  FakeSource source(
      B + B / 2, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  // Once the first batch is stored (by the import's writer thread: waited for with a deadline far
  // beyond what a loaded machine needs), the next commit (the second batch's) fails.
  source.at_end = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Stored() < B && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    h_.storage().FailNextCommits(1);
  };
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  const auto stop = importer.Run(source);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->http_status, 503);
  EXPECT_EQ(stop->row, B + 1);
  EXPECT_EQ(importer.report().rows, B);
  EXPECT_EQ(importer.report().created, B);
  EXPECT_EQ(Stored(), B);
}

// The chatbot grows past search::kAccelerateAt in its second batch, which indexes every row then;
// the rows of the third are stale, fewer than a write's update waits for. The import indexes them
// at its end.
TEST_F(ImporterTest, LeavesNoRowStaleForSearches) {
  static_assert(B < search::kAccelerateAt && search::kAccelerateAt < 2 * B);
  static_assert(1500 < search::kMaxUnindexed);
  const uint64_t n = 2 * B + 1500;
  FakeSource source(
      n, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, n);
  auto left = h_.engine().CatchUpSearchIndex(h_.op(), "bot");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0u);
  auto found = h_.engine().Search(h_.op(), "bot", [&] {
    search::SearchInput in;
    in.q = "u" + std::to_string(n - 1);
    return in;
  }());
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->total, 1u);
}

TEST_F(ImporterTest, SourceFailureAfterRowsReportsTheNextRow) {
  FakeSource source(
      B + 200, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  source.failure_ = StreamFailure{400, "Malformed CSV at a line past every row: quote not closed"};
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  const auto stop = importer.Run(source);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->http_status, 400);
  EXPECT_EQ(stop->row, B + 201);
  EXPECT_EQ(importer.report().created, B + 200);  // the rows before it are written
  EXPECT_EQ(Stored(), B + 200);
}

}  // namespace
}  // namespace contactd::net
