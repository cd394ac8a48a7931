// Engine control plane through the facade (engine/engine.h): roles and scopes, workspaces,
// chatbots, API keys and custom-attribute definitions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_harness.h"

namespace contactd {
namespace {

using testing::Attrs;
using testing::EngineHarness;
using testing::Item;
using testing::kOperatorKey;
using testing::kT0;
using testing::WithAttrs;

// Two workspaces: "acme" with chatbots bot1 and bot2, and "beta" with its own bot1.
class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acme_key_ = h_.NewWorkspace("acme");
    acme_ = h_.Auth(acme_key_);
    h_.NewChatbot(acme_, "bot1");
    h_.NewChatbot(acme_, "bot2");
    beta_key_ = h_.NewWorkspace("beta");
    beta_ = h_.Auth(beta_key_);
    h_.NewChatbot(beta_, "bot1");
    member_key_ = h_.NewKey(acme_, "member");
    member_ = h_.Auth(member_key_);
    scoped_key_ = h_.NewKey(acme_, "member", "bot1");
    scoped_ = h_.Auth(scoped_key_);
  }

  Engine& e() { return h_.engine(); }

  std::vector<std::string> ChatbotIds(const Principal& p) {
    std::vector<std::string> out;
    auto list = e().ListChatbots(p);
    EXPECT_TRUE(list.ok());
    if (list.ok()) {
      for (const ChatbotInfo& c : *list) out.push_back(c.id);
    }
    return out;
  }

  std::string KeyIdOf(const Principal& p, const Principal& owner) {
    const auto keys = e().ListApiKeys(owner);
    EXPECT_TRUE(keys.ok());
    for (const ApiKeyInfo& k : keys.ok() ? *keys : std::vector<ApiKeyInfo>{}) {
      if (k.no == p.key) return k.id;
    }
    ADD_FAILURE() << "no such key";
    return "";
  }

  EngineHarness h_;
  std::string acme_key_, beta_key_, member_key_, scoped_key_;
  Principal acme_, beta_, member_, scoped_;
};

// ---- roles

TEST_F(ControlTest, KeysAuthenticateWithTheirRoleAndScope) {
  EXPECT_EQ(acme_.role, Role::kAdmin);
  EXPECT_EQ(acme_.chatbot, 0u);
  EXPECT_EQ(member_.role, Role::kMember);
  EXPECT_EQ(member_.workspace, acme_.workspace);
  EXPECT_EQ(scoped_.role, Role::kMember);
  EXPECT_EQ(scoped_.chatbot, e().GetChatbot(acme_, "bot1")->no);
  EXPECT_NE(beta_.workspace, acme_.workspace);
}

TEST_F(ControlTest, OperatorManagesWorkspaces) {
  auto ws = e().CreateWorkspace(h_.op(), std::nullopt, std::string("Gamma Inc"));
  ASSERT_OK(ws);
  EXPECT_EQ(ws->workspace.id.substr(0, 3), "ws_");
  EXPECT_EQ(ws->workspace.id.size(), 15u);
  EXPECT_EQ(ws->workspace.name, "Gamma Inc");
  EXPECT_EQ(ws->workspace.created_at, kT0);
  EXPECT_EQ(ws->admin_key.info.role, Role::kAdmin);
  EXPECT_EQ(ws->admin_key.info.workspace, ws->workspace.no);
  EXPECT_EQ(h_.Auth(ws->admin_key.plaintext).workspace, ws->workspace.no);

  auto list = e().ListWorkspaces(h_.op());
  ASSERT_OK(list);
  std::vector<std::string> ids;
  for (const Workspace& w : *list) ids.push_back(w.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"default", "acme", "beta", ws->workspace.id}));

  auto dup = e().CreateWorkspace(h_.op(), std::string("acme"), std::string("Again"));
  EXPECT_STATUS(dup, Code::kAlreadyExists, "A workspace with this id already exists");
  EXPECT_EQ(dup.status().issues(), (std::vector<Issue>{{"id", "Already exists"}}));

  auto bad = e().CreateWorkspace(h_.op(), std::string("no spaces"), std::nullopt);
  EXPECT_STATUS(bad, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(bad.status().issues(),
            (std::vector<Issue>{{"name", "Required"},
                                {"id", "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -"}}));
  EXPECT_EQ(e().CreateWorkspace(h_.op(), std::nullopt, std::string("")).status().issues(),
            (std::vector<Issue>{{"name", "Must not be empty"}}));
}

