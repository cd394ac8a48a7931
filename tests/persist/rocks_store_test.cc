// RocksStore against the reference semantics of engine/memory_storage.cc: every mutation is
// applied to both, and after a reopen the RocksStore loads exactly what MemoryStorage does, in
// the same order.
#include "persist/rocks_store.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine/memory_storage.h"
#include "engine/record.h"
#include "tests/persist/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace contactd::persist {
namespace {

using testing::LoadEvents;
using testing::OpenStore;

constexpr uint32_t kMax32 = UINT32_MAX;

std::string Record(ContactId id, const std::string& external_id) {
  Contact c;
  c.id = id;
  c.created_at = 1700000000;
  c.updated_at = 1700000100;
  c.external_id = external_id;
  c.email = external_id + "@example.com";
  c.name = "Zoë " + external_id;
  c.attrs.push_back({1, AttrValue(std::string("gold"))});
  c.attrs.push_back({2, AttrValue(int64_t{-42})});
  return EncodeRecord(c);
}

Mutation::PutWorkspace Ws(WorkspaceNo no) {
  return {{.no = no, .id = "ws_" + std::to_string(no), .name = "Workspace", .created_at = 10}};
}

Mutation::PutChatbot Cb(WorkspaceNo ws, ChatbotNo no) {
  return {{.workspace = ws,
           .no = no,
           .id = "cb_" + std::to_string(no),
           .name = "Bot",
           .created_at = 11}};
}

Mutation::PutApiKey Key(WorkspaceNo ws, KeyNo no, ChatbotNo chatbot = 0) {
  ApiKeyInfo k;
  k.workspace = ws;
  k.no = no;
  k.id = "key_" + std::to_string(no);
  k.name = "deploy";
  k.role = chatbot ? Role::kMember : Role::kAdmin;
  k.chatbot = chatbot;
  k.chatbot_id = chatbot ? "cb_" + std::to_string(chatbot) : "";
  k.prefix = "ck_" + std::to_string(no);
  k.digest.fill(static_cast<uint8_t>(no));
  k.created_at = 12;
  return {k};
}

Mutation::PutAttribute Attr(WorkspaceNo ws, ChatbotNo cb, AttrNo no) {
  return {ws, cb,
          AttrDef{.no = no,
                  .name = "attr" + std::to_string(no),
                  .type = AttrType::kText,
                  .label = "Label",
                  .description = "",
                  .archived = no % 2 == 0,
                  .created_at = 13}};
}

// Records live in `records` so the views inside PutContact stay valid.
struct Contacts {
  std::vector<std::unique_ptr<std::string>> records;
  Mutation::PutContact Put(WorkspaceNo ws, ChatbotNo cb, ContactId id) {
    records.push_back(std::make_unique<std::string>(Record(id, "ext" + std::to_string(id))));
    return {ws, cb, id, *records.back()};
  }
};

// Applies each mutation to a RocksStore and to the reference MemoryStorage, reopens the
// RocksStore, and checks both load the same entities in the same order.
class RocksStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenStore(path_); }

  void Commit(Mutation m) {
    ASSERT_TRUE(reference_.Commit(m).ok());
    const Status s = store_->Commit(m);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Reopen() {
    store_.reset();
    store_ = OpenStore(path_);
    ASSERT_NE(store_, nullptr);
  }
  std::vector<std::string> ReopenAndLoad() {
    Reopen();
    std::vector<std::string> events = LoadEvents(store_.get());
    EXPECT_EQ(events, LoadEvents(&reference_));
    return events;
  }

  contactd::testing::TempDir dir_;
  std::string path_ = dir_.str() + "/data";
  std::unique_ptr<RocksStore> store_;
  MemoryStorage reference_;
  Contacts contacts_;
};

TEST_F(RocksStoreTest, EmptyStoreLoadsNothing) { EXPECT_TRUE(ReopenAndLoad().empty()); }

