// Black-box durability tests of the contactd binary (README "Durability", "Start-up and
// shutdown"): a clean restart serves byte-identical data; after SIGKILL every acknowledged batch
// is there and every batch is all or nothing (sync and buffered), and deletions stay deleted.
// Damaged and busy data directories are in data_dir_test.cc.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <thread>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// GET bodies that must survive a restart byte for byte: (key, target) -> body.
std::map<std::string, std::string> Snapshot(
    const std::vector<std::pair<Client*, std::string>>& reads) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < reads.size(); ++i) {
    HttpResult r = reads[i].first->Get(reads[i].second);
    EXPECT_TRUE(IsSuccess(r)) << reads[i].second;
    out[std::to_string(i) + " " + reads[i].second] = r.body;
  }
  return out;
}

TEST(Durability, CleanRestartServesIdenticalDataAndKeys) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ServerProcess& process = server->process;
  Client op(process.port(), process.operator_key());
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"shop","name":"Shop"})")));
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"blog","name":"Blög ✓"})")));
  DefineAttribute(op, "shop", "plan", "text");
  DefineAttribute(op, "shop", "ltv", "number");
  DefineAttribute(op, "shop", "vip", "boolean");
  DefineAttribute(op, "shop", "renews", "date");
  DefineAttribute(op, "shop", "legacy", "text");
  ASSERT_TRUE(IsSuccess(op.Post(ContactsPath("shop"), R"({"users":[
      {"external_id":"a b/ü","name":"Zoë 名前","email":"Zoe@Example.com","phonenumber":"+1 415 555 0100",
       "stripe_accounts":[{"label":"main","stripe_id":"cus_1","stripe_email":"b@x.io"}],
       "custom_attributes":{"plan":"pro","ltv":-12.5,"vip":"true","renews":"2026-11-21T10:00:00.5+02:00",
                            "legacy":"old"}},
      {"external_id":"big","custom_attributes":{"ltv":9223372036854775807}},
      {"name":"generated"}]})")));
  HttpResult gone = op.Post(ContactsPath("shop"), R"({"users":[{"external_id":"gone"}]})");
  ASSERT_TRUE(IsSuccess(gone));
  const int64_t gone_number = ContactNumber(Json(gone.body)["data"][0]["id"].str());
  ASSERT_TRUE(IsSuccess(op.Put(AttributesPath("shop") + "/legacy", R"({"archived":true})")));
  ASSERT_TRUE(IsSuccess(op.Patch(ContactPath("shop", "big"), R"({"external_id":"renamed"})")));
  ASSERT_TRUE(IsSuccess(op.Delete(ContactPath("shop", "gone"))));
  HttpResult member_key = op.Post("/api/v1/apikeys", R"({"name":"member"})");
  HttpResult scoped_key = op.Post("/api/v1/apikeys", R"({"name":"scoped","chatbot_id":"blog"})");
  HttpResult revoked_key = op.Post("/api/v1/apikeys", R"({"name":"revoked"})");
  HttpResult workspace = op.Post("/api/v1/workspaces", R"({"id":"other","name":"Other"})");
  ASSERT_TRUE(IsSuccess(revoked_key));
  ASSERT_TRUE(
      IsSuccess(op.Delete("/api/v1/apikeys/" + Json(revoked_key.body)["data"]["id"].str())));
  Client member(process.port(), Json(member_key.body)["data"]["key"].str());
  Client scoped(process.port(), Json(scoped_key.body)["data"]["key"].str());
  Client revoked(process.port(), Json(revoked_key.body)["data"]["key"].str());
  Client other(process.port(), Json(workspace.body)["data"]["api_key"]["key"].str());
  ASSERT_TRUE(IsSuccess(other.Post("/api/v1/chatbots", R"({"id":"shop","name":"Other shop"})")));
  ASSERT_TRUE(IsSuccess(other.Post(
      ContactsPath("shop"), R"({"users":[{"external_id":"o","email":"zoe@example.com"}]})")));
  ASSERT_TRUE(
      IsSuccess(scoped.Post(ContactsPath("blog"), R"({"users":[{"external_id":"reader"}]})")));

  const std::vector<std::pair<Client*, std::string>> reads = {
      {&op, "/api/v1/workspaces"},         {&op, "/api/v1/chatbots"},
      {&op, "/api/v1/chatbots/shop"},      {&op, "/api/v1/apikeys"},
      {&op, ContactsPath("shop")},         {&op, ContactsPath("shop") + "?page=2&per_page=10"},
      {&op, ContactPath("shop", "a b/ü")}, {&op, ContactPath("shop", "renamed")},
      {&op, AttributesPath("shop")},       {&op, ContactsPath("blog")},
      {&member, ContactsPath("shop")},     {&member, "/api/v1/chatbots"},
      {&scoped, "/api/v1/chatbots"},       {&scoped, ContactPath("blog", "reader")},
      {&other, "/api/v1/chatbots"},        {&other, "/api/v1/apikeys"},
      {&other, ContactsPath("shop")},
  };
  const auto before = Snapshot(reads);

  ASSERT_EQ(process.Stop(), 0) << process.output();
  EXPECT_NE(process.output().find("contactd: stopped"), std::string::npos) << process.output();
  ASSERT_TRUE(process.Start()) << process.output();
  EXPECT_NE(process.output().find("loaded 5 contacts in 3 chatbots and 2 workspaces"),
            std::string::npos)
      << process.output();
  for (Client* c : {&op, &member, &scoped, &revoked, &other}) *c = Client(process.port(), c->key());

  EXPECT_EQ(Snapshot(reads), before);
  EXPECT_TRUE(IsError(revoked.Get(ContactsPath("shop")), 401, "Unauthorized access"));
  EXPECT_TRUE(IsError(op.Get(ContactPath("shop", "gone")), 404, "Resource not found"));
  EXPECT_TRUE(IsError(scoped.Get(ContactsPath("shop")), 404, "Resource not found"));
  // Contact ids keep counting: never reused, not even the deleted one's.
  HttpResult fresh = op.Post(ContactsPath("shop"), R"({"users":[{"external_id":"fresh"}]})");
  ASSERT_TRUE(IsSuccess(fresh));
  EXPECT_GT(ContactNumber(Json(fresh.body)["data"][0]["id"].str()), gone_number);
}