TEST_F(ControlTest, OnlyTheOperatorManagesWorkspaces) {
  for (const Principal& p : {acme_, member_, scoped_}) {
    EXPECT_DENIED(e().CreateWorkspace(p, std::string("x"), std::string("x")));
    EXPECT_DENIED(e().ListWorkspaces(p));
    EXPECT_DENIED(e().DeleteWorkspace(p, "beta"));
  }
  EXPECT_EQ(e().ListWorkspaces(h_.op())->size(), 3u);
}

TEST_F(ControlTest, MembersGetPermissionDeniedOnAdminOperations) {
  for (const Principal& p : {member_, scoped_}) {
    EXPECT_DENIED(e().CreateChatbot(p, ChatbotInput{"bot3", "Bot 3", {}}));
    EXPECT_DENIED(e().DeleteChatbot(p, "bot1"));
    EXPECT_DENIED(e().CreateApiKey(p, ApiKeyInput{"k", "member", std::nullopt}));
    EXPECT_DENIED(e().ListApiKeys(p));
    EXPECT_DENIED(e().RevokeApiKey(p, KeyIdOf(member_, acme_)));
  }
  ASSERT_OK(e().GetChatbot(acme_, "bot1"));
  EXPECT_OK(e().Authenticate(member_key_));
}

TEST_F(ControlTest, MembersUseContactsAndAttributes) {
  h_.Define(member_, "bot2", "plan", "text");
  ASSERT_OK(e().UpsertContacts(member_, "bot2",
                               {WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("pro")}})}));
  ASSERT_OK(e().GetContact(member_, "bot2", "u1"));
  EXPECT_EQ(ChatbotIds(member_), (std::vector<std::string>{"bot1", "bot2"}));
}

// ---- scopes

TEST_F(ControlTest, ChatbotScopedMemberSeesOnlyItsChatbot) {
  EXPECT_EQ(ChatbotIds(scoped_), std::vector<std::string>{"bot1"});
  ASSERT_OK(e().GetChatbot(scoped_, "bot1"));
  ASSERT_OK(e().UpsertContacts(scoped_, "bot1", {Item("u1")}));
  ASSERT_OK(e().UpsertContacts(acme_, "bot2", {Item("u1")}));

  EXPECT_NOT_FOUND(e().GetChatbot(scoped_, "bot2"));
  EXPECT_NOT_FOUND(e().UpsertContacts(scoped_, "bot2", {Item("u2")}));
  EXPECT_NOT_FOUND(e().ListContacts(scoped_, "bot2", 1, 10));
  EXPECT_NOT_FOUND(e().GetContact(scoped_, "bot2", "u1"));
  EXPECT_NOT_FOUND(e().UpdateContact(scoped_, "bot2", "u1", Item("u1", std::nullopt, "x")));
  EXPECT_NOT_FOUND(e().DeleteContact(scoped_, "bot2", "u1"));
  EXPECT_NOT_FOUND(e().ListAttributes(scoped_, "bot2"));
  AttributeInput def;
  def.name = "plan";
  EXPECT_NOT_FOUND(e().DefineAttribute(scoped_, "bot2", def));
  EXPECT_NOT_FOUND(e().UpdateAttribute(scoped_, "bot2", "plan", def));
  EXPECT_NOT_FOUND(e().CheckContacts(scoped_, "bot2", {Item("u1")}));
  // u1 of bot1 and u1 of bot2 are two contacts.
  EXPECT_NE(e().GetContact(acme_, "bot1", "u1")->contact.id,
            e().GetContact(acme_, "bot2", "u1")->contact.id);
}

