// Engine support for imports and exports (engine/engine.h): ImportContacts (per-item failures,
// uniqueness and its fixpoint, dry runs, merged custom attributes, batches of one import written
// at the same time), ExportContacts (search order, snapshots) and UpdateChatbot's
// default_country.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "engine/search/search_index.h"
#include "tests/engine/engine_harness.h"

namespace contactd {

// Found by argument-dependent lookup (ImportBatchResult is in this namespace).
bool operator==(const ImportBatchResult::Failure& a, const ImportBatchResult::Failure& b) {
  return a.item == b.item && a.issues == b.issues;
}
void PrintTo(const ImportBatchResult::Failure& f, std::ostream* os) {
  *os << "{item " << f.item << ":";
  for (const Issue& i : f.issues) *os << " " << i.field << ": " << i.message << ";";
  *os << "}";
}

namespace {

using testing::Attrs;
using testing::Item;
using testing::WithAttrs;
using Failure = ImportBatchResult::Failure;

class ImportTest : public testing::ChatbotFixture {
 protected:
  Result<ImportBatchResult> Import(std::vector<ContactInput> items, bool dry_run = false) {
    return e().ImportContacts(admin_, "bot", std::move(items), dry_run);
  }
  static ContactInput Merge(ContactInput in) {
    in.merge_custom_attributes = true;
    return in;
  }
};

TEST_F(ImportTest, WritesValidItemsAndReportsEachFailedItemWithAllItsIssues) {
  ASSERT_OK(Upsert({Item("old", "old@acme.com", "Old")}));
  ContactInput bad = Item("bad", "not-an-email");
  bad.phonenumber.Set("12");
  auto r = Import({Item("new", "new@acme.com"), bad, Item("old", std::nullopt, "Renamed"),
                   WithAttrs(Item("typo"), Attrs{{"nope", RawValue::Int(1)}})});
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(r->unchanged, 0u);
  const std::vector<Failure> want = {
      {1,
       {{"email", "Invalid email"},
        {"phonenumber",
         "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) "
         "between"}}},
      {3, {{"custom_attributes.nope", "Unknown custom attribute; define it first"}}}};
  EXPECT_EQ(r->failures, want);
  EXPECT_EQ(Get("new").email, "new@acme.com");
  EXPECT_EQ(Get("old").name, "Renamed");
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "bad"));
  EXPECT_EQ(h_.storage().contact_count(), 2u);

  // The same batch again: the valid items change nothing now.
  auto again = Import({Item("new", "new@acme.com"), Item("old", std::nullopt, "Renamed")});
  ASSERT_OK(again);
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(again->created + again->updated, 0u);
  EXPECT_TRUE(again->failures.empty());
}

TEST_F(ImportTest, MissingExternalIdIsGeneratedAndNullIsAnIssue) {
  ContactInput absent;
  absent.name.Set("No id");
  ContactInput null_id;
  null_id.external_id.SetNull();
  auto r = Import({absent, null_id});
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(r->failures, (std::vector<Failure>{{1, {{"external_id", "Must not be null"}}}}));
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].name, "No id");
  EXPECT_EQ(All()[0].external_id.size(), 36u);  // a UUID
}

TEST_F(ImportTest, RepeatedExternalIdFailsTheLaterItem) {
  auto r =
      Import({Item("u1", std::nullopt, "first"), Item("u2"), Item("u1", std::nullopt, "again")});
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 2u);
  EXPECT_EQ(r->failures,
            (std::vector<Failure>{
                {2, {{"external_id", "Same external_id as an earlier contact in this import"}}}}));
  EXPECT_EQ(Get("u1").name, "first");
}

TEST_F(ImportTest, EmailClashesWithStoredContactsAndEarlierItemsFailOnlyThoseItems) {
  ASSERT_OK(Upsert({Item("s1", "taken@acme.com")}));
  auto r = Import({Item("a", "TAKEN@acme.com"), Item("b", "dup@acme.com"),
                   Item("c", "Dup@Acme.com"), Item("d", "free@acme.com")});
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 2u);
  EXPECT_EQ(r->failures, (std::vector<Failure>{
                             {0, {{"email", "Email already exists"}}},
                             {2, {{"email", "Same email as an earlier contact in this import"}}}}));
  EXPECT_EQ(Get("b").email, "dup@acme.com");
  EXPECT_EQ(Get("d").email, "free@acme.com");
}