// The bytes of every file under `dir`.
std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST(Durability, DeletionsSurviveACrashAndKeysAreNotStoredInPlaintext) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ServerProcess& process = server->process;
  Client op(process.port(), process.operator_key());
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"tmp","name":"Tmp"})")));
  DefineAttribute(op, "tmp", "plan", "text");
  ASSERT_TRUE(IsSuccess(op.Post(ContactsPath("tmp"), R"({"users":[{"external_id":"a",
      "email":"a@x.io","custom_attributes":{"plan":"pro"}},{"external_id":"b"}]})")));
  const std::string scoped =
      Json(op.Post("/api/v1/apikeys", R"({"name":"s","chatbot_id":"tmp"})").body)["data"]["key"]
          .str();
  const std::string member =
      Json(op.Post("/api/v1/apikeys", R"({"name":"m"})").body)["data"]["key"].str();
  HttpResult ws = op.Post("/api/v1/workspaces", R"({"id":"doomed","name":"Doomed"})");
  const std::string ws_admin = Json(ws.body)["data"]["api_key"]["key"].str();
  Client doomed(process.port(), ws_admin);
  ASSERT_TRUE(IsSuccess(doomed.Post("/api/v1/chatbots", R"({"id":"tmp","name":"D"})")));
  ASSERT_TRUE(IsSuccess(doomed.Post(ContactsPath("tmp"), R"({"users":[{"external_id":"d"}]})")));
  // Delete, re-create empty, delete a workspace, then crash.
  ASSERT_TRUE(IsSuccess(op.Delete("/api/v1/chatbots/tmp")));
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"tmp","name":"Tmp again"})")));
  ASSERT_TRUE(IsSuccess(op.Post(ContactsPath("tmp"), R"({"users":[{"external_id":"b2"}]})")));
  ASSERT_TRUE(IsSuccess(op.Delete("/api/v1/workspaces/doomed")));
  process.Kill();

  const std::string bytes = AllBytes(server->data_dir());
  for (const std::string& key : {process.operator_key(), scoped, member, ws_admin}) {
    ASSERT_GE(key.size(), 20u);
    EXPECT_EQ(bytes.find(key), std::string::npos) << "a plaintext key is stored on disk";
    EXPECT_EQ(bytes.find(key.substr(12)), std::string::npos) << "a key's secret part is on disk";
  }

  ASSERT_TRUE(process.Start()) << process.output();
  EXPECT_NE(process.output().find("loaded 1 contacts in 1 chatbots and 1 workspaces"),
            std::string::npos)
      << process.output();
  op = Client(process.port(), op.key());
  HttpResult list = op.Get(ContactsPath("tmp"));
  EXPECT_EQ(Json(list.body)["total"].i64(), 1) << list.body;
  EXPECT_EQ(Json(list.body)["data"][0]["external_id"].str(), "b2");
  EXPECT_EQ(op.Get(AttributesPath("tmp")).body, R"({"message":"Success","data":[]})");
  EXPECT_EQ(Json(op.Get("/api/v1/chatbots/tmp").body)["data"]["name"].str(), "Tmp again");
  EXPECT_TRUE(IsSuccess(op.Post(ContactsPath("tmp"), R"({"users":[{"external_id":"a2",
      "email":"a@x.io"}]})")));
  EXPECT_TRUE(
      IsError(Client(process.port(), scoped).Get(ContactsPath("tmp")), 401, "Unauthorized access"));
  EXPECT_TRUE(IsError(Client(process.port(), ws_admin).Get("/api/v1/chatbots"), 401,
                      "Unauthorized access"));
  EXPECT_EQ(op.Get("/api/v1/workspaces").body.find("doomed"), std::string::npos);
  EXPECT_TRUE(IsSuccess(Client(process.port(), member).Get(ContactsPath("tmp"))));
  // A workspace with the deleted one's id starts empty.
  HttpResult again = op.Post("/api/v1/workspaces", R"({"id":"doomed","name":"Again"})");
  ASSERT_TRUE(IsSuccess(again));
  Client reborn(process.port(), Json(again.body)["data"]["api_key"]["key"].str());
  EXPECT_EQ(reborn.Get("/api/v1/chatbots").body, R"({"message":"Success","data":[]})");
  EXPECT_TRUE(IsError(reborn.Get(ContactsPath("tmp")), 404, "Resource not found"));
}