TEST_F(ControlTest, KeyOfAnotherWorkspaceCannotSeeAChatbot) {
  ASSERT_OK(e().UpsertContacts(acme_, "bot2", {Item("u1", "a@acme.com")}));
  EXPECT_NOT_FOUND(e().GetChatbot(beta_, "bot2"));
  EXPECT_NOT_FOUND(e().ListContacts(beta_, "bot2", 1, 10));
  EXPECT_NOT_FOUND(e().GetContact(beta_, "bot2", "u1"));
  EXPECT_NOT_FOUND(e().DeleteChatbot(beta_, "bot2"));
  EXPECT_NOT_FOUND(e().CreateApiKey(beta_, ApiKeyInput{"k", "member", std::string("bot2")}));
  EXPECT_NOT_FOUND(e().RevokeApiKey(beta_, KeyIdOf(member_, acme_)));
  EXPECT_EQ(ChatbotIds(beta_), std::vector<std::string>{"bot1"});

  // The same public chatbot id in two workspaces names two chatbots with separate contacts.
  ASSERT_OK(e().UpsertContacts(acme_, "bot1", {Item("u1", "a@acme.com", "acme")}));
  ASSERT_OK(e().UpsertContacts(beta_, "bot1", {Item("u1", "a@acme.com", "beta")}));
  EXPECT_EQ(e().GetContact(acme_, "bot1", "u1")->contact.name, "acme");
  EXPECT_EQ(e().GetContact(beta_, "bot1", "u1")->contact.name, "beta");
  EXPECT_NE(e().GetChatbot(acme_, "bot1")->no, e().GetChatbot(beta_, "bot1")->no);
}

// ---- chatbots

