// Helpers for RocksStore tests: a LoadSink that records what Load() streams, as one line per
// entity in arrival order, and raw RocksDB access to a closed data directory (to flush it, corrupt
// it or plant bad entries).
//
// Thread-safety: single-threaded test helpers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "engine/storage.h"
#include "persist/column_families.h"
#include "persist/rocks_store.h"

namespace contactd::persist::testing {

// Records every entity as a line such as "chatbot 1/2 cb_2 'Bot' 17", in arrival order.
class EventSink final : public LoadSink {
 public:
  Status OnCounter(Counter counter, uint64_t value) override;
  Status OnWorkspace(Workspace ws) override;
  Status OnChatbot(ChatbotInfo cb) override;
  Status OnAttribute(WorkspaceNo ws, ChatbotNo chatbot, AttrDef def) override;
  Status OnApiKey(ApiKeyInfo key) override;
  Status OnContact(WorkspaceNo ws, ChatbotNo chatbot, ContactId id,
                   std::string_view record) override;

  std::vector<std::string> events;
};

// Loads `storage` into an EventSink; fails the test when Load() fails.
std::vector<std::string> LoadEvents(Storage* storage);

// Opens a RocksStore; fails the test (and returns null) when Open() fails.
std::unique_ptr<RocksStore> OpenStore(
    const std::string& path, RocksStoreOptions::Durability durability = RocksStoreOptions::kSync);

// The data directory opened directly with RocksDB, with handles indexed by Cf.
class RawDb {
 public:
  explicit RawDb(const std::string& path);
  ~RawDb();

  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Cf cf) { return handles_[static_cast<size_t>(cf)].get(); }
  // Flushes every column family's memtable into SST files.
  void FlushAll();

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;
};

// Files of `dir` whose name contains `part` (e.g. ".sst", "MANIFEST-").
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& part);

}  // namespace contactd::persist::testing
