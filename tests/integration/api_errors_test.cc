// Black-box tests of the error table (README "Errors", api-contract.md section 4): every status
// and message, request-size limits, malformed HTTP and malformed JSON (never a 5xx).
//
// The suite's server runs with small limits: --max-body 64KiB --max-header 2KiB
// --read-timeout 500ms.
#include <set>
#include <string>
#include <tuple>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class ErrorsApi : public ChatbotSuite<ErrorsApi> {
 public:
  static std::vector<std::string> ServerFlags() {
    return SmallServerFlags(
        {"--max-body", "64KiB", "--max-header", "2KiB", "--read-timeout", "500ms"});
  }

 protected:
  // POST /contacts with exactly `body`.
  HttpResult PostContacts(std::string_view body) { return api_->Post(ContactsPath(bot_), body); }
  // Sends raw bytes on a fresh connection; returns the status line's code and the body. (Every
  // such request is answered with a close: the wait ends then, long before its generous bound.)
  static std::pair<int, std::string> Raw(const std::string& bytes) {
    const std::string reply = RawExchange("127.0.0.1", port(), bytes, kRequestTimeout);
    if (reply.rfind("HTTP/1.1 ", 0) != 0) return {0, reply};
    const size_t body = reply.find("\r\n\r\n");
    return {std::stoi(reply.substr(9, 3)), body == std::string::npos ? "" : reply.substr(body + 4)};
  }
};

TEST_F(ErrorsApi, HealthzNeedsNoKey) {
  HttpClient anonymous("127.0.0.1", port());
  HttpResult r = anonymous.Request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Success","data":"ok"})");
  EXPECT_EQ(r.headers["content-type"].rfind("application/json", 0), 0u)
      << r.headers["content-type"];
}

TEST_F(ErrorsApi, UpsertWithoutAUsersArray) {
  for (const char* body : {"{}", R"({"users":[]})", R"({"contacts":[]})"}) {
    EXPECT_TRUE(IsError(PostContacts(body), 400, "Invalid request data")) << body;
  }
  HttpResult r = PostContacts(R"({"users":{"external_id":"a"}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users", "Expected array, received object"}}));
  r = PostContacts(R"({"users":null})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users", "Expected array, received null"}}));
}

TEST_F(ErrorsApi, MoreThan1000Items) {
  std::string items;
  for (int i = 0; i < 1001; ++i) {
    items +=
        std::string(items.empty() ? "" : ",") + "{\"external_id\":\"e" + std::to_string(i) + "\"}";
  }
  EXPECT_TRUE(IsError(PostContacts("{\"users\":[" + items + "]}"), 400,
                      "Maximum 1000 contacts per request"));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "e0")), 404, "Resource not found"));
}

TEST_F(ErrorsApi, NonObjectBodies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "Expected object, received array"},
      {R"("users")", "Expected object, received string"},
      {"42", "Expected object, received number"},
      {"null", "Expected object, received null"},
      {"true", "Expected object, received boolean"},
  };
  for (const auto& [body, issue] : cases) {
    HttpResult r = PostContacts(body);
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << body;
    EXPECT_EQ(Issues(r), (IssueList{{"", issue}})) << body;
    r = api_->Patch(ContactPath(bot_, "x"), body);
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << body;
  }
  HttpResult r = PostContacts("");
  EXPECT_TRUE(IsError(r, 400, "Request body is empty; expected a JSON object"));
  r = PostContacts(R"({"users":[{"external_id":"a","external_id":"b"}]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].external_id", "Duplicate key"}}));
}