TEST_F(RocksStoreTest, EveryOpRoundTrips) {
  Commit({{Ws(1), Mutation::RaiseCounter{Counter::kWorkspaceNo, 2}}});
  Commit({{Cb(1, 5), Mutation::RaiseCounter{Counter::kChatbotNo, 6}}});
  Commit({{Attr(1, 5, 1), Attr(1, 5, 2), Attr(1, 5, 300)}});
  Commit({{Key(1, 1), Key(1, 2, 5), Mutation::RaiseCounter{Counter::kKeyNo, 3}}});
  Commit({{contacts_.Put(1, 5, 1), contacts_.Put(1, 5, 2), contacts_.Put(1, 5, 256),
           Mutation::RaiseCounter{Counter::kContactId, 257}}});
  Commit({{Mutation::DeleteContact{1, 5, 2}, Mutation::DeleteApiKey{1, 1}}});
  // A put replaces: the latest definition and record win.
  Mutation::PutAttribute renamed = Attr(1, 5, 1);
  renamed.def.label = "Renamed";
  Commit({{renamed, contacts_.Put(1, 5, 1)}});
  const std::vector<std::string> events = ReopenAndLoad();
  ASSERT_EQ(events.size(), 12u);
  EXPECT_EQ(events[0], "counter 1 = 257");
  EXPECT_EQ(events[4], "workspace 1 ws_1 'Workspace' 10");
}

TEST_F(RocksStoreTest, LoadsInTheDocumentedOrder) {
  // Committed in the reverse of load order, across several workspaces and chatbots.
  Commit({{contacts_.Put(2, 3, 9), contacts_.Put(1, 4, 8), contacts_.Put(1, 2, 7)}});
  Commit({{Key(2, 1), Attr(1, 4, 1), Cb(2, 3), Cb(1, 4), Cb(1, 2), Ws(2), Ws(1)}});
  Commit({{Mutation::RaiseCounter{Counter::kKeyNo, 1}}});
  const std::vector<std::string> events = ReopenAndLoad();
  std::vector<std::string> kinds;
  for (const std::string& e : events) kinds.push_back(e.substr(0, e.find(' ')));
  EXPECT_EQ(kinds, (std::vector<std::string>{"counter", "workspace", "workspace", "chatbot",
                                             "chatbot", "chatbot", "attribute", "apikey", "contact",
                                             "contact", "contact"}));
  EXPECT_EQ(events[8].substr(0, 14), "contact 1/2/7 ");
  EXPECT_EQ(events[10].substr(0, 14), "contact 2/3/9 ");
}

TEST_F(RocksStoreTest, DeleteWorkspaceCascades) {
  for (WorkspaceNo ws : {WorkspaceNo{1}, WorkspaceNo{2}, kMax32 - 1, kMax32}) {
    Commit({{Ws(ws), Cb(ws, 1), Cb(ws, kMax32), Attr(ws, 1, 1), Attr(ws, kMax32, 1), Key(ws, 1),
             Key(ws, kMax32, 1), contacts_.Put(ws, 1, 1), contacts_.Put(ws, kMax32, UINT64_MAX)}});
  }
  Commit({{Mutation::DeleteWorkspace{1}}});
  Commit({{Mutation::DeleteWorkspace{kMax32}}});
  const std::vector<std::string> events = ReopenAndLoad();
  EXPECT_EQ(events.size(), 2u * 9);  // workspaces 2 and kMax32 - 1 untouched
  for (const std::string& e : events) {
    const size_t space = e.find(' ');
    const std::string ws = e.substr(space + 1, e.find_first_of("/ ", space + 1) - space - 1);
    EXPECT_NE(ws, "1") << e;
    EXPECT_NE(ws, std::to_string(kMax32)) << e;
  }
}

TEST_F(RocksStoreTest, DeleteChatbotCascades) {
  Commit({{Ws(1), Cb(1, 1), Cb(1, 2), Attr(1, 1, 1), Attr(1, 2, 1), Key(1, 1, 1), Key(1, 2, 2),
           contacts_.Put(1, 1, 1), contacts_.Put(1, 2, 2), contacts_.Put(1, 1, 3)}});
  Commit({{Mutation::DeleteChatbot{1, 1}}});
  const std::vector<std::string> events = ReopenAndLoad();
  // The workspace, chatbot 2 with its attribute and contact, and both keys (keys are deleted by
  // the engine's own DeleteApiKey ops, not by the cascade).
  EXPECT_EQ(events.size(), 6u);
  for (const std::string& e : events) EXPECT_EQ(e.find(" 1/1/"), std::string::npos) << e;
}

