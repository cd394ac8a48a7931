// Black-box tests of the control plane (README "Keys and roles"): workspaces (operator), chatbots
// and API keys (admin), the role and scope matrix, and authentication.
#include <regex>
#include <string>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class ControlApi : public ChatbotSuite<ControlApi> {
 protected:
  // Creates a key through `admin`; returns the whole `data` object (with the plaintext "key").
  Json NewKey(Client& admin, std::string_view body) {
    HttpResult r = admin.Post("/api/v1/apikeys", body);
    EXPECT_TRUE(IsSuccess(r)) << body;
    return Json(r.body)["data"];
  }
  std::unique_ptr<Client> ClientWith(std::string key) {
    return std::make_unique<Client>(port(), std::move(key));
  }
  // Creates a workspace; returns the client of its admin key.
  std::unique_ptr<Client> NewWorkspace(const std::string& id) {
    HttpResult r = api_->Post("/api/v1/workspaces", "{\"id\":" + Quote(id) + ",\"name\":\"WS\"}");
    EXPECT_TRUE(IsSuccess(r));
    return ClientWith(Json(r.body)["data"]["api_key"]["key"].str());
  }
};

const std::vector<std::string> kKeyFields = {"id",     "name",       "role", "chatbot_id",
                                             "prefix", "created_at", "key"};

TEST_F(ControlApi, OperatorCreatesListsAndDeletesWorkspaces) {
  const std::string id = UniqueId("acme");
  const int64_t before = UnixNow();
  HttpResult r = api_->Post("/api/v1/workspaces", "{\"id\":\"" + id + "\",\"name\":\"Acme\"}");
  ASSERT_TRUE(IsSuccess(r));
  Json data = Json(r.body)["data"];
  EXPECT_EQ(data.keys(), (std::vector<std::string>{"workspace", "api_key"}));
  EXPECT_EQ(data["workspace"].keys(), (std::vector<std::string>{"id", "name", "created_at"}));
  EXPECT_EQ(data["workspace"]["id"].str(), id);
  EXPECT_EQ(data["workspace"]["name"].str(), "Acme");
  EXPECT_GE(data["workspace"]["created_at"].i64(), before);
  Json key = data["api_key"];
  EXPECT_EQ(key.keys(), kKeyFields);
  EXPECT_EQ(key["role"].str(), "admin");
  EXPECT_TRUE(key["chatbot_id"].is_null());
  EXPECT_EQ(key["key"].str().rfind("oc_live_", 0), 0u) << key.dump();
  EXPECT_EQ(key["prefix"].str(), key["key"].str().substr(0, key["prefix"].str().size()));

  HttpResult list = api_->Get("/api/v1/workspaces");
  ASSERT_TRUE(IsSuccess(list));
  EXPECT_NE(list.body.find(data["workspace"].dump()), std::string::npos) << list.body;
  EXPECT_NE(list.body.find(R"({"id":"default","name":"default",)"), std::string::npos);

  // The new admin key works in its workspace.
  auto admin = ClientWith(key["key"].str());
  EXPECT_EQ(admin->Get("/api/v1/chatbots").body, R"({"message":"Success","data":[]})");
  ASSERT_FALSE(NewChatbot(*admin).empty());

  r = api_->Post("/api/v1/workspaces", "{\"id\":\"" + id + "\",\"name\":\"Again\"}");
  EXPECT_TRUE(IsError(r, 409, "A workspace with this id already exists"));
  EXPECT_EQ(Issues(r), (IssueList{{"id", "Already exists"}}));

  r = api_->Delete("/api/v1/workspaces/" + id);
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(r.body, R"({"message":"Success","data":{"id":")" + id + R"(","deleted":true}})");
  EXPECT_EQ(api_->Get("/api/v1/workspaces").body.find("\"" + id + "\""), std::string::npos);
  EXPECT_TRUE(IsError(admin->Get("/api/v1/chatbots"), 401, "Unauthorized access"));
  EXPECT_TRUE(IsError(api_->Delete("/api/v1/workspaces/" + id), 404, "Resource not found"));
}