TEST_F(ErrorsApi, MalformedJsonIsA400OnEveryEndpointAndNeverA5xx) {
  ASSERT_TRUE(IsSuccess(PostContacts(R"({"users":[{"external_id":"x"}]})")));
  ASSERT_TRUE(IsSuccess(api_->Post(AttributesPath(bot_), R"({"name":"plan"})")));
  std::vector<std::string> bodies = {
      "{",
      R"({"users":[)",
      "not json",
      R"({"users":[{"external_id":"a",}]})",
      R"({"users":[{"external_id":"a"}]}})",
      R"({'users':[]})",
      R"({"users":[{"external_id":"\ud800"}]})",
      R"({"users":[{"external_id":"a\x"}]})",
      "{\"users\":[{\"external_id\":\"a\xff\xfe\"}]}",
      "{\"users\":[{\"name\":\"raw\x01control\"}]}",
      R"({"users":[{"external_id":"a","name":NaN}]})",
      R"({"users":[{"custom_attributes":{"plan":1e999}}]})",
      std::string(5000, '[') + std::string(5000, ']'),
      std::string("\x00\x01\x02", 3),
  };
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"POST", ContactsPath(bot_)},   {"PATCH", ContactPath(bot_, "x")},
      {"POST", AttributesPath(bot_)}, {"PUT", AttributesPath(bot_) + "/plan"},
      {"POST", "/api/v1/chatbots"},   {"POST", "/api/v1/apikeys"},
      {"POST", "/api/v1/workspaces"},
  };
  for (const auto& [method, target] : targets) {
    for (const std::string& body : bodies) {
      HttpResult r = api_->Send(method, target, body, {{"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 400) << method << " " << target << " " << body << " -> " << r.body;
      Json j(r.body);
      EXPECT_FALSE(j["message"].str().empty()) << r.body;
      if (j["message"].str() != "Invalid request data") {
        EXPECT_EQ(j["message"].str().rfind("Request body is not valid JSON: ", 0), 0u) << r.body;
      }
    }
  }
  EXPECT_EQ(Json(api_->Get(ContactsPath(bot_)).body)["total"].i64(), 1);
}

TEST_F(ErrorsApi, AuthenticationAndRoles) {
  HttpClient anonymous("127.0.0.1", port());
  EXPECT_TRUE(IsError(anonymous.Request("GET", ContactsPath(bot_)), 401, "Unauthorized access"));
  Client unknown(port(), "oc_live_unknownunknownunknown");
  EXPECT_TRUE(IsError(unknown.Get(ContactsPath(bot_)), 401, "Unauthorized access"));
  HttpResult key = api_->Post("/api/v1/apikeys", R"({"name":"member"})");
  ASSERT_TRUE(IsSuccess(key));
  Client member(port(), Json(key.body)["data"]["key"].str());
  EXPECT_TRUE(IsError(member.Post("/api/v1/chatbots", R"({"name":"x"})"), 403, "Forbidden"));
  // 403 comes before the body is read: even a malformed body gets it.
  EXPECT_TRUE(IsError(member.Post("/api/v1/chatbots", "{"), 403, "Forbidden"));
}

TEST_F(ErrorsApi, UnknownResourcesAre404) {
  const std::string nf = "Resource not found";
  EXPECT_TRUE(IsError(api_->Get(ContactsPath("no_such_bot")), 404, nf));
  EXPECT_TRUE(IsError(api_->Post(ContactsPath("no_such_bot"), R"({"users":[{"external_id":"a"}]})"),
                      404, nf));
  // The chatbot is checked before the body.
  EXPECT_TRUE(IsError(api_->Post(ContactsPath("no_such_bot"), "{"), 404, nf));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "nobody")), 404, nf));
  EXPECT_TRUE(IsError(api_->Patch(ContactPath(bot_, "nobody"), R"({"name":"x"})"), 404, nf));
  EXPECT_TRUE(IsError(api_->Delete(ContactPath(bot_, "nobody")), 404, nf));
  EXPECT_TRUE(IsError(api_->Put(AttributesPath(bot_) + "/nothing", R"({"label":"x"})"), 404, nf));
  EXPECT_TRUE(IsError(api_->Delete("/api/v1/apikeys/key_nothing"), 404, nf));
  EXPECT_TRUE(IsError(api_->Delete("/api/v1/workspaces/nothing"), 404, nf));
}

TEST_F(ErrorsApi, UnknownRoutesAre404AndWrongMethods405) {
  HttpClient anonymous("127.0.0.1", port());
  for (const char* target : {"/", "/api/v1", "/api/v2/chatbots", "/api/v1/chatbots/x/unknown",
                             "/api/v1/chatbots/x/contacts/y/z", "/healthz/more"}) {
    EXPECT_TRUE(IsError(api_->Get(target), 404, "Route not found")) << target;
    EXPECT_TRUE(IsError(anonymous.Request("GET", target), 404, "Route not found")) << target;
  }
  struct Case {
    const char* method;
    std::string target;
    std::set<std::string> allow;
  };
  const std::vector<Case> cases = {
      {"PUT", ContactsPath(bot_), {"GET", "POST"}},
      {"POST", ContactPath(bot_, "x"), {"GET", "PATCH", "DELETE"}},
      {"DELETE", AttributesPath(bot_), {"GET", "POST"}},
      {"PATCH", AttributesPath(bot_) + "/plan", {"PUT"}},
      {"DELETE", AttributesPath(bot_) + "/plan", {"PUT"}},  // there is no delete
      {"PUT", "/api/v1/workspaces", {"GET", "POST"}},
      {"POST", "/healthz", {"GET"}},
      {"PATCH", "/api/v1/apikeys/k", {"DELETE"}},
  };
  for (const Case& c : cases) {
    for (Client* client : {api_.get(), static_cast<Client*>(nullptr)}) {
      HttpResult r = client ? client->Send(c.method, c.target, "{}")
                            : anonymous.Request(c.method, c.target, "{}");
      EXPECT_TRUE(IsError(r, 405, "Method not allowed")) << c.method << " " << c.target;
      std::set<std::string> allow;
      std::string header = r.headers["allow"];
      for (size_t pos = 0; pos < header.size();) {
        size_t comma = header.find(',', pos);
        if (comma == std::string::npos) comma = header.size();
        std::string m = header.substr(pos, comma - pos);
        m.erase(0, m.find_first_not_of(' '));
        allow.insert(m);
        pos = comma + 1;
      }
      EXPECT_EQ(allow, c.allow) << c.method << " " << c.target << " Allow: " << header;
    }
  }
}