TEST_F(RocksStoreTest, PutAfterDeleteSurvivesTheRangeTombstone) {
  Commit({{Ws(1), Cb(1, 1), Attr(1, 1, 1), contacts_.Put(1, 1, 1)}});
  // Deleted and re-created in one batch, then again across batches.
  Commit({{Mutation::DeleteChatbot{1, 1}, Cb(1, 1), contacts_.Put(1, 1, 2)}});
  Commit({{Mutation::DeleteWorkspace{1}}});
  Commit({{Ws(1), Cb(1, 1), contacts_.Put(1, 1, 3)}});
  const std::vector<std::string> events = ReopenAndLoad();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].substr(0, 14), "contact 1/1/3 ");
}

TEST_F(RocksStoreTest, CountersKeepTheMaximumWhateverTheOrder) {
  Commit({{Mutation::RaiseCounter{Counter::kContactId, 10}}});
  Commit({{Mutation::RaiseCounter{Counter::kContactId, 3}}});
  Commit({{Mutation::RaiseCounter{Counter::kContactId, 256},
           Mutation::RaiseCounter{Counter::kContactId, 7}}});
  Commit({{Mutation::RaiseCounter{Counter::kChatbotNo, 2}}});
  EXPECT_EQ(ReopenAndLoad(), (std::vector<std::string>{"counter 1 = 256", "counter 3 = 2"}));
  // Merges on top of a value that was already persisted before the reopen.
  Commit({{Mutation::RaiseCounter{Counter::kContactId, 255}}});
  Commit({{Mutation::RaiseCounter{Counter::kChatbotNo, 1ull << 40}}});
  EXPECT_EQ(ReopenAndLoad(),
            (std::vector<std::string>{"counter 1 = 256", "counter 3 = 1099511627776"}));
}

TEST_F(RocksStoreTest, CountersSurviveFlushAndCompaction) {
  Commit({{Mutation::RaiseCounter{Counter::kKeyNo, 9}}});
  store_.reset();
  {
    testing::RawDb raw(path_);
    raw.FlushAll();
  }
  store_ = OpenStore(path_);
  Commit({{Mutation::RaiseCounter{Counter::kKeyNo, 4}}});
  store_.reset();
  {
    testing::RawDb raw(path_);
    raw.FlushAll();
    ASSERT_TRUE(
        raw.db()
            ->CompactRange(rocksdb::CompactRangeOptions(), raw.cf(Cf::kMeta), nullptr, nullptr)
            .ok());
  }
  EXPECT_EQ(ReopenAndLoad(), (std::vector<std::string>{"counter 4 = 9"}));
}

TEST_F(RocksStoreTest, ConcurrentCommitsAllLand) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  Commit({{Ws(1), Cb(1, 1)}});
  std::vector<std::string> records(kThreads * kPerThread);
  for (size_t i = 0; i < records.size(); ++i) records[i] = Record(i + 1, "e" + std::to_string(i));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const ContactId id = t * kPerThread + i + 1;
        Mutation m{{Mutation::PutContact{1, 1, id, records[id - 1]},
                    Mutation::RaiseCounter{Counter::kContactId, id + 1}}};
        if (!store_->Commit(m).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Reopen();
  const std::vector<std::string> events = LoadEvents(store_.get());
  ASSERT_EQ(events.size(), 1u + 1 + 1 + records.size());
  EXPECT_EQ(events[0], "counter 1 = " + std::to_string(records.size() + 1));
  EXPECT_EQ(events.back().substr(0, 17), "contact 1/1/1600 ");
}

TEST_F(RocksStoreTest, BufferedModeKeepsCommitsAfterFlush) {
  store_.reset();
  store_ = OpenStore(path_, RocksStoreOptions::kBuffered);
  Commit({{Ws(1), Cb(1, 1), contacts_.Put(1, 1, 1)}});
  Commit({{contacts_.Put(1, 1, 2), Mutation::RaiseCounter{Counter::kContactId, 3}}});
  EXPECT_TRUE(store_->Flush().ok());
  EXPECT_EQ(ReopenAndLoad().size(), 5u);
}

TEST_F(RocksStoreTest, FlushInSyncModeIsHarmless) {
  Commit({{Ws(3)}});
  EXPECT_TRUE(store_->Flush().ok());
  EXPECT_EQ(ReopenAndLoad().size(), 1u);
}

}  // namespace
}  // namespace contactd::persist
