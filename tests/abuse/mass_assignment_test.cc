// Mass assignment (issue 5): a client can never set server-maintained or tenant fields.
//
// The contract (README "Contacts"): `id`, `created_at` and `updated_at` may be echoed back in a
// contact and are ignored, never bound; any other unknown field (`workspace_id`, `chatbot_id`,
// ...) is rejected with 400 naming it, and then nothing is written. Control-plane and attribute
// bodies accept only their documented members. Every case is verified by reading back.
#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class MassAssignment : public ChatbotSuite<MassAssignment> {};

// Fields a contact never binds because the server maintains them: accepted and ignored.
const char* const kEchoed[] = {"id", "created_at", "updated_at"};
// Fields a contact does not have: rejected.
const char* const kRejected[] = {"workspace_id", "workspace",  "chatbot_id", "chatbot",
                                 "agent_id",     "tenant_id",  "contact_id", "_id",
                                 "deleted",      "deleted_at", "key",        "role"};

TEST_F(MassAssignment, UpsertIgnoresServerMaintainedFields) {
  const Json first = UpsertOk(R"({"external_id":"victim","name":"Victim"})")[0];
  const std::string victim_id = first["id"].str();
  const int64_t created = first["created_at"].i64();
  // A new contact claiming the victim's id, and timestamps from the past and the future.
  const std::string claims =
      "\"id\":" + Quote(victim_id) + ",\"created_at\":1,\"updated_at\":4102444800";
  Json made = UpsertOk("{\"external_id\":\"intruder\",\"name\":\"Intruder\"," + claims + "}")[0];
  EXPECT_NE(made["id"].str(), victim_id);
  EXPECT_GT(ContactNumber(made["id"].str()), ContactNumber(victim_id));
  EXPECT_GE(made["created_at"].i64(), created);
  EXPECT_LE(made["updated_at"].i64(), UnixNow() + 5);
  // The victim is untouched, and the intruder reads back as it was made.
  EXPECT_EQ(GetOk("victim").dump(), first.dump());
  EXPECT_EQ(GetOk("intruder").dump(), made.dump());
  EXPECT_EQ(Total(), 2);

  // Updating an existing contact with other claims: the server's values stay.
  for (const char* id_claim : {"\"contact_999999\"", "0", "null", "{\"x\":1}"}) {
    Json updated =
        UpsertOk(std::string("{\"external_id\":\"victim\",\"name\":\"Renamed\",\"id\":") +
                 id_claim + ",\"created_at\":\"yesterday\",\"updated_at\":null}")[0];
    EXPECT_EQ(updated["id"].str(), victim_id) << id_claim;
    EXPECT_EQ(updated["created_at"].i64(), created) << id_claim;
    EXPECT_GE(updated["updated_at"].i64(), created);
    EXPECT_EQ(GetOk("victim").dump(), updated.dump());
  }
}

TEST_F(MassAssignment, PatchIgnoresServerMaintainedFields) {
  const Json first = UpsertOk(R"({"external_id":"p1","name":"One"})")[0];
  UpsertOk(R"({"external_id":"p2","name":"Two"})");
  const Json other = GetOk("p2");
  for (const char* body :
       {R"({"id":"contact_1","created_at":5,"updated_at":6,"name":"Patched"})",
        R"({"data":{"id":"contact_1","created_at":5,"updated_at":6,"name":"Patched2"}})"}) {
    HttpResult r = api_->Patch(ContactPath(bot_, "p1"), body);
    ASSERT_TRUE(IsSuccess(r)) << body;
    Json got = GetOk("p1");
    EXPECT_EQ(got["id"].str(), first["id"].str());
    EXPECT_EQ(got["created_at"].i64(), first["created_at"].i64());
    EXPECT_GE(got["updated_at"].i64(), first["updated_at"].i64());
    EXPECT_NE(got["updated_at"].i64(), 6);
  }
  EXPECT_EQ(GetOk("p2").dump(), other.dump());
}