// Item 0 takes the email stored contact A gives up in item 1; item 1 fails (its new email is
// B's), so A keeps its email and item 0 must fail too: the check repeats until nothing clashes.
TEST_F(ImportTest, LeavingAnItemOutRechecksTheItemsThatReliedOnIt) {
  ASSERT_OK(Upsert({Item("A", "e1@acme.com"), Item("B", "e2@acme.com")}));
  const size_t commits = h_.storage().commit_count();
  auto r = Import({Item("N", "e1@acme.com"), Item("A", "e2@acme.com"), Item("C", "c@acme.com")});
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(r->updated, 0u);
  EXPECT_EQ(r->failures, (std::vector<Failure>{{0, {{"email", "Email already exists"}}},
                                               {1, {{"email", "Email already exists"}}}}));
  EXPECT_EQ(Get("A").email, "e1@acme.com");
  EXPECT_EQ(Get("B").email, "e2@acme.com");
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "N"));
  EXPECT_EQ(h_.storage().commit_count(), commits + 1);

  // Without the failing move, the hand-on works: B gives e2 up, A takes it, N takes e1.
  auto ok = Import({Item("N", "e1@acme.com"), Item("A", "e2@acme.com"), Item("B", "b@acme.com")});
  ASSERT_OK(ok);
  EXPECT_TRUE(ok->failures.empty());
  EXPECT_EQ(ok->created, 1u);
  EXPECT_EQ(ok->updated, 2u);
  EXPECT_EQ(Get("N").email, "e1@acme.com");
  EXPECT_EQ(Get("A").email, "e2@acme.com");
  h_.Restart();  // what was written loads again (no two contacts share an email)
  EXPECT_EQ(Get("B").email, "b@acme.com");
}

// A contact that keeps its own email wins over a new item that wants it, whatever their order.
TEST_F(ImportTest, StoredOwnerKeepsItsEmailOverANewItem) {
  ASSERT_OK(Upsert({Item("X", "x@acme.com")}));
  auto r = Import({Item("new", "x@acme.com"), Item("X", "X@acme.com", "Renamed")});
  ASSERT_OK(r);
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(r->failures, (std::vector<Failure>{{0, {{"email", "Email already exists"}}}}));
  EXPECT_EQ(Get("X").name, "Renamed");
  EXPECT_EQ(Get("X").email, "X@acme.com");
}

TEST_F(ImportTest, DryRunReportsWhatARealRunWouldAndWritesNothing) {
  ASSERT_OK(
      Upsert({Item("A", "e1@acme.com"), Item("B", "e2@acme.com"), Item("same", "s@acme.com")}));
  const std::vector<Contact> before = All();
  const size_t commits = h_.storage().commit_count();
  auto batch = [] {
    return std::vector<ContactInput>{
        Item("N", "e1@acme.com"),       Item("A", "e2@acme.com"),   Item("new"),
        Item("B", std::nullopt, "Bee"), Item("same", "s@acme.com"), Item("bad", "bad")};
  };
  auto dry = Import(batch(), /*dry_run=*/true);
  ASSERT_OK(dry);
  EXPECT_EQ(h_.storage().commit_count(), commits);
  EXPECT_EQ(All(), before);
  EXPECT_EQ(dry->created, 1u);
  EXPECT_EQ(dry->updated, 1u);
  EXPECT_EQ(dry->unchanged, 1u);
  EXPECT_EQ(dry->failures.size(), 3u);

  auto real = Import(batch());
  ASSERT_OK(real);
  EXPECT_EQ(real->created, dry->created);
  EXPECT_EQ(real->updated, dry->updated);
  EXPECT_EQ(real->unchanged, dry->unchanged);
  EXPECT_EQ(real->failures, dry->failures);
  EXPECT_EQ(h_.storage().commit_count(), commits + 1);
  EXPECT_EQ(Get("B").name, "Bee");
  EXPECT_EQ(All().size(), before.size() + 1);
}

TEST_F(ImportTest, NothingToWriteCommitsNothing) {
  const size_t commits = h_.storage().commit_count();
  auto r = Import({Item("bad", "bad")});
  ASSERT_OK(r);
  EXPECT_EQ(r->failures.size(), 1u);
  auto empty = Import({});
  ASSERT_OK(empty);
  EXPECT_EQ(empty->created + empty->updated + empty->unchanged + empty->failures.size(), 0u);
  EXPECT_EQ(h_.storage().commit_count(), commits);
}