TEST_F(ControlApi, WorkspaceInputIsValidated) {
  HttpResult r = api_->Post("/api/v1/workspaces", R"({"name":"No id"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_FALSE(Json(r.body)["data"]["workspace"]["id"].str().empty());
  r = api_->Post("/api/v1/workspaces", R"({"id":"x"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"name", "Required"}}));
  r = api_->Post("/api/v1/workspaces", R"({"id":"default","name":"D"})");
  EXPECT_TRUE(IsError(r, 409, "A workspace with this id already exists"));
  r = api_->Post("/api/v1/workspaces", R"({"id":"bad id","name":"B"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"id", "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -"}}));
}

TEST_F(ControlApi, TheOperatorsWorkspaceAndKeyCannotBeRemoved) {
  HttpResult r = api_->Delete("/api/v1/workspaces/default");
  EXPECT_TRUE(IsError(r, 409, "This workspace holds the operator key and cannot be deleted"));
  HttpResult keys = api_->Get("/api/v1/apikeys");
  ASSERT_TRUE(IsSuccess(keys));
  Json list = Json(keys.body)["data"];
  std::string operator_id;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i]["role"].str() == "operator") operator_id = list[i]["id"].str();
  }
  ASSERT_FALSE(operator_id.empty()) << keys.body;
  r = api_->Delete("/api/v1/apikeys/" + operator_id);
  EXPECT_TRUE(IsError(r, 409, "The operator key cannot be revoked"));
  EXPECT_TRUE(IsSuccess(api_->Get("/api/v1/workspaces")));
  // An admin of another workspace cannot even see it.
  auto other = NewWorkspace(UniqueId("ws"));
  EXPECT_TRUE(IsError(other->Delete("/api/v1/apikeys/" + operator_id), 404, "Resource not found"));
}

TEST_F(ControlApi, AdminCreatesListsGetsChatbots) {
  const std::string id = UniqueId("support");
  const int64_t before = UnixNow();
  HttpResult r = api_->Post("/api/v1/chatbots", "{\"id\":\"" + id + "\",\"name\":\"Support\"}");
  ASSERT_TRUE(IsSuccess(r));
  Json bot = Json(r.body)["data"];
  EXPECT_EQ(bot.keys(), (std::vector<std::string>{"id", "name", "default_country", "created_at"}));
  EXPECT_EQ(bot["id"].str(), id);
  EXPECT_EQ(bot["name"].str(), "Support");
  EXPECT_GE(bot["created_at"].i64(), before);
  HttpResult got = api_->Get("/api/v1/chatbots/" + id);
  EXPECT_EQ(got.body, R"({"message":"Success","data":)" + bot.dump() + "}");
  EXPECT_NE(api_->Get("/api/v1/chatbots").body.find(bot.dump()), std::string::npos);

  r = api_->Post("/api/v1/chatbots", R"({"name":"Generated"})");
  ASSERT_TRUE(IsSuccess(r));
  const std::string generated = Json(r.body)["data"]["id"].str();
  EXPECT_TRUE(std::regex_match(generated, std::regex("[A-Za-z0-9_-]{1,64}"))) << generated;
  EXPECT_TRUE(IsSuccess(api_->Get("/api/v1/chatbots/" + generated)));

  r = api_->Post("/api/v1/chatbots", "{\"id\":\"" + id + "\",\"name\":\"Dup\"}");
  EXPECT_TRUE(IsError(r, 409, "A chatbot with this id already exists"));
  EXPECT_EQ(Issues(r), (IssueList{{"id", "Already exists"}}));
  for (const std::string& bad : {std::string("has space"), std::string("slash/y"), std::string(""),
                                 std::string(65, 'a'), std::string("ünï")}) {
    r = api_->Post("/api/v1/chatbots", "{\"id\":" + Quote(bad) + ",\"name\":\"B\"}");
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << bad;
    EXPECT_EQ(Issues(r), (IssueList{{"id", "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -"}}))
        << bad;
  }
  r = api_->Post("/api/v1/chatbots", R"({"id":"no_name"})");
  EXPECT_EQ(Issues(r), (IssueList{{"name", "Required"}}));
  EXPECT_TRUE(IsError(api_->Get("/api/v1/chatbots/no_such_bot"), 404, "Resource not found"));
}