TEST_F(MassAssignment, TenantAndUnknownFieldsAreRejectedAndNothingIsWritten) {
  const Json before = UpsertOk(R"({"external_id":"k1","name":"Keep"})")[0];
  const std::string other_bot = NewChatbot(*api_);
  for (const char* field : kRejected) {
    SCOPED_TRACE(field);
    const std::string value = Quote(other_bot);
    // Upsert: a new item and an update, both refused as a whole.
    HttpResult r = Upsert(
        "{\"external_id\":\"new1\",\"name\":\"N\"},{\"external_id\":\"k1\","
        "\"name\":\"Changed\",\"" +
        std::string(field) + "\":" + value + "}");
    EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
    EXPECT_EQ(Issues(r), (IssueList{{std::string("users[1].") + field, "Unknown field"}}));
    // Patch, bare and wrapped.
    r = api_->Patch(ContactPath(bot_, "k1"),
                    "{\"name\":\"Changed\",\"" + std::string(field) + "\":" + value + "}");
    EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
    EXPECT_EQ(Issues(r), (IssueList{{field, "Unknown field"}}));
    r = api_->Patch(ContactPath(bot_, "k1"), "{\"data\":{\"name\":\"Changed\",\"" +
                                                 std::string(field) + "\":" + value + "}}");
    EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
    EXPECT_EQ(Issues(r), (IssueList{{field, "Unknown field"}}));
  }
  // Nothing was written, here or in the chatbot the fields named.
  EXPECT_EQ(GetOk("k1").dump(), before.dump());
  EXPECT_EQ(Total(), 1);
  EXPECT_EQ(Json(api_->Get(ContactsPath(other_bot)).body)["total"].i64(), 0);
  // Nested objects bind no extra fields either.
  HttpResult r = Upsert(
      R"({"external_id":"k1","stripe_accounts":[{"label":"m","stripe_id":"cus_1","id":"x","chatbot_id":"y"}]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Sorted(Issues(r)),
            Sorted({{"users[0].stripe_accounts[0].id", "Unknown field"},
                    {"users[0].stripe_accounts[0].chatbot_id", "Unknown field"}}));
  EXPECT_EQ(GetOk("k1").dump(), before.dump());
}

TEST_F(MassAssignment, AnIdDoesNotAddressAnotherContact) {
  // `id` cannot be used to address another contact through the upsert either: external_id is
  // the only match key, so an item with only an id creates a new contact with a generated one.
  const Json victim = UpsertOk(R"({"external_id":"v","name":"V"})")[0];
  Json made = UpsertOk("{\"id\":" + Quote(victim["id"].str()) + ",\"name\":\"Other\"}")[0];
  EXPECT_NE(made["id"].str(), victim["id"].str());
  EXPECT_NE(made["external_id"].str(), "v");
  EXPECT_EQ(GetOk("v").dump(), victim.dump());
}

TEST_F(MassAssignment, ControlPlaneBodiesBindOnlyTheirMembers) {
  struct Case {
    std::string path, body, field;
  };
  const std::vector<Case> cases = {
      {"/api/v1/chatbots", R"({"name":"x","workspace_id":"default"})", "workspace_id"},
      {"/api/v1/chatbots", R"({"name":"x","created_at":1})", "created_at"},
      {"/api/v1/apikeys", R"({"name":"x","workspace_id":"other"})", "workspace_id"},
      {"/api/v1/apikeys", R"({"name":"x","key":"oc_live_chosenbytheclient000000000"})", "key"},
      {"/api/v1/apikeys", R"({"name":"x","prefix":"oc_live_abcd"})", "prefix"},
      {"/api/v1/apikeys", R"({"name":"x","id":"key_mine"})", "id"},
      {"/api/v1/workspaces", R"({"name":"x","created_at":1})", "created_at"},
      {"/api/v1/workspaces", R"({"name":"x","api_key":{"key":"oc_live_x"}})", "api_key"},
      {AttributesPath(bot_), R"({"name":"a1","chatbot_id":"other"})", "chatbot_id"},
      {AttributesPath(bot_), R"({"name":"a1","created_at":1})", "created_at"},
  };
  const std::string keys = api_->Get("/api/v1/apikeys").body;
  const std::string bots = api_->Get("/api/v1/chatbots").body;
  const std::string workspaces = api_->Get("/api/v1/workspaces").body;
  for (const Case& c : cases) {
    HttpResult r = api_->Post(c.path, c.body);
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << c.body;
    EXPECT_EQ(Issues(r), (IssueList{{c.field, "Unknown field"}})) << c.body;
  }
  // A client cannot pick a key's secret or role above admin either.
  HttpResult r = api_->Post("/api/v1/apikeys", R"({"name":"x","role":"operator"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(api_->Get("/api/v1/apikeys").body, keys);
  EXPECT_EQ(api_->Get("/api/v1/chatbots").body, bots);
  EXPECT_EQ(api_->Get("/api/v1/workspaces").body, workspaces);
  EXPECT_EQ(api_->Get(AttributesPath(bot_)).body, R"({"message":"Success","data":[]})");
  // PUT on an attribute cannot change its name, type or creation time.
  DefineAttribute(*api_, bot_, "plan", "text");
  const std::string attrs = api_->Get(AttributesPath(bot_)).body;
  for (const char* body : {R"({"name":"other"})", R"({"type":"number"})", R"({"created_at":1})"}) {
    r = api_->Put(AttributesPath(bot_) + "/plan", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  EXPECT_EQ(api_->Get(AttributesPath(bot_)).body, attrs);
}

}  // namespace
}  // namespace contactd::testing
