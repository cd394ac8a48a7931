// Erasure (GDPR): after a contact or a whole chatbot is deleted and the operator calls
// POST /api/v1/admin/erase, a unique marker from the deleted data is in no file of the data
// directory, and neither is one from a value that an update replaced. A kept contact's marker is
// still found, which shows the search can see data where it is.
//
// The search reads every file as raw bytes, and table files also through RocksDB's SstFileReader:
// the last level is compressed, so raw bytes alone could miss data that is there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>

#include "persist/max_merge.h"
#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

namespace fs = std::filesystem;

// The entries of a table file, keys and values concatenated ("" if it cannot be read as one).
std::string TableContents(const std::string& path) {
  rocksdb::Options options;
  options.merge_operator = std::make_shared<persist::MaxMergeOperator>();
  rocksdb::SstFileReader reader(options);
  if (!reader.Open(path).ok()) return {};
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
  std::string out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.append(it->key().data(), it->key().size());
    out.append(it->value().data(), it->value().size());
  }
  return out;
}

// The files of `dir` (recursively) that hold `marker`, as raw bytes or as table entries.
std::vector<std::string> FilesHolding(const std::string& dir, const std::string& marker) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool in_table =
        entry.path().extension() == ".sst" && TableContents(path).find(marker) != std::string::npos;
    if (bytes.find(marker) != std::string::npos || in_table) found.push_back(path);
  }
  return found;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "\n  " + s;
  return out;
}

// A contact whose name, email, custom attribute and stripe account all carry `marker`.
std::string MarkedContact(const std::string& external_id, const std::string& marker) {
  return "{\"external_id\":" + Quote(external_id) + ",\"name\":" + Quote("Name " + marker) +
         ",\"email\":" + Quote(marker + "@example.com") +
         ",\"custom_attributes\":{\"note\":" + Quote(marker) +
         "},\"stripe_accounts\":[{\"label\":\"main\",\"stripe_id\":" + Quote("cus_" + marker) +
         "}]}";
}

// Upserts `contacts` (JSON objects) plus `filler` plain contacts into `chatbot`.
void Upsert(Client& c, const std::string& chatbot, std::vector<std::string> contacts, int filler) {
  for (int i = 0; i < filler; ++i) {
    contacts.push_back("{\"external_id\":\"filler-" + std::to_string(i) + "\",\"name\":\"Filler " +
                       std::to_string(i) + "\"}");
  }
  for (size_t from = 0; from < contacts.size(); from += 1000) {
    std::string body = "{\"users\":[";
    for (size_t i = from; i < std::min(contacts.size(), from + 1000); ++i) {
      if (i > from) body += ',';
      body += contacts[i];
    }
    body += "]}";
    ASSERT_TRUE(IsSuccess(c.Post(ContactsPath(chatbot), body)));
  }
}