TEST_F(ImportTest, WholeBatchErrorsAreStatuses) {
  EXPECT_NOT_FOUND(e().ImportContacts(admin_, "nope", {Item("u1")}, false));
  std::vector<ContactInput> many(kMaxImportBatch + 1, Item("x"));
  EXPECT_STATUS(Import(many), Code::kInvalidArgument, "Maximum 4000 contacts per batch");
  const size_t commits = h_.storage().commit_count();
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(Import({Item("u1")}).status().code(), Code::kUnavailable);
  EXPECT_EQ(h_.storage().commit_count(), commits);
  EXPECT_TRUE(All().empty());
}

// Past search::kAccelerateAt contacts the chatbot keeps n-gram postings; the rows written after
// that are stale until kMaxUnindexed of them are, or until a catch-up.
TEST_F(ImportTest, CatchUpIndexesTheRowsBatchesLeftStale) {
  ASSERT_OK(Import({Item("first")}));
  EXPECT_EQ(*e().CatchUpSearchIndex(admin_, "bot"), 0u) << "small chatbots keep no postings";
  const size_t n = search::kAccelerateAt + 1500;
  for (size_t begin = 0; begin < n; begin += kMaxBatch) {
    std::vector<ContactInput> items;
    for (size_t i = begin; i < std::min(n, begin + kMaxBatch); ++i) {
      items.push_back(Item("u" + std::to_string(i)));
    }
    ASSERT_OK(Import(std::move(items)));
  }
  // The batch that reached kAccelerateAt indexed every row then; the later batches' rows wait.
  auto caught_up = e().CatchUpSearchIndex(admin_, "bot");
  ASSERT_OK(caught_up);
  EXPECT_GT(*caught_up, 0u);
  EXPECT_LT(*caught_up, search::kMaxUnindexed);
  EXPECT_EQ(*e().CatchUpSearchIndex(admin_, "bot"), 0u) << "nothing left stale";
  search::SearchInput in;
  in.q = "u6499";
  auto found = e().Search(admin_, "bot", in);
  ASSERT_OK(found);
  EXPECT_EQ(found->total, 1u);
  EXPECT_NOT_FOUND(e().CatchUpSearchIndex(admin_, "nope"));
}

TEST_F(ImportTest, MergedCustomAttributesSetAndClearOnlyTheAttributesNamed) {
  ASSERT_OK(Upsert({WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("pro")},
                                                {"ltv", RawValue::Int(5)},
                                                {"vip", RawValue::Bool(true)}})}));
  auto r = Import(
      {Merge(WithAttrs(Item("u1"), Attrs{{"ltv", RawValue::Int(7)}, {"vip", RawValue::Null()}}))});
  ASSERT_OK(r);
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{1, std::string("pro")}, {2, int64_t{7}}}));

  // Without merge the list replaces the stored set (the API's upsert).
  ASSERT_OK(Import({WithAttrs(Item("u1"), Attrs{{"vip", RawValue::Bool(false)}})}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{3, false}}));

  // UpsertContacts honours the flag too; a new contact simply gets the attributes listed.
  ASSERT_OK(Upsert({Merge(WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("basic")}})),
                    Merge(WithAttrs(Item("u2"), Attrs{{"ltv", RawValue::Double(1.5)}}))}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{1, std::string("basic")}, {3, false}}));
  EXPECT_EQ(Get("u2").attrs, (std::vector<AttrEntry>{{2, 1.5}}));
}

TEST_F(ImportTest, MergedArchivedAttributesAcceptOnlyNull) {
  ASSERT_OK(Upsert({WithAttrs(
      Item("u1"), Attrs{{"plan", RawValue::String("pro")}, {"ltv", RawValue::Int(5)}})}));
  AttributeInput archive;
  archive.archived = true;
  ASSERT_OK(e().UpdateAttribute(admin_, "bot", "plan", archive));

  auto r = Import({Merge(WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("basic")}})),
                   Merge(WithAttrs(Item("u1b"), Attrs{{"ltv", RawValue::Int(1)}}))});
  ASSERT_OK(r);
  EXPECT_EQ(
      r->failures,
      (std::vector<Failure>{
          {0, {{"custom_attributes.plan", "Attribute is archived; only null is accepted"}}}}));
  ASSERT_OK(Import({Merge(WithAttrs(Item("u1"), Attrs{{"ltv", RawValue::Int(6)}}))}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{1, std::string("pro")}, {2, int64_t{6}}}));
  ASSERT_OK(Import({Merge(WithAttrs(Item("u1"), Attrs{{"plan", RawValue::Null()}}))}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{2, int64_t{6}}}));
}