TEST(Durability, AChatbotDeletedWhileBeingWrittenStaysEmpty) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ServerProcess& process = server->process;
  Client op(process.port(), process.operator_key());
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"busy","name":"Busy"})")));
  constexpr int kWriters = 3;
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0}, after_delete{0}, failed{0};
  std::atomic<bool> deleted{false};
  std::vector<std::atomic<bool>> turned_away(kWriters);  // a write sent after the delete got 404
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      Client c(process.port(), process.operator_key());
      for (int b = 0; !stop; ++b) {
        std::string items;
        for (int i = 0; i < 200; ++i) {
          items += std::string(i ? "," : "") + "{\"external_id\":\"w" + std::to_string(t) + "_" +
                   std::to_string(b) + "_" + std::to_string(i) + "\"}";
        }
        const bool was_deleted = deleted;
        HttpResult r = c.Post(ContactsPath("busy"), "{\"users\":[" + items + "]}");
        if (r.status == 200) {
          ++acked;
          if (was_deleted) ++after_delete;  // acknowledged although the delete had returned
        } else if (IsError(r, 404, "Resource not found")) {
          if (was_deleted) turned_away[t] = true;
        } else {
          ADD_FAILURE() << Describe(r);
          ++failed;
          return;
        }
      }
    });
  }
  // Waited for, not slept over (on a loaded machine a fixed pause may see no write at all): the
  // writers have had batches acknowledged before the delete, and each has then had one turned away.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  auto wait_until = [&](const std::function<bool()>& done) {
    while (!done() && failed == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
  };
  const bool written = wait_until([&] { return acked >= 2 * kWriters; });
  HttpResult deletion;
  if (written) deletion = op.Delete("/api/v1/chatbots/busy");
  const bool delete_ok = IsSuccess(deletion);
  deleted = true;
  const bool all_turned_away =
      delete_ok && wait_until([&] {
        return std::all_of(turned_away.begin(), turned_away.end(),
                           [](const std::atomic<bool>& b) { return b.load(); });
      });
  stop = true;
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(written) << acked.load() << " batches acknowledged before the delete";
  ASSERT_TRUE(IsSuccess(deletion));
  EXPECT_TRUE(all_turned_away) << "a writer sent nothing after the delete";
  EXPECT_EQ(after_delete.load(), 0);
  EXPECT_TRUE(IsError(op.Get(ContactsPath("busy")), 404, "Resource not found"));
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"busy","name":"Again"})")));
  EXPECT_EQ(Json(op.Get(ContactsPath("busy")).body)["total"].i64(), 0);

  process.Kill();
  ASSERT_TRUE(process.Start()) << process.output();
  EXPECT_NE(process.output().find("loaded 0 contacts in 1 chatbots"), std::string::npos)
      << process.output();
  op = Client(process.port(), op.key());
  EXPECT_EQ(Json(op.Get(ContactsPath("busy")).body)["total"].i64(), 0);
}