TEST_F(ErrorsApi, ContactClashIs409) {
  ASSERT_TRUE(IsSuccess(PostContacts(R"({"users":[{"external_id":"a","email":"a@x.io"}]})")));
  HttpResult r = PostContacts(R"({"users":[{"external_id":"b","email":"A@X.IO"}]})");
  EXPECT_TRUE(
      IsError(r, 409, "Error saving chatbot contact. External ID or email already exists."));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].email", "Email already exists"}}));
}

TEST_F(ErrorsApi, BodyOverMaxBodyIs413AndNamesTheLimit) {
  const std::string filler(70 * 1024, 'n');
  const std::string body = R"({"users":[{"external_id":"big","name":")" + filler + "\"}]}";
  HttpResult r = PostContacts(body);
  EXPECT_TRUE(IsError(r, 413, "Request body exceeds the limit of 65536 bytes"));
  // Chunked, without a Content-Length up front.
  HttpClient chunked("127.0.0.1", port());
  r = chunked.Request(
      "POST", ContactsPath(bot_), body,
      {{"Authorization", "Bearer " + api_->key()}, {"Transfer-Encoding", "chunked"}});
  EXPECT_TRUE(IsError(r, 413, "Request body exceeds the limit of 65536 bytes"));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "big")), 404, "Resource not found"));
  // Under the limit is fine.
  const std::string fits = R"({"users":[{"external_id":"fits","custom_attributes":{}}]})";
  EXPECT_TRUE(IsSuccess(PostContacts(fits)));
  std::string items;
  for (int i = 0; i < 1000; ++i) {
    items += std::string(items.empty() ? "" : ",") + "{\"external_id\":\"f" + std::to_string(i) +
             "\",\"name\":\"abcdefghijklmnopqrstuvwxyz0123\"}";
  }
  ASSERT_LT(items.size() + 12, 65536u);
  EXPECT_TRUE(IsSuccess(PostContacts("{\"users\":[" + items + "]}")));
}

TEST_F(ErrorsApi, HeaderBlockOverMaxHeaderIs431) {
  HttpResult r = api_->Send("GET", ContactsPath(bot_), "", {{"X-Big", std::string(3000, 'h')}});
  EXPECT_EQ(r.status, 431) << r.body;
  EXPECT_FALSE(Json(r.body)["message"].str().empty()) << r.body;
  // A header block under the limit is fine.
  EXPECT_TRUE(
      IsSuccess(api_->Send("GET", ContactsPath(bot_), "", {{"X-Ok", std::string(1000, 'h')}})));
}

TEST_F(ErrorsApi, The431MessageNamesTheLimit) {
  HttpResult r = api_->Send("GET", ContactsPath(bot_), "", {{"X-Big", std::string(3000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_NE(Json(r.body)["message"].str().find("2048"), std::string::npos) << r.body;
}

TEST_F(ErrorsApi, MalformedHttpRequests) {
  const std::string auth = "Authorization: Bearer " + api_->key() + "\r\n";
  const std::string start = "POST " + ContactsPath(bot_) + " HTTP/1.1\r\nHost: x\r\n" + auth;
  // Both Content-Length and Transfer-Encoding, in either order (request-smuggling material).
  for (const std::string& headers :
       {std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
        std::string("Transfer-Encoding: identity\r\nContent-Length: 5\r\n")}) {
    const auto [status, body] = Raw(start + headers + "\r\n0\r\n\r\n");
    EXPECT_EQ(status, 400) << headers << body;
    EXPECT_TRUE(body == R"({"message":"Request has both Content-Length and Transfer-Encoding"})" ||
                body == R"({"message":"Malformed HTTP request"})")
        << headers << body;
  }
  auto [status, body] = Raw(start + "Transfer-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(status, 400) << body;
  EXPECT_EQ(body, R"({"message":"Unsupported Transfer-Encoding"})");
  std::tie(status, body) = Raw("GARBAGE\r\n\r\n");
  EXPECT_EQ(status, 400) << body;
  EXPECT_EQ(body, R"({"message":"Malformed HTTP request"})");
  // A request that stops half-way gets 408 after --read-timeout.
  std::tie(status, body) = Raw("POST " + ContactsPath(bot_) + " HTTP/1.1\r\nHost: x\r\n" + auth +
                               "Content-Length: 100\r\n\r\n{\"users\":");
  EXPECT_EQ(status, 408) << body;
  EXPECT_EQ(body, R"({"message":"Request timed out"})");
  EXPECT_TRUE(IsSuccess(api_->Get(ContactsPath(bot_))));
}

}  // namespace
}  // namespace contactd::testing