TEST_F(ControlApi, DeletingAChatbotRemovesItsContactsAttributesAndScopedKeys) {
  DefineAttribute(*api_, bot_, "plan", "text");
  UpsertOk(R"({"external_id":"c1","email":"c1@x.io","custom_attributes":{"plan":"pro"}})");
  Json scoped = NewKey(*api_, "{\"name\":\"scoped\",\"chatbot_id\":\"" + bot_ + "\"}");
  auto scoped_client = ClientWith(scoped["key"].str());
  ASSERT_TRUE(IsSuccess(scoped_client->Get(ContactsPath(bot_))));

  HttpResult r = api_->Delete("/api/v1/chatbots/" + bot_);
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(r.body, R"({"message":"Success","data":{"id":")" + bot_ + R"(","deleted":true}})");
  EXPECT_TRUE(IsError(api_->Get("/api/v1/chatbots/" + bot_), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(ContactsPath(bot_)), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "c1")), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(AttributesPath(bot_)), 404, "Resource not found"));
  EXPECT_TRUE(IsError(scoped_client->Get("/api/v1/chatbots"), 401, "Unauthorized access"));
  EXPECT_EQ(api_->Get("/api/v1/apikeys").body.find(scoped["id"].str()), std::string::npos);
  EXPECT_TRUE(IsError(api_->Delete("/api/v1/chatbots/" + bot_), 404, "Resource not found"));

  // A new chatbot with the same id starts empty.
  ASSERT_TRUE(
      IsSuccess(api_->Post("/api/v1/chatbots", "{\"id\":\"" + bot_ + "\",\"name\":\"N\"}")));
  EXPECT_EQ(Total(), 0);
  EXPECT_EQ(api_->Get(AttributesPath(bot_)).body, R"({"message":"Success","data":[]})");
  EXPECT_TRUE(IsSuccess(Upsert(R"({"external_id":"c1","email":"c1@x.io"})")));
}

TEST_F(ControlApi, ApiKeysAreShownOnceAndRevokedAtOnce) {
  Json admin = NewKey(*api_, R"({"name":"ops","role":"admin"})");
  Json member = NewKey(*api_, R"({"name":"app"})");
  Json scoped =
      NewKey(*api_, "{\"name\":\"widget\",\"role\":\"member\",\"chatbot_id\":\"" + bot_ + "\"}");
  for (const Json* k : {&admin, &member, &scoped}) {
    EXPECT_EQ(k->keys(), kKeyFields);
    EXPECT_EQ((*k)["key"].str().rfind("oc_live_", 0), 0u);
    EXPECT_GE((*k)["key"].str().size(), 20u);
    EXPECT_EQ((*k)["prefix"].str(), (*k)["key"].str().substr(0, (*k)["prefix"].str().size()));
    EXPECT_LT((*k)["prefix"].str().size(), (*k)["key"].str().size());
  }
  EXPECT_EQ(admin["role"].str(), "admin");
  EXPECT_EQ(member["role"].str(), "member");
  EXPECT_TRUE(member["chatbot_id"].is_null());
  EXPECT_EQ(scoped["chatbot_id"].str(), bot_);

  HttpResult list = api_->Get("/api/v1/apikeys");
  ASSERT_TRUE(IsSuccess(list));
  for (const Json* k : {&admin, &member, &scoped}) {
    EXPECT_EQ(list.body.find((*k)["key"].str()), std::string::npos) << "secret listed";
    EXPECT_EQ(list.body.find((*k)["key"].str().substr(0, 20)), std::string::npos);
    std::string listed = k->dump();
    listed = listed.substr(0, listed.find(",\"key\":")) + "}";
    EXPECT_NE(list.body.find(listed), std::string::npos) << listed << "\n" << list.body;
  }
  EXPECT_EQ(list.body.find(operator_key()), std::string::npos);
  EXPECT_EQ(list.body.find("\"key\""), std::string::npos);

  auto member_client = ClientWith(member["key"].str());
  ASSERT_TRUE(IsSuccess(member_client->Get(ContactsPath(bot_))));
  HttpResult r = api_->Delete("/api/v1/apikeys/" + member["id"].str());
  EXPECT_EQ(r.body, R"({"message":"Success","data":{"id":")" + member["id"].str() +
                        R"(","deleted":true}})");
  EXPECT_TRUE(IsError(member_client->Get(ContactsPath(bot_)), 401, "Unauthorized access"));
  EXPECT_TRUE(
      IsError(api_->Delete("/api/v1/apikeys/" + member["id"].str()), 404, "Resource not found"));
  // An admin key can revoke keys, including itself.
  auto admin_client = ClientWith(admin["key"].str());
  EXPECT_TRUE(IsSuccess(admin_client->Delete("/api/v1/apikeys/" + scoped["id"].str())));
  EXPECT_TRUE(IsSuccess(admin_client->Delete("/api/v1/apikeys/" + admin["id"].str())));
  EXPECT_TRUE(IsError(admin_client->Get("/api/v1/apikeys"), 401, "Unauthorized access"));
}

