// No plaintext API key at rest or in the logs (issue 5). contactd stores only a key's SHA-256;
// the plaintext is in the one response that creates it, and the generated operator key is
// printed once, on the first start, in the banner "operator key ..., shown only this once:".
//
// For an operator key given with --admin-key and for a generated one, the test creates every
// kind of key (workspace admin, admin, member, scoped, revoked), uses each, restarts the server,
// uses them again and stops it cleanly (so memtables are flushed to table files). Then it reads
// every file of the data directory, binary-safe, and the server's whole output, looking for each
// key, its secret part (after "oc_live_") and the part not shown in listings (after the 12-char
// prefix), also split in halves. The generated operator key is allowed exactly once in the
// output: on the banner line. A canary string stored as contact data must be found by the same
// search, so the search does see what is stored (compression does not hide it).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

std::string RandomBase62(size_t n) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kAlphabet[rd() % 62]);
  return out;
}

// Every regular file under `dir`, as (path, bytes).
std::vector<std::pair<std::string, std::string>> ReadAll(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out.emplace_back(e.path().string(), bytes.str());
  }
  return out;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// The strings of `key` that must not be stored: the key, its secret and its unlisted part, and
// the halves of that part.
std::vector<std::string> Needles(const std::string& key) {
  const std::string tail = key.substr(12);
  return {key, key.substr(8), tail, tail.substr(0, tail.size() / 2), tail.substr(tail.size() / 2)};
}

struct Keys {
  std::string operator_key;
  std::vector<std::string> others;  // every other key created; the revoked one is last
};

// Creates a workspace (with its admin key), an admin, a member, a scoped and a revoked key, and
// a contact named `canary`.
Keys CreateKeys(Client& op, const std::string& canary) {
  Keys keys{op.key(), {}};
  HttpResult r = op.Post("/api/v1/workspaces", R"({"id":"w1","name":"W1"})");
  EXPECT_TRUE(IsSuccess(r));
  keys.others.push_back(Json(r.body)["data"]["api_key"]["key"].str());
  EXPECT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"bot","name":"Bot"})")));
  for (const char* body : {R"({"name":"a","role":"admin"})", R"({"name":"m"})",
                           R"({"name":"s","chatbot_id":"bot"})", R"({"name":"revoked"})"}) {
    r = op.Post("/api/v1/apikeys", body);
    EXPECT_TRUE(IsSuccess(r)) << body;
    keys.others.push_back(Json(r.body)["data"]["key"].str());
  }
  EXPECT_TRUE(IsSuccess(op.Delete("/api/v1/apikeys/" + Json(r.body)["data"]["id"].str())));
  EXPECT_TRUE(
      IsSuccess(op.Post(ContactsPath("bot"),
                        "{\"users\":[{\"external_id\":\"c\",\"name\":" + Quote(canary) + "}]}")));
  for (const std::string& k : keys.others) EXPECT_EQ(k.size(), 40u) << k;
  return keys;
}

// Uses every key: the live ones succeed, the revoked one gets 401.
void UseKeys(uint16_t port, const Keys& keys) {
  for (size_t i = 0; i < keys.others.size(); ++i) {
    Client c(port, keys.others[i]);
    HttpResult r = c.Get("/api/v1/chatbots");
    if (i + 1 == keys.others.size()) {
      EXPECT_TRUE(IsError(r, 401, "Unauthorized access"));
    } else {
      EXPECT_TRUE(IsSuccess(r)) << "key " << i;
    }
  }
  Client op(port, keys.operator_key);
  EXPECT_TRUE(IsSuccess(op.Get("/api/v1/workspaces")));
}

// Runs the scenario with a generated operator key or one given by --admin-key.
void CheckNoPlaintext(bool generated) {
  SCOPED_TRACE(generated ? "generated operator key" : "operator key given by --admin-key");
  const std::string given = "oc_live_" + RandomBase62(32);
  std::vector<std::string> flags = SmallServerFlags();
  if (!generated) {
    flags.push_back("--admin-key");
    flags.push_back(given);
  }
  TestServer server(flags);
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  if (generated) {
    ASSERT_EQ(server.process.operator_key().size(), 40u) << server.process.output();
  } else {
    EXPECT_EQ(server.process.operator_key(), "") << "a given key is not printed";
  }
  Client op(server.process.port(), generated ? server.process.operator_key() : given);
  const std::string canary = "canary_" + RandomBase62(32);
  const Keys keys = CreateKeys(op, canary);
  UseKeys(server.process.port(), keys);
  ASSERT_EQ(server.process.Stop(), 0);
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  UseKeys(server.process.port(), keys);
  ASSERT_EQ(server.process.Stop(), 0);

  const auto files = ReadAll(server.data_dir());
  ASSERT_FALSE(files.empty());
  size_t bytes = 0, canaries = 0;
  for (const auto& [path, data] : files) {
    bytes += data.size();
    canaries += Count(data, canary);
  }
  EXPECT_GT(canaries, 0u) << "the search does not see stored data (" << files.size() << " files, "
                          << bytes << " bytes)";
  std::vector<std::string> all = keys.others;
  all.push_back(keys.operator_key);
  const std::string output = server.process.output();
  for (const std::string& key : all) {
    const bool banner = generated && key == keys.operator_key;
    for (const std::string& needle : Needles(key)) {
      for (const auto& [path, data] : files) {
        EXPECT_EQ(Count(data, needle), 0u) << "\"" << needle << "\" of " << key << " in " << path;
      }
      EXPECT_EQ(Count(output, needle), banner ? 1u : 0u) << "\"" << needle << "\" in the output";
    }
    if (banner) {
      EXPECT_NE(output.find("shown only this once:\n  " + key + "\n"), std::string::npos) << output;
    }
  }
  std::cout << (generated ? "generated" : "--admin-key") << ": searched " << files.size()
            << " files (" << bytes << " bytes) and " << output.size() << " bytes of output for "
            << all.size() << " keys" << std::endl;
}

TEST(PlaintextKeys, NoneInTheDataDirOrTheLogsWithAGivenOperatorKey) { CheckNoPlaintext(false); }

TEST(PlaintextKeys, NoneInTheDataDirOrTheLogsWithAGeneratedOperatorKey) { CheckNoPlaintext(true); }

}  // namespace
}  // namespace contactd::testing