TEST_F(ControlTest, AdminManagesChatbots) {
  h_.clock().Advance(7);
  auto cb = e().CreateChatbot(acme_, ChatbotInput{std::nullopt, "Generated", {}});
  ASSERT_OK(cb);
  EXPECT_EQ(cb->id.size(), 16u);
  EXPECT_EQ(cb->name, "Generated");
  EXPECT_EQ(cb->workspace, acme_.workspace);
  EXPECT_EQ(cb->created_at, kT0 + 7);
  EXPECT_EQ(ChatbotIds(acme_), (std::vector<std::string>{"bot1", "bot2", cb->id}));
  auto got = e().GetChatbot(acme_, cb->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->no, cb->no);

  auto dup = e().CreateChatbot(acme_, ChatbotInput{"bot1", "Again", {}});
  EXPECT_STATUS(dup, Code::kAlreadyExists, "A chatbot with this id already exists");
  EXPECT_EQ(dup.status().issues(), (std::vector<Issue>{{"id", "Already exists"}}));
  auto bad = e().CreateChatbot(acme_, ChatbotInput{"a/b", std::nullopt, {}});
  EXPECT_STATUS(bad, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(bad.status().issues(),
            (std::vector<Issue>{{"name", "Required"},
                                {"id", "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -"}}));

  ASSERT_OK(e().DeleteChatbot(acme_, cb->id));
  EXPECT_NOT_FOUND(e().GetChatbot(acme_, cb->id));
  EXPECT_NOT_FOUND(e().DeleteChatbot(acme_, cb->id));
  EXPECT_EQ(ChatbotIds(acme_), (std::vector<std::string>{"bot1", "bot2"}));
}

TEST_F(ControlTest, DeletingAChatbotRemovesItsContactsAttributesAndScopedKeys) {
  h_.Define(acme_, "bot1", "plan", "text");
  ASSERT_OK(e().UpsertContacts(
      acme_, "bot1",
      {WithAttrs(Item("u1", "a@acme.com"), Attrs{{"plan", RawValue::String("p")}}), Item("u2")}));
  ASSERT_OK(e().UpsertContacts(acme_, "bot2", {Item("u1")}));
  ASSERT_EQ(h_.storage().contact_count(), 3u);
  const size_t keys = e().ListApiKeys(acme_)->size();

  ASSERT_OK(e().DeleteChatbot(acme_, "bot1"));
  EXPECT_NOT_FOUND(e().GetChatbot(acme_, "bot1"));
  EXPECT_NOT_FOUND(e().ListContacts(acme_, "bot1", 1, 10));
  EXPECT_STATUS(e().Authenticate(scoped_key_), Code::kUnauthenticated, "Unauthorized access");
  EXPECT_EQ(e().ListApiKeys(acme_)->size(), keys - 1);
  EXPECT_OK(e().Authenticate(member_key_));  // unscoped keys stay
  EXPECT_EQ(h_.storage().contact_count(), 1u);
  EXPECT_EQ(h_.All(acme_, "bot2").size(), 1u);
  EXPECT_EQ(h_.All(beta_, "bot1").size(), 0u);

  // A new chatbot with the same id starts empty, also after a restart.
  h_.NewChatbot(acme_, "bot1");
  h_.Restart();
  EXPECT_TRUE(h_.All(acme_, "bot1").empty());
  EXPECT_TRUE(e().ListAttributes(acme_, "bot1")->empty());
  EXPECT_STATUS(e().Authenticate(scoped_key_), Code::kUnauthenticated, "Unauthorized access");
  ASSERT_OK(e().UpsertContacts(acme_, "bot1", {Item("u1", "a@acme.com")}));
}

// ---- workspaces

TEST_F(ControlTest, DeletingAWorkspaceRemovesEverythingInIt) {
  h_.Define(acme_, "bot1", "plan", "text");
  ASSERT_OK(e().UpsertContacts(acme_, "bot1", {Item("u1")}));
  ASSERT_OK(e().UpsertContacts(acme_, "bot2", {Item("u1")}));
  ASSERT_OK(e().UpsertContacts(beta_, "bot1", {Item("u1")}));

  ASSERT_OK(e().DeleteWorkspace(h_.op(), "acme"));
  for (const std::string& key : {acme_key_, member_key_, scoped_key_}) {
    EXPECT_STATUS(e().Authenticate(key), Code::kUnauthenticated, "Unauthorized access");
  }
  // A principal authenticated before the delete finds nothing any more.
  EXPECT_NOT_FOUND(e().GetChatbot(acme_, "bot1"));
  EXPECT_TRUE(e().ListChatbots(acme_)->empty());
  EXPECT_EQ(h_.storage().contact_count(), 1u);
  EXPECT_EQ(h_.All(beta_, "bot1").size(), 1u);
  EXPECT_NOT_FOUND(e().DeleteWorkspace(h_.op(), "acme"));
  EXPECT_NOT_FOUND(e().DeleteWorkspace(h_.op(), "nope"));

  h_.Restart();
  ASSERT_EQ(e().ListWorkspaces(h_.op())->size(), 2u);
  EXPECT_STATUS(e().Authenticate(acme_key_), Code::kUnauthenticated, "Unauthorized access");
  // The id can be used again; the new workspace is empty.
  const Principal again = h_.Auth(h_.NewWorkspace("acme"));
  EXPECT_NE(again.workspace, acme_.workspace);
  EXPECT_TRUE(e().ListChatbots(again)->empty());
  EXPECT_NOT_FOUND(e().GetChatbot(again, "bot1"));
}

TEST_F(ControlTest, DefaultWorkspaceCannotBeDeleted) {
  EXPECT_STATUS(e().DeleteWorkspace(h_.op(), "default"), Code::kFailedPrecondition,
                "This workspace holds the operator key and cannot be deleted");
  EXPECT_OK(e().Authenticate(kOperatorKey));
}

TEST_F(ControlTest, NumbersOfDeletedEntitiesAreNeverReusedAfterRestart) {
  h_.NewChatbot(acme_, "bot3");
  const ChatbotNo bot3 = e().GetChatbot(acme_, "bot3")->no;
  ASSERT_OK(e().DeleteChatbot(acme_, "bot3"));
  const std::string gamma_key = h_.NewWorkspace("gamma");
  const WorkspaceNo gamma = h_.Auth(gamma_key).workspace;
  ASSERT_OK(e().DeleteWorkspace(h_.op(), "gamma"));
  const std::string last_key = h_.NewKey(acme_, "member");
  const Principal last = h_.Auth(last_key);
  ASSERT_OK(e().RevokeApiKey(acme_, KeyIdOf(last, acme_)));

  h_.Restart();
  h_.NewChatbot(acme_, "bot3");
  EXPECT_EQ(e().GetChatbot(acme_, "bot3")->no, bot3 + 1);
  const std::string delta_key = h_.NewWorkspace("delta");  // also makes key last.key + 1
  EXPECT_EQ(h_.Auth(delta_key).workspace, gamma + 1);
  EXPECT_EQ(h_.Auth(delta_key).key, last.key + 1);
}

// ---- API keys

TEST_F(ControlTest, AdminCreatesAndListsKeys) {
  auto key = e().CreateApiKey(acme_, ApiKeyInput{"CI", std::nullopt, std::string("bot2")});
  ASSERT_OK(key);
  EXPECT_EQ(key->plaintext.substr(0, 8), "oc_live_");
  EXPECT_EQ(key->info.prefix, key->plaintext.substr(0, 12));
  EXPECT_EQ(key->info.id.substr(0, 4), "key_");
  EXPECT_EQ(key->info.name, "CI");
  EXPECT_EQ(key->info.role, Role::kMember);  // the default role
  EXPECT_EQ(key->info.chatbot_id, "bot2");
  EXPECT_EQ(key->info.created_at, kT0);
  EXPECT_EQ(h_.Auth(key->plaintext).chatbot, e().GetChatbot(acme_, "bot2")->no);

  auto admin = e().CreateApiKey(acme_, ApiKeyInput{"Second admin", "admin", std::nullopt});
  ASSERT_OK(admin);
  EXPECT_EQ(h_.Auth(admin->plaintext).role, Role::kAdmin);

  auto keys = e().ListApiKeys(acme_);
  ASSERT_OK(keys);
  std::vector<std::string> names;
  for (const ApiKeyInfo& k : *keys) names.push_back(k.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"admin", "member key", "member key", "CI", "Second admin"}));
  EXPECT_EQ(e().ListApiKeys(beta_)->size(), 1u);
}