TEST_F(ControlApi, ApiKeyInputIsValidated) {
  HttpResult r = api_->Post("/api/v1/apikeys", R"({"name":"x","role":"owner"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"role", "Must be \"admin\" or \"member\""}}));
  r = api_->Post("/api/v1/apikeys", R"({"name":"x","role":"operator"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  r = api_->Post("/api/v1/apikeys",
                 "{\"name\":\"x\",\"role\":\"admin\",\"chatbot_id\":\"" + bot_ + "\"}");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"chatbot_id", "Only member keys can be scoped to a chatbot"}}));
  r = api_->Post("/api/v1/apikeys", R"({"role":"member"})");
  EXPECT_EQ(Issues(r), (IssueList{{"name", "Required"}}));
  r = api_->Post("/api/v1/apikeys", R"({"name":"x","chatbot_id":"no_such_bot"})");
  EXPECT_TRUE(IsError(r, 404, "Resource not found"));
}

TEST_F(ControlApi, RolesAndScopes) {
  const std::string other_bot = NewChatbot(*api_);
  auto member = ClientWith(NewKey(*api_, R"({"name":"m"})")["key"].str());
  auto scoped =
      ClientWith(NewKey(*api_, "{\"name\":\"s\",\"chatbot_id\":\"" + bot_ + "\"}")["key"].str());
  auto admin = ClientWith(NewKey(*api_, R"({"name":"a","role":"admin"})")["key"].str());

  // Below the route's role: 403, before the body or the chatbot is looked at.
  for (Client* c : {member.get(), scoped.get()}) {
    EXPECT_TRUE(IsError(c->Post("/api/v1/chatbots", R"({"name":"x"})"), 403, "Forbidden"));
    EXPECT_TRUE(IsError(c->Delete("/api/v1/chatbots/" + bot_), 403, "Forbidden"));
    EXPECT_TRUE(IsError(c->Post("/api/v1/apikeys", R"({"name":"x"})"), 403, "Forbidden"));
    EXPECT_TRUE(IsError(c->Get("/api/v1/apikeys"), 403, "Forbidden"));
    EXPECT_TRUE(IsError(c->Delete("/api/v1/apikeys/whatever"), 403, "Forbidden"));
    EXPECT_TRUE(IsError(c->Get("/api/v1/workspaces"), 403, "Forbidden"));
  }
  EXPECT_TRUE(IsError(admin->Get("/api/v1/workspaces"), 403, "Forbidden"));
  EXPECT_TRUE(IsError(admin->Post("/api/v1/workspaces", R"({"name":"x"})"), 403, "Forbidden"));
  EXPECT_TRUE(IsError(admin->Delete("/api/v1/workspaces/default"), 403, "Forbidden"));

  // A member uses contacts and attributes of every chatbot of its workspace.
  EXPECT_TRUE(
      IsSuccess(member->Post(ContactsPath(other_bot), R"({"users":[{"external_id":"m"}]})")));
  EXPECT_TRUE(IsSuccess(member->Post(AttributesPath(other_bot), R"({"name":"m_attr"})")));
  EXPECT_TRUE(IsSuccess(member->Get("/api/v1/chatbots/" + other_bot)));

  // A scoped key sees only its chatbot; others answer 404, like unknown ones.
  EXPECT_TRUE(IsSuccess(scoped->Post(ContactsPath(bot_), R"({"users":[{"external_id":"s"}]})")));
  EXPECT_TRUE(IsSuccess(scoped->Post(AttributesPath(bot_), R"({"name":"s_attr"})")));
  EXPECT_TRUE(IsSuccess(scoped->Get(ContactPath(bot_, "s"))));
  HttpResult listed = scoped->Get("/api/v1/chatbots");
  ASSERT_TRUE(IsSuccess(listed));
  EXPECT_EQ(Json(listed.body)["data"].size(), 1u);
  EXPECT_EQ(Json(listed.body)["data"][0]["id"].str(), bot_);
  const std::string nf = "Resource not found";
  EXPECT_TRUE(IsError(scoped->Get("/api/v1/chatbots/" + other_bot), 404, nf));
  EXPECT_TRUE(IsError(scoped->Get(ContactsPath(other_bot)), 404, nf));
  EXPECT_TRUE(IsError(scoped->Get(ContactPath(other_bot, "m")), 404, nf));
  EXPECT_TRUE(IsError(scoped->Post(ContactsPath(other_bot), R"({"users":[{"external_id":"x"}]})"),
                      404, nf));
  EXPECT_TRUE(IsError(scoped->Patch(ContactPath(other_bot, "m"), R"({"name":"x"})"), 404, nf));
  EXPECT_TRUE(IsError(scoped->Delete(ContactPath(other_bot, "m")), 404, nf));
  EXPECT_TRUE(IsError(scoped->Get(AttributesPath(other_bot)), 404, nf));
  EXPECT_TRUE(IsError(scoped->Post(AttributesPath(other_bot), R"({"name":"y"})"), 404, nf));
  EXPECT_TRUE(
      IsError(scoped->Put(AttributesPath(other_bot) + "/m_attr", R"({"label":"y"})"), 404, nf));
  EXPECT_TRUE(IsSuccess(api_->Get(ContactPath(other_bot, "m"))));  // untouched
}

