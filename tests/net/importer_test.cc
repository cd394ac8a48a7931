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

TEST_F(ImporterTest, ManyBatchesWithErrorsInRowOrder) {
  // Every 700th row has a bad email (an engine failure), every 900th no external_id (caught
  // before the engine): errors interleave across batches and must come out in row order.
  FakeSource source(2500, [](uint64_t i, SourceRow* row) {
    if (i % 900 == 0) {
      row->input.email.Set("x" + std::to_string(i) + "@x.io");
    } else {
      row->input =
          Input("u" + std::to_string(i), i % 700 == 0 ? "bad" : "u" + std::to_string(i) + "@x.io");
    }
    row->line = i + 1;
  });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.rows, 2500u);
  EXPECT_EQ(r.failed, 3u + 2u);  // rows 700, 1400, 2100; rows 900, 1800
  EXPECT_EQ(r.created, 2495u);
  std::vector<uint64_t> rows;
  for (const RowError& e : r.errors) rows.push_back(e.row);
  EXPECT_EQ(rows, (std::vector<uint64_t>{700, 900, 1400, 1800, 2100}));
  EXPECT_EQ(r.errors[1].field, "external_id");
  EXPECT_EQ(r.errors[1].line, 901u);
  EXPECT_EQ(Stored(), 2495u);
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
  // Rows 1-1000 create u1..u1000 with e<i>; rows 1001-2000 (the next batch) move them to m<i>;
  // rows 2001-3000 (the batch after) create v1..v1000 taking the freed e<i>. The last two batches
  // are in flight together: the last must not see an email clash that writing the batches one
  // after the other would not have, nor overtake the updates.
  FakeSource source(3000, [](uint64_t i, SourceRow* row) {
    const std::string k = std::to_string((i - 1) % 1000 + 1);
    if (i <= 1000) {
      row->input = Input("u" + k, "e" + k + "@x.io");
    } else if (i <= 2000) {
      row->input = Input("u" + k, "m" + k + "@x.io");
    } else {
      row->input = Input("v" + k, "e" + k + "@x.io");
    }
  });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  const ImportReport& r = importer.report();
  EXPECT_EQ(r.failed, 0u) << (r.errors.empty() ? "" : r.errors[0].message);
  EXPECT_EQ(r.created, 2000u);
  EXPECT_EQ(r.updated, 1000u);
  auto u7 = h_.engine().GetContact(h_.op(), "bot", "u7");
  auto v7 = h_.engine().GetContact(h_.op(), "bot", "v7");
  ASSERT_TRUE(u7.ok() && v7.ok());
  EXPECT_EQ(u7->contact.email, "m7@x.io");
  EXPECT_EQ(v7->contact.email, "e7@x.io");
  EXPECT_LT(u7->contact.id, v7->contact.id);  // ids in file order
}

TEST_F(ImporterTest, MaxErrorsBoundsTheListNotTheCount) {
  FakeSource source(
      3000, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i), "bad"); });
  ImportOptions options;
  options.max_errors = 10;
  Importer importer(h_.engine(), h_.op(), "bot", options);
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().failed, 3000u);
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
      1500, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  ImportOptions options;
  options.dry_run = true;
  Importer importer(h_.engine(), h_.op(), "bot", options);
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, 1500u);
  EXPECT_EQ(Stored(), 0u);
}

TEST_F(ImporterTest, FailedCommitStopsWithEarlierBatchesKept) {
  FakeSource source(
      1500, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  // Once the first batch is stored (by the import's writer thread: waited for with a deadline far
  // beyond what a loaded machine needs), the next commit (the second batch's) fails.
  source.at_end = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Stored() < 1000 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    h_.storage().FailNextCommits(1);
  };
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  const auto stop = importer.Run(source);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->http_status, 503);
  EXPECT_EQ(stop->row, 1001u);
  EXPECT_EQ(importer.report().rows, 1000u);
  EXPECT_EQ(importer.report().created, 1000u);
  EXPECT_EQ(Stored(), 1000u);
}

// The chatbot grows past search::kAccelerateAt: the rows written after that are stale, fewer than
// a write's update waits for. The import indexes them at its end.
TEST_F(ImporterTest, LeavesNoRowStaleForSearches) {
  const uint64_t n = search::kAccelerateAt + 1500;
  FakeSource source(
      n, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  EXPECT_EQ(importer.Run(source), std::nullopt);
  EXPECT_EQ(importer.report().created, n);
  auto left = h_.engine().CatchUpSearchIndex(h_.op(), "bot");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0u);
  auto found = h_.engine().Search(h_.op(), "bot", [] {
    search::SearchInput in;
    in.q = "u6499";
    return in;
  }());
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->total, 1u);
}

TEST_F(ImporterTest, SourceFailureAfterRowsReportsTheNextRow) {
  FakeSource source(
      1200, [](uint64_t i, SourceRow* row) { row->input = Input("u" + std::to_string(i)); });
  source.failure_ = StreamFailure{400, "Malformed CSV at line 1202: quote not closed"};
  Importer importer(h_.engine(), h_.op(), "bot", ImportOptions{});
  const auto stop = importer.Run(source);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->http_status, 400);
  EXPECT_EQ(stop->row, 1201u);
  EXPECT_EQ(importer.report().created, 1200u);  // the rows before it are written
  EXPECT_EQ(Stored(), 1200u);
}

}  // namespace
}  // namespace contactd::net