// --- Batches of one import written at the same time (engine/import_order.h) ----------------

class ImportOrderTest : public ImportTest {
 protected:
  // Runs batch `seq` of `order` on a thread of its own.
  std::future<Result<ImportBatchResult>> Start(ImportOrder* order, uint64_t seq,
                                               std::vector<ContactInput> items) {
    return Start(ImportOrder::Turn(order, seq), std::move(items));
  }
  // Runs the batch whose place is `turn`.
  std::future<Result<ImportBatchResult>> Start(ImportOrder::Turn turn,
                                               std::vector<ContactInput> items) {
    return std::async(
        std::launch::async, [this, turn = std::move(turn), items = std::move(items)]() mutable {
          return e().ImportContacts(admin_, "bot", std::move(items), false, std::move(turn));
        });
  }
  // Waits up to 20 s for every future; when one is not ready by then (a deadlock), ends the
  // process: its thread cannot be joined, and the test would hang until ctest's timeout.
  template <typename... Futures>
  static void FinishWithin20sOrExit(Futures&... futures) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    if (!((futures.wait_until(deadline) == std::future_status::ready) && ...)) {
      std::fprintf(stderr, "deadlock: the test's writes did not finish in 20 s\n");
      std::_Exit(1);
    }
  }
  // Whether the batch before `turn` passes `p` within 10 s.
  static bool PassesWithin10s(const ImportOrder::Turn& turn, ImportOrder::Point p) {
    const auto patience = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!turn.Passed(p) && std::chrono::steady_clock::now() < patience) {
      std::this_thread::yield();
    }
    return turn.Passed(p);
  }
  // Waits until `n` commits are held by MemoryStorage::HoldCommits.
  void AwaitHeldCommits(size_t n) {
    while (h_.storage().held_commits() < n) std::this_thread::yield();
  }
};

TEST_F(ImportOrderTest, LaterBatchStartedFirstStillLandsAfterTheEarlierOne) {
  ImportOrder order;
  std::vector<ContactInput> first, second;
  for (int i = 0; i < 300; ++i) first.push_back(Item("a" + std::to_string(i)));
  for (int i = 0; i < 300; ++i) second.push_back(Item("b" + std::to_string(i)));
  first.push_back(Item("both", std::nullopt, "from the first batch"));
  second.push_back(Item("both", std::nullopt, "from the second batch"));
  auto later = Start(&order, 1, second);
  auto earlier = Start(&order, 0, first);
  auto r0 = earlier.get();
  auto r1 = later.get();
  ASSERT_OK(r0);
  ASSERT_OK(r1);
  EXPECT_EQ(r0->created, 301u);
  EXPECT_EQ(r1->created, 300u);
  EXPECT_EQ(r1->updated, 1u);
  EXPECT_EQ(Get("both").name, "from the second batch");
  // New contacts get their ids in the order of the batches, and of the items in each.
  EXPECT_LT(Get("a299").id, Get("b0").id);
  EXPECT_EQ(Get("a0").id + 299, Get("a299").id);
}

TEST_F(ImportOrderTest, EmailFreedByAnEarlierBatchInFlightGoesToTheLaterBatch) {
  ASSERT_OK(Upsert({Item("old", "shared@acme.com")}));
  ImportOrder order;
  h_.storage().HoldCommits(true);
  auto earlier = Start(&order, 0, {Item("old", "moved@acme.com")});
  AwaitHeldCommits(1);  // the earlier batch has read "old" and waits to be persisted
  // The later batch reads "old" still holding the email; it must not report a clash that writing
  // the batches one after the other would not have.
  auto later = Start(&order, 1, {Item("new", "shared@acme.com")});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // (either order gives one answer)
  h_.storage().HoldCommits(false);
  ASSERT_OK(earlier.get());
  auto r1 = later.get();
  ASSERT_OK(r1);
  EXPECT_TRUE(r1->failures.empty()) << r1->failures.size() << " failed";
  EXPECT_EQ(r1->created, 1u);
  EXPECT_EQ(Get("new").email, "shared@acme.com");
  EXPECT_EQ(Get("old").email, "moved@acme.com");
}