TEST_F(ControlApi, WorkspacesAreIsolated) {
  auto b_admin = NewWorkspace(UniqueId("ws_b"));
  // The same chatbot id in two workspaces is two chatbots.
  ASSERT_TRUE(
      IsSuccess(b_admin->Post("/api/v1/chatbots", "{\"id\":\"" + bot_ + "\",\"name\":\"B\"}")));
  UpsertOk(R"({"external_id":"a_only","email":"same@x.io"})");
  EXPECT_TRUE(IsSuccess(b_admin->Post(
      ContactsPath(bot_), R"({"users":[{"external_id":"b_only","email":"same@x.io"}]})")));
  EXPECT_TRUE(IsError(b_admin->Get(ContactPath(bot_, "a_only")), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "b_only")), 404, "Resource not found"));
  // A chatbot only the default workspace has.
  const std::string a_bot = NewChatbot(*api_);
  EXPECT_TRUE(IsError(b_admin->Get("/api/v1/chatbots/" + a_bot), 404, "Resource not found"));
  EXPECT_TRUE(IsError(b_admin->Get(ContactsPath(a_bot)), 404, "Resource not found"));
  EXPECT_TRUE(IsError(b_admin->Delete("/api/v1/chatbots/" + a_bot), 404, "Resource not found"));
  EXPECT_TRUE(
      IsError(b_admin->Post("/api/v1/apikeys", "{\"name\":\"x\",\"chatbot_id\":\"" + a_bot + "\"}"),
              404, "Resource not found"));
  EXPECT_EQ(Json(b_admin->Get("/api/v1/chatbots").body)["data"].size(), 1u);
  // Its key list holds only its own admin key.
  Json keys = Json(b_admin->Get("/api/v1/apikeys").body)["data"];
  ASSERT_EQ(keys.size(), 1u) << keys.dump();
  EXPECT_EQ(keys[0]["role"].str(), "admin");
  EXPECT_TRUE(IsSuccess(api_->Get("/api/v1/chatbots/" + a_bot)));
}

TEST_F(ControlApi, MissingUnknownOrMalformedKeysGet401) {
  const std::string target = "/api/v1/chatbots";
  HttpClient raw("127.0.0.1", port());
  const std::vector<Headers> cases = {
      {},
      {{"Authorization", "Bearer oc_live_doesnotexist0000000000000"}},
      {{"Authorization", "Bearer"}},
      {{"Authorization", "Bearer "}},
      {{"Authorization", "Basic " + operator_key()}},
      {{"Authorization", operator_key()}},
      {{"Authorization", "Bearer " + operator_key() + "x"}},
      {{"Authorization", "Bearer " + operator_key().substr(0, operator_key().size() - 1)}},
  };
  for (const Headers& h : cases) {
    HttpResult r = raw.Request("GET", target, "", h);
    EXPECT_TRUE(IsError(r, 401, "Unauthorized access")) << (h.empty() ? "none" : h[0].second);
    r = raw.Request("POST", ContactsPath(bot_), R"({"users":[{"external_id":"x"}]})", h);
    EXPECT_TRUE(IsError(r, 401, "Unauthorized access"));
  }
  // The scheme is case-insensitive.
  EXPECT_TRUE(
      IsSuccess(raw.Request("GET", target, "", {{"Authorization", "bearer " + operator_key()}})));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "x")), 404, "Resource not found"));
}

}  // namespace
}  // namespace contactd::testing