TEST(Erasure, DeletedContactsChatbotsAndReplacedValuesLeaveNoTraceOnDisk) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  Client op(server->process.port(), server->process.operator_key());
  const std::string kept_bot = NewChatbot(op, "kept");
  const std::string doomed_bot = NewChatbot(op, "doomed");
  for (const std::string& bot : {kept_bot, doomed_bot}) DefineAttribute(op, bot, "note", "text");

  const std::string deleted = UniqueId("ERASED-CONTACT-");
  const std::string replaced = UniqueId("REPLACED-VALUE-");
  const std::string in_chatbot = UniqueId("ERASED-CHATBOT-");
  const std::string kept = UniqueId("KEPT-CONTACT-");
  Upsert(op, kept_bot,
         {MarkedContact("gone", deleted), MarkedContact("changed", replaced),
          MarkedContact("kept", kept)},
         3000);
  Upsert(op, doomed_bot, {MarkedContact("in-doomed", in_chatbot)}, 500);

  // Every marker is on disk now. The directory is read while the server is stopped: a running
  // server's background flushes and compactions move data between files, so a scan could miss a
  // marker that was in a file it had already passed and is now in one it reads half-written.
  ASSERT_EQ(server->process.Stop(), 0);
  for (const std::string& m : {deleted, replaced, in_chatbot, kept}) {
    EXPECT_FALSE(FilesHolding(server->data_dir(), m).empty()) << m << " not on disk";
  }
  ASSERT_TRUE(server->process.Start()) << server->process.output();
  op = Client(server->process.port(), op.key());

  ASSERT_TRUE(IsSuccess(op.Delete(ContactPath(kept_bot, "gone"))));
  const std::string other = UniqueId("other-") + "@example.com";
  ASSERT_TRUE(IsSuccess(
      op.Patch(ContactPath(kept_bot, "changed"), "{\"name\":\"Renamed\",\"email\":" + Quote(other) +
                                                     ",\"custom_attributes\":{\"note\":\"new\"},"
                                                     "\"stripe_accounts\":[]}")));
  ASSERT_TRUE(IsSuccess(op.Delete("/api/v1/chatbots/" + doomed_bot)));

  // Deleting alone is not erasing: the files still hold the data (a delete only adds a tombstone).
  ASSERT_EQ(server->process.Stop(), 0);
  for (const std::string& m : {deleted, replaced, in_chatbot}) {
    EXPECT_FALSE(FilesHolding(server->data_dir(), m).empty()) << m << " gone without erasure";
  }
  ASSERT_TRUE(server->process.Start()) << server->process.output();
  op = Client(server->process.port(), op.key());

  const HttpResult erased = op.Post("/api/v1/admin/erase", "");
  ASSERT_TRUE(IsSuccess(erased));
  EXPECT_TRUE(Json(erased.body)["data"]["erased"].boolean()) << erased.body;

  // Gone from every file as soon as the erasure is acknowledged, with the server still running.
  for (const std::string& m : {deleted, replaced, in_chatbot}) {
    EXPECT_EQ(Joined(FilesHolding(server->data_dir(), m)), "") << m << " survived erasure";
  }
  // The data that was kept is intact, on disk, in memory and after a restart; the erased stays
  // erased.
  ASSERT_EQ(server->process.Stop(), 0);
  EXPECT_FALSE(FilesHolding(server->data_dir(), kept).empty()) << "the kept contact is gone";
  ASSERT_TRUE(server->process.Start()) << server->process.output();
  Client again(server->process.port(), op.key());
  EXPECT_TRUE(IsSuccess(again.Get(ContactPath(kept_bot, "kept"))));
  EXPECT_TRUE(IsSuccess(again.Get(ContactPath(kept_bot, "filler-2999"))));
  EXPECT_TRUE(IsError(again.Get(ContactPath(kept_bot, "gone")), 404, "Resource not found"));
  Json changed(again.Get(ContactPath(kept_bot, "changed")).body);
  EXPECT_EQ(changed["data"]["email"].str(), other);
  EXPECT_TRUE(IsError(again.Get(ContactsPath(doomed_bot)), 404, "Resource not found"));
  for (const std::string& m : {deleted, replaced, in_chatbot}) {
    EXPECT_EQ(Joined(FilesHolding(server->data_dir(), m)), "") << m << " came back after restart";
  }
}

TEST(Erasure, OnlyTheOperatorMayErase) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  Client op(server->process.port(), server->process.operator_key());
  const HttpResult created =
      op.Post("/api/v1/workspaces", "{\"id\":\"tenant\",\"name\":\"Tenant\"}");
  ASSERT_TRUE(IsSuccess(created));
  Client tenant_admin(server->process.port(), Json(created.body)["data"]["api_key"]["key"].str());
  EXPECT_TRUE(IsError(tenant_admin.Post("/api/v1/admin/erase", ""), 403, "Forbidden"));
  Client nobody(server->process.port(), "");
  EXPECT_TRUE(IsError(nobody.Post("/api/v1/admin/erase", ""), 401, "Unauthorized access"));
  // Twice in a row: the second finds nothing new to erase and still succeeds.
  EXPECT_TRUE(IsSuccess(op.Post("/api/v1/admin/erase", "")));
  EXPECT_TRUE(IsSuccess(op.Post("/api/v1/admin/erase", "")));
}

}  // namespace
}  // namespace contactd::testing