TEST_F(ControlTest, KeyInputIsValidated) {
  auto r = e().CreateApiKey(acme_, ApiKeyInput{std::nullopt, "operator", std::nullopt});
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"name", "Required"},
                                                     {"role", "Must be \"admin\" or \"member\""}}));
  auto scoped_admin = e().CreateApiKey(acme_, ApiKeyInput{"k", "admin", std::string("bot1")});
  EXPECT_EQ(scoped_admin.status().issues(),
            (std::vector<Issue>{{"chatbot_id", "Only member keys can be scoped to a chatbot"}}));
  EXPECT_NOT_FOUND(e().CreateApiKey(acme_, ApiKeyInput{"k", "member", std::string("nobot")}));
}

TEST_F(ControlTest, RevokedKeyIsRejectedAtOnce) {
  const std::string id = KeyIdOf(member_, acme_);
  ASSERT_OK(e().RevokeApiKey(acme_, id));
  EXPECT_STATUS(e().Authenticate(member_key_), Code::kUnauthenticated, "Unauthorized access");
  EXPECT_NOT_FOUND(e().RevokeApiKey(acme_, id));
  EXPECT_NOT_FOUND(e().RevokeApiKey(acme_, "key_unknown"));
  EXPECT_OK(e().Authenticate(scoped_key_));
  h_.Restart();
  EXPECT_STATUS(e().Authenticate(member_key_), Code::kUnauthenticated, "Unauthorized access");
  // An admin may revoke its own key.
  ASSERT_OK(e().RevokeApiKey(acme_, KeyIdOf(acme_, acme_)));
  EXPECT_STATUS(e().Authenticate(acme_key_), Code::kUnauthenticated, "Unauthorized access");
}

