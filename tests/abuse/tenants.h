// Tenants: the multi-tenant fixture of the abuse tests. Through the operator key it creates two
// workspaces, W1 with chatbots A (own) and B (sibling) and W2 with chatbot C, and these keys:
// W1 admin, W1 member, a member key scoped to A, a revoked W1 key, and W2's admin. Every chatbot
// holds contacts (one with the external_id "same" in all three) and a "marker" attribute whose
// values carry the chatbot's marker: a string starting "zq-A", "zq-B" or "zq-C" (W1's and W2's own
// strings start "zq-W1" and "zq-W2"), so that a test can tell whose data a response holds by
// searching it, case-insensitively, for those prefixes.
//
// Thread-safety: used by one test thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {

// A's, B's or C's marker ("zq-A" ...), lower-cased for searching lower-cased bodies.
inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The state of one chatbot as its workspace admin sees it: its record, contacts and attributes.
inline std::string ChatbotState(Client& admin, const std::string& bot) {
  return admin.Get("/api/v1/chatbots/" + bot).body + "\n" +
         admin.Get(ContactsPath(bot) + "?per_page=1000").body + "\n" +
         admin.Get(AttributesPath(bot)).body;
}

struct Tenants {
  static constexpr const char* kW1 = "zq-W1_ws";
  static constexpr const char* kW2 = "zq-W2_ws";
  static constexpr const char* kA = "zq-A_bot";
  static constexpr const char* kB = "zq-B_bot";
  static constexpr const char* kC = "zq-C_bot";
  static constexpr const char* kMissing = "zq_missing_bot";

  std::unique_ptr<Client> w1_admin, w1_member, scoped_a, revoked, no_key, w2_admin;
  // Strings of W2 that no W1 key may ever see: its keys' plaintexts, ids and prefixes.
  std::vector<std::string> w2_secrets;
  // The operator key and its listed prefix (the operator's workspace is nobody else's).
  std::vector<std::string> operator_secrets;

  // Builds everything through `op` (the operator key). Fails the test on any error.
  void Create(uint16_t port, Client& op) {
    operator_secrets = {op.key(), op.key().substr(0, 12)};
    w1_admin = std::make_unique<Client>(port, NewWorkspace(op, kW1, nullptr));
    w2_admin = std::make_unique<Client>(port, NewWorkspace(op, kW2, &w2_secrets));
    for (const char* bot : {kA, kB}) MakeChatbot(*w1_admin, bot);
    MakeChatbot(*w2_admin, kC);
    w1_member = std::make_unique<Client>(port, NewKey(*w1_admin, R"({"name":"zq-W1 member"})"));
    scoped_a = std::make_unique<Client>(
        port,
        NewKey(*w1_admin, std::string(R"({"name":"zq-W1 scoped","chatbot_id":")") + kA + "\"}"));
    HttpResult r = w1_admin->Post("/api/v1/apikeys", R"({"name":"zq-W1 revoked"})");
    EXPECT_TRUE(IsSuccess(r));
    revoked = std::make_unique<Client>(port, Json(r.body)["data"]["key"].str());
    EXPECT_TRUE(IsSuccess(revoked->Get("/api/v1/chatbots")));  // it worked before revocation
    EXPECT_TRUE(IsSuccess(w1_admin->Delete("/api/v1/apikeys/" + Json(r.body)["data"]["id"].str())));
    no_key = std::make_unique<Client>(port, "");
  }

  // The admin of the workspace that owns `bot` (A, B: W1; C: W2).
  Client& OwnerOf(const std::string& bot) { return bot == kC ? *w2_admin : *w1_admin; }

  // A W2 key that W1 keys must never see; returns its id.
  std::string NewW2Key(const std::string& name) {
    HttpResult r = w2_admin->Post("/api/v1/apikeys", "{\"name\":" + Quote(name) + "}");
    EXPECT_TRUE(IsSuccess(r));
    Json key = Json(r.body)["data"];
    for (const char* f : {"key", "id", "prefix"}) w2_secrets.push_back(key[f].str());
    return key["id"].str();
  }

  static std::string NewKey(Client& admin, const std::string& body) {
    HttpResult r = admin.Post("/api/v1/apikeys", body);
    EXPECT_TRUE(IsSuccess(r)) << body;
    return Json(r.body)["data"]["key"].str();
  }

 private:
  static std::string NewWorkspace(Client& op, const std::string& id,
                                  std::vector<std::string>* secrets) {
    HttpResult r =
        op.Post("/api/v1/workspaces", "{\"id\":" + Quote(id) + ",\"name\":" + Quote(id) + "}");
    EXPECT_TRUE(IsSuccess(r));
    Json key = Json(r.body)["data"]["api_key"];
    if (secrets) {
      for (const char* f : {"key", "id", "prefix"}) secrets->push_back(key[f].str());
    }
    return key["key"].str();
  }

  // A chatbot named after its marker, with the "marker" attribute and two contacts.
  static void MakeChatbot(Client& admin, const std::string& bot) {
    const std::string m = bot.substr(0, 4);  // "zq-A"
    ASSERT_TRUE(IsSuccess(admin.Post(
        "/api/v1/chatbots", "{\"id\":" + Quote(bot) + ",\"name\":" + Quote(m + " bot") + "}")));
    DefineAttribute(admin, bot, "marker", "text");
    const std::string body =
        R"({"users":[{"external_id":"same","name":")" + m + R"( Name","email":")" + m +
        R"(@example.com","custom_attributes":{"marker":")" + m + R"( value"}},)" +
        R"({"external_id":")" + m + R"(_only","name":")" + m + R"( Second",)" +
        R"("stripe_accounts":[{"label":")" + m + R"( label","stripe_id":")" + m + R"(_cus"}]}]})";
    ASSERT_TRUE(IsSuccess(admin.Post(ContactsPath(bot), body))) << body;
  }
};

}  // namespace contactd::testing