TEST_F(ImportOrderTest, AFailedBatchFailsEveryLaterBatchWithoutWritingIt) {
  ASSERT_OK(Upsert({Item("kept", "kept@acme.com")}));
  const size_t commits = h_.storage().commit_count();
  ImportOrder order;
  h_.storage().HoldCommits(true);
  h_.storage().FailNextCommits(1);
  auto first = Start(&order, 0, {Item("x1")});
  AwaitHeldCommits(1);
  auto second = Start(&order, 1, {Item("x2")});
  auto third = Start(&order, 2, {Item("x3")});
  h_.storage().HoldCommits(false);
  EXPECT_EQ(first.get().status().code(), Code::kUnavailable);
  EXPECT_EQ(second.get().status().code(), Code::kUnavailable);
  EXPECT_EQ(third.get().status().code(), Code::kUnavailable);
  EXPECT_EQ(h_.storage().commit_count(), commits);
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].external_id, "kept");
}

// Batches that reach their commit while an earlier batch is being persisted commit together,
// once it is: one Mutation for all of them, so one WAL write and sync.
TEST_F(ImportOrderTest, BatchesWaitingToCommitCommitTogetherInOrder) {
  const size_t commits = h_.storage().commit_count();
  ImportOrder order;
  h_.storage().HoldCommits(true);
  auto first = Start(&order, 0, {Item("x1")});
  AwaitHeldCommits(1);
  auto second = Start(&order, 1, {Item("x2"), Item("y2")});
  auto third = Start(&order, 2, {Item("x3")});
  while (order.waiting_to_commit() < 2) std::this_thread::yield();
  h_.storage().HoldCommits(false);
  ASSERT_OK(first.get());
  ASSERT_OK(second.get());
  ASSERT_OK(third.get());
  EXPECT_EQ(h_.storage().commit_count(), commits + 2) << "the first alone, then the other two";
  EXPECT_LT(Get("x1").id, Get("x2").id);
  EXPECT_LT(Get("y2").id, Get("x3").id);
  // What was persisted is what is visible: a restart finds the same contacts.
  const std::vector<Contact> before = All();
  h_.Restart();
  EXPECT_EQ(All(), before);
}

TEST_F(ImportOrderTest, AGroupCommitThatFailsFailsEveryBatchInItAndAfterIt) {
  ASSERT_OK(Upsert({Item("kept")}));
  const size_t commits = h_.storage().commit_count();
  ImportOrder order;
  h_.storage().HoldCommits(true);
  h_.storage().FailNextCommits(1, /*after=*/1);  // the first batch's commit lands; the next fails
  auto first = Start(&order, 0, {Item("x1")});
  AwaitHeldCommits(1);
  auto second = Start(&order, 1, {Item("x2")});
  auto third = Start(&order, 2, {Item("x3")});
  while (order.waiting_to_commit() < 2) std::this_thread::yield();
  h_.storage().HoldCommits(false);
  ASSERT_OK(first.get());
  EXPECT_STATUS(second.get(), Code::kUnavailable, "injected storage failure");
  EXPECT_STATUS(third.get(), Code::kUnavailable, "injected storage failure");
  auto fourth = Start(&order, 3, {Item("x4")});
  EXPECT_STATUS(fourth.get(), Code::kUnavailable,
                "Not written: an earlier batch of this import failed");
  EXPECT_EQ(h_.storage().commit_count(), commits + 1);
  std::vector<std::string> ids;
  for (const Contact& c : All()) ids.push_back(c.external_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"kept", "x1"}));
}