TEST_F(ControlTest, OperatorKeyCannotBeRevoked) {
  const std::string id = KeyIdOf(h_.op(), h_.op());
  EXPECT_STATUS(e().RevokeApiKey(h_.op(), id), Code::kFailedPrecondition,
                "The operator key cannot be revoked");
  EXPECT_OK(e().Authenticate(kOperatorKey));
  EXPECT_NOT_FOUND(e().RevokeApiKey(acme_, id));  // other workspaces cannot even see it
}

// ---- custom attributes

TEST_F(ControlTest, DefineAppliesDefaultsAndNumbersInOrder) {
  AttributeInput plan;
  plan.name = "plan";
  auto a = e().DefineAttribute(acme_, "bot1", plan);
  ASSERT_OK(a);
  EXPECT_EQ(*a, (AttrDef{1, "plan", AttrType::kText, "plan", "", false, kT0}));

  AttributeInput ltv;
  ltv.name = "ltv";
  ltv.type = "number";
  ltv.label = "Lifetime value";
  ltv.description = "In USD.\nUpdated nightly.";
  ltv.archived = true;
  auto b = e().DefineAttribute(member_, "bot1", ltv);
  ASSERT_OK(b);
  EXPECT_EQ(*b, (AttrDef{2, "ltv", AttrType::kNumber, "Lifetime value", "In USD.\nUpdated nightly.",
                         true, kT0}));
  EXPECT_EQ(*e().ListAttributes(acme_, "bot1"), (std::vector<AttrDef>{*a, *b}));
  EXPECT_TRUE(e().ListAttributes(acme_, "bot2")->empty());  // per chatbot
}

TEST_F(ControlTest, AttributeNameRules) {
  auto issues = [&](std::optional<std::string> name) {
    AttributeInput in;
    in.name = std::move(name);
    auto r = e().DefineAttribute(acme_, "bot1", in);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    return r.status().issues();
  };
  const std::string shape = "Name must start with a letter and use only letters, digits, _ and -";
  EXPECT_EQ(issues(std::nullopt), (std::vector<Issue>{{"name", "Required"}}));
  EXPECT_EQ(issues(""), (std::vector<Issue>{{"name", "Name is required"}}));
  EXPECT_EQ(issues("1plan"), (std::vector<Issue>{{"name", shape}}));
  EXPECT_EQ(issues("_plan"), (std::vector<Issue>{{"name", shape}}));
  EXPECT_EQ(issues("my plan"), (std::vector<Issue>{{"name", shape}}));
  EXPECT_EQ(issues("plan.tier"), (std::vector<Issue>{{"name", shape}}));
  EXPECT_EQ(issues("plän"), (std::vector<Issue>{{"name", shape}}));
  EXPECT_EQ(issues(std::string(65, 'a')),
            (std::vector<Issue>{{"name", "Name must be at most 64 characters"}}));
  for (const char* reserved : {"email", "EMAIL", "External_Id", "name", "phonenumber", "id",
                               "created_at", "custom_attributes", "stripe_accounts", "tags"}) {
    EXPECT_EQ(issues(reserved),
              (std::vector<Issue>{
                  {"name", "Name '" + std::string(reserved) + "' is reserved for a core field"}}));
  }
  EXPECT_TRUE(e().ListAttributes(acme_, "bot1")->empty());
  for (const char* ok : {"a", "Plan_Tier-2", "emailAddress", "z9"}) {
    AttributeInput in;
    in.name = ok;
    EXPECT_OK(e().DefineAttribute(acme_, "bot1", in));
  }
  AttributeInput max;
  max.name = std::string(64, 'b');
  EXPECT_OK(e().DefineAttribute(acme_, "bot1", max));
}

TEST_F(ControlTest, AttributeNamesAreUniqueIgnoringCase) {
  h_.Define(acme_, "bot1", "plan", "text");
  for (const char* name : {"plan", "Plan", "PLAN"}) {
    AttributeInput in;
    in.name = name;
    in.type = "number";
    auto r = e().DefineAttribute(acme_, "bot1", in);
    EXPECT_STATUS(r, Code::kAlreadyExists, "A custom attribute with this name already exists");
    EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"name", "'plan' already exists"}}));
  }
  AttributeInput other_bot;
  other_bot.name = "Plan";
  EXPECT_OK(e().DefineAttribute(acme_, "bot2", other_bot));
}

