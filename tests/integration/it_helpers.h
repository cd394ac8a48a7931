// Helpers shared by the black-box tests of the contactd binary (tests/integration/).
//
// TestServer runs one contactd on its own temporary data dir (port 0 on 127.0.0.1); Client sends
// requests with a bearer key; the assertion helpers check the v1 body shapes
// ({"message":"Success","data":...} and {"message":...,"issues":[{"field","message"}...]}).
//
// Tests that document a known server bug start with SKIP_KNOWN_BUG("..."): they are skipped unless
// CONTACTD_IT_RUN_BUGS is set in the environment, so a fix can be checked by running them.
// CONTACTD_TEST_BINARY=<path> runs the suites against another contactd (e.g. a sanitizer build).
//
// Thread-safety: a Client belongs to one thread; everything else is immutable or per test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/strings.h"
#include "tests/support/temp_dir.h"

#define SKIP_KNOWN_BUG(why)                             \
  if (std::getenv("CONTACTD_IT_RUN_BUGS") == nullptr) { \
    GTEST_SKIP() << "BUG: " << why;                     \
  }                                                     \
  static_assert(true, "")

namespace contactd::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;
using IssueList = std::vector<std::pair<std::string, std::string>>;  // (field, message)

// Flags every test server gets: small thread pools, sized for a 2-core CI machine.
inline std::vector<std::string> SmallServerFlags(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--threads", "2", "--write-threads", "4", "--shards", "2"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// One contactd with its own data dir (a "data" directory inside a TempDir).
struct TestServer {
  explicit TestServer(std::vector<std::string> args = SmallServerFlags())
      : process(dir.str() + "/data", std::move(args)) {}
  std::string data_dir() const { return dir.str() + "/data"; }

  TempDir dir;
  ServerProcess process;
};

// Starts a server; returns nullptr (after adding a failure with its output) if it did not start.
inline std::unique_ptr<TestServer> StartServer(std::vector<std::string> args = SmallServerFlags()) {
  auto server = std::make_unique<TestServer>(std::move(args));
  if (!server->process.Start()) {
    ADD_FAILURE() << "contactd did not start:\n" << server->process.output();
    return nullptr;
  }
  if (server->process.operator_key().empty()) {
    ADD_FAILURE() << "contactd printed no operator key:\n" << server->process.output();
  }
  return server;
}

// How long a Client waits for a response: far longer than any request takes, even a batch of
// 1000 contacts written with sync durability by a sanitizer build of contactd on a loaded machine
// (HttpClient's default of 5 s is not). A server that never answers still fails the test.
inline constexpr std::chrono::milliseconds kRequestTimeout{30'000};

// Sends requests with "Authorization: Bearer <key>" (no header when the key is empty).
class Client {
 public:
  Client(uint16_t port, std::string key)
      : http_(std::make_unique<HttpClient>("127.0.0.1", port, kRequestTimeout)),
        key_(std::move(key)) {}

  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = "",
                  Headers extra = {}) {
    Headers headers;
    if (!key_.empty()) headers.emplace_back("Authorization", "Bearer " + key_);
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http_->Request(method, target, body, std::move(headers));
  }
  HttpResult Get(std::string_view target) { return Send("GET", target); }
  HttpResult Delete(std::string_view target) { return Send("DELETE", target); }
  HttpResult Post(std::string_view target, std::string_view body) {
    return Send("POST", target, body, {{"Content-Type", "application/json"}});
  }
  HttpResult Put(std::string_view target, std::string_view body) {
    return Send("PUT", target, body, {{"Content-Type", "application/json"}});
  }
  HttpResult Patch(std::string_view target, std::string_view body) {
    return Send("PATCH", target, body, {{"Content-Type", "application/json"}});
  }
  const std::string& key() const { return key_; }

 private:
  std::unique_ptr<HttpClient> http_;  // a pointer so that a Client can be moved
  std::string key_;
};

inline std::string Describe(const HttpResult& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.body;
}

// A 200 with {"message":"Success","data":...}.
inline ::testing::AssertionResult IsSuccess(const HttpResult& r) {
  Json j(r.body);
  if (r.status != 200 || j["message"].str() != "Success" || !j.has("data")) {
    return ::testing::AssertionFailure() << "expected 200 Success, got " << Describe(r);
  }
  return ::testing::AssertionSuccess();
}

// An error with exactly this status and message, and no members besides message and issues.
inline ::testing::AssertionResult IsError(const HttpResult& r, int status,
                                          std::string_view message) {
  Json j(r.body);
  std::vector<std::string> keys = j.keys();
  const bool shape_ok = !keys.empty() && keys[0] == "message" &&
                        (keys.size() == 1 || (keys.size() == 2 && keys[1] == "issues"));
  if (r.status != status || j["message"].str() != message || !shape_ok) {
    return ::testing::AssertionFailure()
           << "expected " << status << " \"" << message << "\", got " << Describe(r);
  }
  return ::testing::AssertionSuccess();
}

// The issues of an error body, in order ({} when there are none).
inline IssueList Issues(const HttpResult& r) {
  Json j(r.body);
  IssueList out;
  for (size_t i = 0; i < j["issues"].size(); ++i) {
    out.emplace_back(j["issues"][i]["field"].str(), j["issues"][i]["message"].str());
  }
  return out;
}

inline IssueList Sorted(IssueList l) {
  std::sort(l.begin(), l.end());
  return l;
}

// A name no other test in this process uses: prefix + counter.
inline std::string UniqueId(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "_" + std::to_string(++counter);
}

inline int64_t UnixNow() { return static_cast<int64_t>(std::time(nullptr)); }

inline std::string ContactsPath(std::string_view chatbot) {
  return "/api/v1/chatbots/" + std::string(chatbot) + "/contacts";
}
inline std::string ContactPath(std::string_view chatbot, std::string_view external_id) {
  return ContactsPath(chatbot) + "/" + PathEncode(external_id);
}
inline std::string AttributesPath(std::string_view chatbot) {
  return "/api/v1/chatbots/" + std::string(chatbot) + "/custom-attributes";
}

// Creates a chatbot with a fresh id through `admin`; returns the id ("" after a failure).
inline std::string NewChatbot(Client& admin, std::string_view prefix = "bot") {
  const std::string id = UniqueId(prefix);
  HttpResult r = admin.Post("/api/v1/chatbots", "{\"id\":" + Quote(id) + ",\"name\":\"Test bot\"}");
  EXPECT_TRUE(IsSuccess(r));
  return r.status == 200 ? id : "";
}

// Defines a custom attribute; fails the test if that does not succeed.
inline void DefineAttribute(Client& c, std::string_view chatbot, std::string_view name,
                            std::string_view type) {
  HttpResult r = c.Post(AttributesPath(chatbot),
                        "{\"name\":" + Quote(name) + ",\"type\":" + Quote(type) + "}");
  EXPECT_TRUE(IsSuccess(r)) << "defining " << name;
}

// The member names of a contact, in the order the server writes them.
inline const std::vector<std::string>& ContactKeys() {
  static const std::vector<std::string> keys = {"id",
                                                "external_id",
                                                "name",
                                                "email",
                                                "phonenumber",
                                                "stripe_accounts",
                                                "custom_attributes",
                                                "created_at",
                                                "updated_at"};
  return keys;
}

// "contact_<n>" -> n (0 when it is not of that form).
inline int64_t ContactNumber(const std::string& id) {
  constexpr std::string_view kPrefix = "contact_";
  if (id.rfind(kPrefix, 0) != 0 || id.size() == kPrefix.size()) return 0;
  for (size_t i = kPrefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return 0;
  }
  return std::stoll(id.substr(kPrefix.size()));
}

// A test suite sharing one server (started in SetUpTestSuite with Suite::ServerFlags(); one per
// Suite type), with a client holding the operator key (the admin of the default workspace) and a
// fresh chatbot for each test.
template <typename Suite>
class ChatbotSuite : public ::testing::Test {
 protected:
  static std::vector<std::string> ServerFlags() { return SmallServerFlags(); }
  static void SetUpTestSuite() { server_ = StartServer(Suite::ServerFlags()); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    api_ = std::make_unique<Client>(server_->process.port(), server_->process.operator_key());
    bot_ = NewChatbot(*api_);
    ASSERT_FALSE(bot_.empty());
  }

  static uint16_t port() { return server_->process.port(); }
  static const std::string& operator_key() { return server_->process.operator_key(); }

  // POST /contacts with {"users":[items]}.
  HttpResult Upsert(std::string_view items) {
    return api_->Post(ContactsPath(bot_), "{\"users\":[" + std::string(items) + "]}");
  }
  // Upserts and returns `data` (an array), failing the test on an error.
  Json UpsertOk(std::string_view items) {
    HttpResult r = Upsert(items);
    EXPECT_TRUE(IsSuccess(r)) << items;
    return Json(r.body)["data"];
  }
  // GET /contacts/{external_id} and returns `data`, failing the test on an error.
  Json GetOk(std::string_view external_id) {
    HttpResult r = api_->Get(ContactPath(bot_, external_id));
    EXPECT_TRUE(IsSuccess(r)) << external_id;
    return Json(r.body)["data"];
  }
  HttpResult List(std::string_view query) {
    return api_->Get(ContactsPath(bot_) + std::string(query));
  }
  int64_t Total() { return Json(List("").body)["total"].i64(); }

  static inline std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> api_;
  std::string bot_;
};

}  // namespace contactd::testing