// A later batch waiting for the earlier one to take the schema lock must not hold it shared. If it
// did, an attribute definition would queue behind it for the lock exclusive, and the earlier
// batch would queue behind the definition for the lock shared (engine/shared_mutex.h queues new
// readers behind a waiting writer): none of the three would finish. The sleeps only make that
// interleaving likely; any other interleaving must finish too.
TEST_F(ImportOrderTest, AttributeDefinedWhileALaterBatchWaitsBlocksNothing) {
  ImportOrder order;
  auto later = Start(&order, 1, {Item("b")});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // batch 1 waits for batch 0
  auto define = std::async(std::launch::async, [this] {
    AttributeInput tier;
    tier.name = "tier";
    return e().DefineAttribute(admin_, "bot", tier);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the definition takes its lock
  auto earlier = Start(&order, 0, {Item("a")});
  FinishWithin20sOrExit(earlier, later, define);
  ASSERT_OK(earlier.get());
  ASSERT_OK(later.get());
  ASSERT_OK(define.get());
  EXPECT_LT(Get("a").id, Get("b").id);
}

// A batch takes the schema lock and validates as soon as the batch before it holds the lock, not
// once that batch has read: here while that batch waits for a contact's intent. Holding the lock
// while it waits for that batch deadlocks nothing: an attribute definition that queues behind
// both, and the next batch that queues behind the definition, all finish.
TEST_F(ImportOrderTest, ALaterBatchValidatesWhileTheEarlierOneWaitsForItsIntents) {
  h_.storage().HoldCommits(true);
  auto upsert = std::async(std::launch::async,
                           [this] { return Upsert({Item("a", std::nullopt, "upserted")}); });
  AwaitHeldCommits(1);  // the upsert holds the intent of "a" until its commit lands
  ImportOrder order;
  auto first = Start(&order, 0, {Item("a", std::nullopt, "imported")});
  auto second = Start(&order, 1, {WithAttrs(Item("b"), {{"tier", RawValue::String("gold")}})});
  ImportOrder::Turn third_turn(&order, 2);
  EXPECT_TRUE(PassesWithin10s(third_turn, ImportOrder::Point::kSchemaHeld))
      << "the second batch did not take the schema lock while the first waited";
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  auto define = std::async(std::launch::async, [this] {
    AttributeInput tier;
    tier.name = "tier";
    return e().DefineAttribute(admin_, "bot", tier);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the definition queues
  auto third = Start(std::move(third_turn), {Item("c")});
  h_.storage().HoldCommits(false);
  FinishWithin20sOrExit(upsert, first, second, define, third);
  ASSERT_OK(upsert.get());
  ASSERT_OK(first.get());
  ASSERT_OK(define.get());
  auto r2 = third.get();
  ASSERT_OK(r2);
  EXPECT_EQ(r2->created, 1u);
  // The second batch validated while the first held the lock, before the definition could land.
  auto r1 = second.get();
  ASSERT_OK(r1);
  EXPECT_EQ(r1->failures,
            (std::vector<Failure>{
                {0, {{"custom_attributes.tier", "Unknown custom attribute; define it first"}}}}));
  EXPECT_EQ(Get("a").name, "imported");
}

// A batch reads the stored contacts under the table lock, not the data lock: it reads while
// another write holds the data lock to update the search indexes, and applies only after.
TEST_F(ImportOrderTest, ABatchReadsWhileAnotherWriteUpdatesTheSearchIndexes) {
  ASSERT_OK(Upsert({Item("a", std::nullopt, "stored")}));
  std::shared_ptr<void> hold = e().HoldDataLockForTest(admin_, "bot");
  ASSERT_NE(hold, nullptr);
  ImportOrder order;
  auto batch = Start(&order, 0, {Item("a", std::nullopt, "imported"), Item("b")});
  ImportOrder::Turn next(&order, 1);
  const bool read = PassesWithin10s(next, ImportOrder::Point::kRead);
  EXPECT_TRUE(read) << "the batch did not read while the data lock was held";
  EXPECT_EQ(batch.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "the batch applied while the data lock was held";
  if (read) {                            // (else a get would wait for the lock too)
    EXPECT_EQ(Get("a").name, "stored");  // a get reads the table alone, as the batch did
  }
  hold.reset();
  FinishWithin20sOrExit(batch);
  auto r = batch.get();
  ASSERT_OK(r);
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(Get("a").name, "imported");
}

// --- Export ---------------------------------------------------------------------------------

class ExportTest : public testing::ChatbotFixture {
 protected:
  // 3000 contacts over several seconds (so created_at has runs), with names, emails, plans and
  // ltv values that repeat and are sometimes missing.
  void Fill() {
    const char* plans[] = {"pro", "basic", "free"};
    for (int batch = 0; batch < 3; ++batch) {
      std::vector<ContactInput> items;
      for (int k = 0; k < 1000; ++k) {
        const int i = batch * 1000 + k;
        ContactInput in = Item("u" + std::to_string(i));
        if (i % 7 != 0) in.name.Set("Name " + std::to_string((i * 37) % 211));
        if (i % 3 != 0) in.email.Set("p" + std::to_string(i) + "@acme.com");
        Attrs attrs;
        if (i % 5 != 0) attrs.push_back({"plan", RawValue::String(plans[i % 3])});
        if (i % 4 != 0) attrs.push_back({"ltv", RawValue::Int((i * 13) % 101)});
        items.push_back(WithAttrs(std::move(in), std::move(attrs)));
      }
      ASSERT_OK(Upsert(std::move(items)));
      h_.clock().Advance(1 + batch);
    }
  }

  // Every match of `in`, page after page through Search.
  std::vector<std::string> SearchAll(search::SearchInput in) {
    std::vector<std::string> ids;
    in.per_page = 1000;
    for (;;) {
      auto page = e().Search(admin_, "bot", in);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return ids;
      for (const Contact& c : page->contacts) ids.push_back(c.external_id);
      if (!page->next_cursor) return ids;
      in.cursor = page->next_cursor;
    }
  }

  std::vector<std::string> ExportIds(const search::SearchInput& in) {
    auto snap = e().ExportContacts(admin_, "bot", in);
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    std::vector<std::string> ids;
    if (!snap.ok()) return ids;
    EXPECT_NE(snap->schema, nullptr);
    for (const Record& r : snap->records) ids.emplace_back(r.view().external_id());
    return ids;
  }

  static search::SearchInput Sorted(std::vector<std::pair<std::string, bool>> keys) {
    search::SearchInput in;
    for (auto& [field, desc] : keys) in.sort.push_back({field, desc, "sort"});
    return in;
  }
  static search::FilterInput Condition(std::string field, std::string op, RawValue value) {
    search::FilterInput f;
    f.field = std::move(field);
    f.op = std::move(op);
    f.values.push_back(std::move(value));
    f.value_given = true;
    f.path = "filter";
    return f;
  }
};

TEST_F(ExportTest, OrderEqualsSearchOrderForEverySortAndFilter) {
  Fill();
  std::vector<search::SearchInput> inputs;
  inputs.push_back({});  // created_at descending
  inputs.push_back(Sorted({{"name", false}}));
  inputs.push_back(Sorted({{"custom_attributes.ltv", true}, {"name", false}}));
  inputs.push_back(Sorted({{"email", true}}));
  inputs.push_back(Sorted({{"created_at", false}, {"custom_attributes.plan", true}}));
  search::SearchInput pro = Sorted({{"name", true}});
  pro.filter = Condition("custom_attributes.plan", "=", RawValue::String("pro"));
  inputs.push_back(pro);
  search::SearchInput q;
  q.q = "name 1";
  inputs.push_back(q);
  search::SearchInput none;
  none.filter = Condition("name", "=", RawValue::String("nobody"));
  inputs.push_back(none);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<std::string> want = SearchAll(inputs[i]);
    EXPECT_EQ(ExportIds(inputs[i]), want) << "input " << i;
    if (i == 0) {
      EXPECT_EQ(want.size(), 3000u);
    }
  }
}

TEST_F(ExportTest, SnapshotIsUnaffectedByLaterWrites) {
  ASSERT_OK(Upsert({Item("a", "a@acme.com", "A"), Item("b", "b@acme.com", "B"), Item("c")}));
  auto snap = e().ExportContacts(admin_, "bot", Sorted({{"external_id", false}}));
  ASSERT_OK(snap);
  ASSERT_EQ(snap->records.size(), 3u);
  const std::string a_before(snap->records[0].bytes());

  ASSERT_OK(e().UpdateContact(admin_, "bot", "a", Item("a", std::nullopt, "Changed")));
  ASSERT_OK(e().DeleteContact(admin_, "bot", "b"));
  ASSERT_OK(Upsert({Item("d")}));
  h_.Define(admin_, "bot", "later", "text");

  EXPECT_EQ(snap->records[0].bytes(), a_before);
  EXPECT_EQ(*DecodeRecord(snap->records[0].bytes())->name, "A");
  EXPECT_EQ(snap->records[1].view().external_id(), "b");  // deleted since, still readable
  EXPECT_EQ(snap->records[1].use_count(), 1u);            // only the snapshot holds it now
  EXPECT_EQ(snap->records[2].use_count(), 2u);            // "c": shared with the table
  EXPECT_EQ(snap->schema->defs().size(), 4u);
  EXPECT_EQ(Get("a").name, "Changed");
}

TEST_F(ExportTest, PagingFieldsAndBadQueriesAreRejected) {
  search::SearchInput in = Sorted({{"nope", false}});
  in.page = 2;
  in.per_page = 10;
  in.cursor = "abc";
  auto r = e().ExportContacts(admin_, "bot", in);
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  const char* kNoPaging = "An export has no pages; remove this parameter";
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"page", kNoPaging},
                                                     {"per_page", kNoPaging},
                                                     {"cursor", kNoPaging},
                                                     {"sort.field", "Unknown field 'nope'"},
                                                     {"cursor", "Use either page or cursor"}}));
  EXPECT_NOT_FOUND(e().ExportContacts(admin_, "nope", {}));
}