// ---- Crash test ----

struct Writer {
  std::string chatbot;
  std::atomic<int> acked{
      0};  // batches 0..acked-1 were acknowledged; batch `acked` may be in flight
  std::map<std::string, std::string> acked_contacts;  // external_id -> contact as acknowledged
};

std::string Ext(int batch, int i) { return "b" + std::to_string(batch) + "_" + std::to_string(i); }

// Batch b creates kNew contacts and updates the kNew created by batch b-1 (name and attribute).
constexpr int kNew = 500;
std::string BatchBody(int b) {
  std::string body = "{\"users\":[";
  for (int i = 0; i < kNew; ++i) {
    body += (i ? "," : "") + std::string("{\"external_id\":\"") + Ext(b, i) + "\",\"name\":\"v" +
            std::to_string(b) + "\",\"email\":\"" + Ext(b, i) + "@crash.io\"," +
            "\"custom_attributes\":{\"batch\":" + std::to_string(b) + "}}";
  }
  for (int i = 0; b > 0 && i < kNew; ++i) {
    body += ",{\"external_id\":\"" + Ext(b - 1, i) + "\",\"name\":\"v" + std::to_string(b) +
            "\",\"custom_attributes\":{\"batch\":" + std::to_string(b) + "}}";
  }
  return body + "]}";
}

void Write(uint16_t port, const std::string& key, Writer* w, const std::atomic<bool>* stop) {
  Client c(port, key);
  for (int b = 0; !stop->load(); ++b) {
    HttpResult r = c.Post(ContactsPath(w->chatbot), BatchBody(b));
    if (r.status != 200) return;  // the server is gone: batch b was in flight
    Json data = Json(r.body)["data"];
    for (size_t i = 0; i < data.size(); ++i) {
      w->acked_contacts[data[i]["external_id"].str()] = data[i].dump();
    }
    w->acked = b + 1;
  }
}