TEST_F(ControlTest, AttributeTypeAndTextFieldsAreValidated) {
  AttributeInput in;
  in.name = "x";
  in.type = "string";
  in.label = "";
  in.description = std::string(2001, 'd');
  auto r = e().DefineAttribute(acme_, "bot1", in);
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{{"type", "Must be one of text, number, boolean, date"},
                                {"label", "Must not be empty"},
                                {"description", "Must be at most 2000 bytes"}}));
  in.type = "date";
  in.label = "bad\nlabel";
  in.description = "ok";
  EXPECT_EQ(e().DefineAttribute(acme_, "bot1", in).status().issues(),
            (std::vector<Issue>{{"label", "Must not contain control characters"}}));
}

TEST_F(ControlTest, UpdateAttributeChangesLabelDescriptionAndArchived) {
  h_.Define(acme_, "bot1", "plan", "text");
  h_.clock().Advance(50);
  AttributeInput change;
  change.label = "Plan tier";
  change.description = "Billing plan";
  auto r = e().UpdateAttribute(member_, "bot1", "plan", change);
  ASSERT_OK(r);
  EXPECT_EQ(*r, (AttrDef{1, "plan", AttrType::kText, "Plan tier", "Billing plan", false, kT0}));

  AttributeInput archive;
  archive.archived = true;
  EXPECT_TRUE(e().UpdateAttribute(acme_, "bot1", "plan", archive)->archived);
  EXPECT_TRUE(e().ListAttributes(acme_, "bot1")->at(0).archived);
  auto write = e().UpsertContacts(
      acme_, "bot1", {WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("pro")}})});
  EXPECT_EQ(write.status().issues(),
            (std::vector<Issue>{
                {"[0].custom_attributes.plan", "Attribute is archived; only null is accepted"}}));

  AttributeInput restore;
  restore.archived = false;
  EXPECT_FALSE(e().UpdateAttribute(acme_, "bot1", "plan", restore)->archived);
  EXPECT_OK(e().UpsertContacts(acme_, "bot1",
                               {WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("pro")}})}));

  // An unchanged definition is not written again.
  const size_t commits = h_.storage().commit_count();
  EXPECT_OK(e().UpdateAttribute(acme_, "bot1", "plan", restore));
  EXPECT_EQ(h_.storage().commit_count(), commits);

  h_.Restart();
  EXPECT_EQ(e().ListAttributes(acme_, "bot1")->at(0),
            (AttrDef{1, "plan", AttrType::kText, "Plan tier", "Billing plan", false, kT0}));
}

TEST_F(ControlTest, AttributeNameAndTypeAreImmutable) {
  h_.Define(acme_, "bot1", "plan", "text");
  AttributeInput rename;
  rename.name = "tier";
  rename.type = "number";
  auto r = e().UpdateAttribute(acme_, "bot1", "plan", rename);
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{{"name", "Cannot be changed"}, {"type", "Cannot be changed"}}));
  AttributeInput same;
  same.name = "plan";
  same.type = "text";
  same.label = "Plan";
  ASSERT_OK(e().UpdateAttribute(acme_, "bot1", "plan", same));
  EXPECT_EQ(e().ListAttributes(acme_, "bot1")->at(0).label, "Plan");
}

TEST_F(ControlTest, UpdatingAnUnknownAttributeIsNotFound) {
  h_.Define(acme_, "bot1", "plan", "text");
  AttributeInput in;
  in.label = "x";
  EXPECT_NOT_FOUND(e().UpdateAttribute(acme_, "bot1", "tier", in));
  EXPECT_NOT_FOUND(e().UpdateAttribute(acme_, "bot2", "plan", in));
  EXPECT_NOT_FOUND(e().UpdateAttribute(acme_, "nobot", "plan", in));
}

}  // namespace
}  // namespace contactd