// --- default_country ------------------------------------------------------------------------

class ChatbotCountryTest : public testing::ChatbotFixture {};

TEST_F(ChatbotCountryTest, CreateAndUpdateSetTheDefaultCountry) {
  ChatbotInput create{"uk", "UK bot", {}};
  create.default_country.Set("gb");
  auto cb = e().CreateChatbot(admin_, create);
  ASSERT_OK(cb);
  EXPECT_EQ(cb->default_country, "GB");
  EXPECT_EQ(e().GetChatbot(admin_, "bot")->default_country, "");

  ChatbotInput change;
  change.default_country.Set("de");
  auto updated = e().UpdateChatbot(admin_, "bot", change);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->default_country, "DE");
  EXPECT_EQ(updated->name, "bot name");
  EXPECT_EQ(e().GetChatbot(admin_, "bot")->default_country, "DE");

  ChatbotInput rename;
  rename.name = "Renamed";
  ASSERT_OK(e().UpdateChatbot(admin_, "bot", rename));
  auto got = e().GetChatbot(admin_, "bot");
  EXPECT_EQ(got->name, "Renamed");
  EXPECT_EQ(got->default_country, "DE");  // absent: unchanged
  bool listed = false;
  auto all = e().ListChatbots(admin_);
  ASSERT_OK(all);
  for (const ChatbotInfo& info : *all) {
    if (info.id == "bot") {
      listed = true;
      EXPECT_EQ(info.name, "Renamed");
      EXPECT_EQ(info.default_country, "DE");
    }
  }
  EXPECT_TRUE(listed);

  ChatbotInput clear;
  clear.default_country.SetNull();
  ASSERT_OK(e().UpdateChatbot(admin_, "bot", clear));
  EXPECT_EQ(e().GetChatbot(admin_, "bot")->default_country, "");

  h_.Restart();
  EXPECT_EQ(e().GetChatbot(admin_, "uk")->default_country, "GB");
  EXPECT_EQ(e().GetChatbot(admin_, "bot")->name, "Renamed");
}