// Every contact of a chatbot, by external_id, as listed.
std::map<std::string, std::string> ReadAll(Client& c, const std::string& chatbot) {
  std::map<std::string, std::string> out;
  for (int page = 1;; ++page) {
    HttpResult r = c.Get(ContactsPath(chatbot) + "?per_page=1000&page=" + std::to_string(page));
    EXPECT_TRUE(IsSuccess(r));
    Json data = Json(r.body)["data"];
    for (size_t i = 0; i < data.size(); ++i) out[data[i]["external_id"].str()] = data[i].dump();
    if (data.size() < 1000) return out;
  }
}

// Checks what survived of one writer's batches after a crash.
void CheckWriter(const Writer& w, const std::map<std::string, std::string>& found) {
  const int a = w.acked;
  SCOPED_TRACE(w.chatbot + ": " + std::to_string(a) + " batches acknowledged");
  const bool applied = found.count(Ext(a, 0)) > 0;  // did the in-flight batch `a` land?
  EXPECT_EQ(found.size(), static_cast<size_t>(kNew * (a + (applied ? 1 : 0))));
  for (int i = 0; i < kNew; ++i) {
    // The in-flight batch is all or nothing: its new contacts...
    EXPECT_EQ(found.count(Ext(a, i)), applied ? 1u : 0u) << Ext(a, i);
    if (applied) {
      EXPECT_EQ(Json(found.at(Ext(a, i)))["name"].str(), "v" + std::to_string(a));
    }
    // ... and its updates of the previous batch.
    if (a > 0) {
      auto it = found.find(Ext(a - 1, i));
      ASSERT_NE(it, found.end()) << Ext(a - 1, i);
      if (applied) {
        EXPECT_EQ(Json(it->second)["name"].str(), "v" + std::to_string(a)) << it->second;
        EXPECT_EQ(Json(it->second)["custom_attributes"]["batch"].i64(), a);
      } else {
        EXPECT_EQ(it->second, w.acked_contacts.at(Ext(a - 1, i)));
      }
    }
  }
  // Every contact no in-flight write touched is exactly as acknowledged.
  for (int b = 0; b + 1 < a; ++b) {
    for (int i = 0; i < kNew; ++i) {
      auto it = found.find(Ext(b, i));
      ASSERT_NE(it, found.end()) << Ext(b, i);
      EXPECT_EQ(it->second, w.acked_contacts.at(Ext(b, i)));
    }
  }
}

void CrashTest(const std::string& durability, int writers, std::chrono::milliseconds run_for) {
  auto server = StartServer(SmallServerFlags({"--durability", durability}));
  ASSERT_NE(server, nullptr);
  ServerProcess& process = server->process;
  Client op(process.port(), process.operator_key());
  std::vector<Writer> w(static_cast<size_t>(writers));
  for (Writer& writer : w) {
    writer.chatbot = NewChatbot(op, "crash");
    DefineAttribute(op, writer.chatbot, "batch", "number");
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (Writer& writer : w) {
    threads.emplace_back(Write, process.port(), process.operator_key(), &writer, &stop);
  }
  // Let every writer get a few batches acknowledged, then crash the server mid-stream.
  const auto start = Clock::now();
  auto acked_min = [&] {
    int m = INT32_MAX;
    for (const Writer& writer : w) m = std::min(m, writer.acked.load());
    return m;
  };
  while (Clock::now() - start < std::chrono::seconds(20) &&
         (Clock::now() - start < run_for || acked_min() < 2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process.Kill();
  stop = true;
  for (std::thread& t : threads) t.join();

  ASSERT_TRUE(process.Start()) << process.output();
  op = Client(process.port(), op.key());
  for (const Writer& writer : w) {
    EXPECT_GE(writer.acked, 2) << writer.chatbot;
    CheckWriter(writer, ReadAll(op, writer.chatbot));
  }
}

TEST(Durability, SigkillKeepsEveryAcknowledgedBatchSync) {
  CrashTest("sync", 4, std::chrono::milliseconds(1500));
}

TEST(Durability, SigkillKeepsEveryAcknowledgedBatchBuffered) {
  CrashTest("buffered", 2, std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace contactd::testing
