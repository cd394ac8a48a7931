#include "tests/persist/store_test_util.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace contactd::persist::testing {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string Pair(uint64_t a, uint64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

}  // namespace

Status EventSink::OnCounter(Counter counter, uint64_t value) {
  events.push_back("counter " + std::to_string(static_cast<int>(counter)) + " = " +
                   std::to_string(value));
  return {};
}

Status EventSink::OnWorkspace(Workspace ws) {
  events.push_back("workspace " + std::to_string(ws.no) + " " + ws.id + " '" + ws.name + "' " +
                   std::to_string(ws.created_at));
  return {};
}

Status EventSink::OnChatbot(ChatbotInfo cb) {
  events.push_back("chatbot " + Pair(cb.workspace, cb.no) + " " + cb.id + " '" + cb.name + "' " +
                   std::to_string(cb.created_at));
  return {};
}

Status EventSink::OnAttribute(WorkspaceNo ws, ChatbotNo chatbot, AttrDef def) {
  events.push_back("attribute " + Pair(ws, chatbot) + "/" + std::to_string(def.no) + " " +
                   def.name + " type=" + std::to_string(static_cast<int>(def.type)) + " '" +
                   def.label + "' '" + def.description + "' archived=" +
                   std::to_string(def.archived) + " " + std::to_string(def.created_at));
  return {};
}

Status EventSink::OnApiKey(ApiKeyInfo key) {
  const std::string digest(reinterpret_cast<const char*>(key.digest.data()), key.digest.size());
  events.push_back("apikey " + Pair(key.workspace, key.no) + " " + key.id + " '" + key.name +
                   "' role=" + std::to_string(static_cast<int>(key.role)) +
                   " chatbot=" + std::to_string(key.chatbot) + " " + key.chatbot_id + " " +
                   key.prefix + " " + Hex(digest) + " " + std::to_string(key.created_at));
  return {};
}

Status EventSink::OnContact(WorkspaceNo ws, ChatbotNo chatbot, ContactId id,
                            std::string_view record) {
  events.push_back("contact " + Pair(ws, chatbot) + "/" + std::to_string(id) + " " + Hex(record));
  return {};
}

std::vector<std::string> LoadEvents(Storage* storage) {
  EventSink sink;
  const Status s = storage->Load(&sink);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return sink.events;
}

std::unique_ptr<RocksStore> OpenStore(const std::string& path,
                                      RocksStoreOptions::Durability durability) {
  Result<std::unique_ptr<RocksStore>> store =
      RocksStore::Open({.path = path, .durability = durability});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

RawDb::RawDb(const std::string& path) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.allow_concurrent_memtable_write = false;  // as CfDescriptors() requires
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(
      options, path, CfDescriptors(rocksdb::ColumnFamilyOptions()), &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  db_.reset(db);
  for (rocksdb::ColumnFamilyHandle* h : handles) handles_.emplace_back(h);
}

RawDb::~RawDb() {
  handles_.clear();
  if (db_) {
    EXPECT_TRUE(db_->Close().ok());
  }
}

void RawDb::FlushAll() {
  for (auto& h : handles_) EXPECT_TRUE(db_->Flush(rocksdb::FlushOptions(), h.get()).ok());
}

std::vector<std::string> FilesContaining(const std::string& dir, const std::string& part) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().find(part) != std::string::npos) {
      out.push_back(entry.path().string());
    }
  }
  return out;
}

}  // namespace contactd::persist::testing