TEST_F(ChatbotCountryTest, UpdateValidatesItsInput) {
  ChatbotInput bad{"other", "", {}};
  bad.default_country.Set("XX");
  auto r = e().UpdateChatbot(admin_, "bot", bad);
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(
      r.status().issues(),
      (std::vector<Issue>{
          {"id", "Cannot be changed"},
          {"name", "Must not be empty"},
          {"default_country", "Unknown country; use an ISO 3166-1 alpha-2 code such as \"GB\""}}));
  ChatbotInput three;
  three.default_country.Set("GBR");
  EXPECT_EQ(e().UpdateChatbot(admin_, "bot", three).status().code(), Code::kInvalidArgument);
  ChatbotInput create{"x", "X", {}};
  create.default_country.Set("ZZ");
  EXPECT_EQ(e().CreateChatbot(admin_, create).status().code(), Code::kInvalidArgument);
  EXPECT_NOT_FOUND(e().UpdateChatbot(admin_, "nope", ChatbotInput{}));

  const Principal member = h_.Auth(h_.NewKey(admin_, "member"));
  EXPECT_DENIED(e().UpdateChatbot(member, "bot", ChatbotInput{}));

  const size_t commits = h_.storage().commit_count();
  h_.storage().FailNextCommits(1);
  ChatbotInput change;
  change.default_country.Set("FR");
  EXPECT_EQ(e().UpdateChatbot(admin_, "bot", change).status().code(), Code::kUnavailable);
  EXPECT_EQ(e().GetChatbot(admin_, "bot")->default_country, "");
  EXPECT_EQ(h_.storage().commit_count(), commits);
}

}  // namespace
}  // namespace contactd
