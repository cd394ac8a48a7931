// Engine durability through the facade (engine/engine.h): bootstrap, storage failures that must
// leave memory unchanged, and restarts that must recover everything.
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

class DurabilityTest : public testing::ChatbotFixture {};

// ---- bootstrap

TEST(BootstrapTest, FirstStartCreatesDefaultWorkspaceAndGeneratedOperatorKey) {
  MemoryStorage storage;
  ManualClock clock(kT0);
  Engine engine(&storage, EngineOptions{2, &clock});
  ASSERT_OK(engine.Recover());
  auto boot = engine.Bootstrap(std::nullopt);
  ASSERT_OK(boot);
  EXPECT_TRUE(boot->created);
  EXPECT_FALSE(boot->given_key_ignored);
  EXPECT_EQ(boot->operator_key.substr(0, 8), "oc_live_");
  EXPECT_EQ(boot->operator_key.size(), 40u);

  auto p = engine.Authenticate(boot->operator_key);
  ASSERT_OK(p);
  EXPECT_EQ(p->role, Role::kOperator);
  EXPECT_EQ(p->chatbot, 0u);
  auto workspaces = engine.ListWorkspaces(*p);
  ASSERT_OK(workspaces);
  ASSERT_EQ(workspaces->size(), 1u);
  EXPECT_EQ((*workspaces)[0].id, "default");
  EXPECT_EQ((*workspaces)[0].no, p->workspace);
  EXPECT_EQ((*workspaces)[0].created_at, kT0);

  auto again = engine.Bootstrap(std::nullopt);
  ASSERT_OK(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->operator_key, "");
  EXPECT_EQ(engine.ListWorkspaces(*p)->size(), 1u);
}

TEST(BootstrapTest, GivenOperatorKeyIsUsedAndReportedWhenIgnored) {
  EngineHarness h;  // bootstraps with kOperatorKey
  EXPECT_EQ(h.op().role, Role::kOperator);
  auto same = h.engine().Bootstrap(std::string(kOperatorKey));
  ASSERT_OK(same);
  EXPECT_FALSE(same->created);
  EXPECT_FALSE(same->given_key_ignored);
  auto other = h.engine().Bootstrap(std::string("oc_test_another_operator_key_xx"));
  ASSERT_OK(other);
  EXPECT_FALSE(other->created);
  EXPECT_TRUE(other->given_key_ignored);
  EXPECT_STATUS(h.engine().Authenticate("oc_test_another_operator_key_xx"), Code::kUnauthenticated,
                "Unauthorized access");
}

TEST(BootstrapTest, UnknownOrEmptyKeysAreUnauthenticated) {
  EngineHarness h;
  EXPECT_STATUS(h.engine().Authenticate(""), Code::kUnauthenticated, "Unauthorized access");
  EXPECT_STATUS(h.engine().Authenticate("oc_live_nope"), Code::kUnauthenticated,
                "Unauthorized access");
  EXPECT_STATUS(h.engine().Authenticate(std::string(kOperatorKey) + "x"), Code::kUnauthenticated,
                "Unauthorized access");
}

// ---- storage failures

TEST_F(DurabilityTest, FailedCommitsLeaveMemoryUnchanged) {
  ASSERT_OK(Upsert({Item("u1", "a@acme.com", "A"), Item("u2", "b@acme.com")}));
  const std::vector<Contact> before = All();
  const auto attrs_before = *e().ListAttributes(admin_, "bot");
  h_.clock().Advance(1);

  h_.storage().FailNextCommits(1);
  EXPECT_EQ(Upsert({Item("u1", std::nullopt, "Changed"), Item("u3")}).status().code(),
            Code::kUnavailable);
  h_.storage().FailNextCommits(1);
  ContactInput patch;
  patch.email.Set("c@acme.com");
  EXPECT_EQ(e().UpdateContact(admin_, "bot", "u1", patch).status().code(), Code::kUnavailable);
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().DeleteContact(admin_, "bot", "u2").status().code(), Code::kUnavailable);
  h_.storage().FailNextCommits(1);
  AttributeInput def;
  def.name = "extra";
  EXPECT_EQ(e().DefineAttribute(admin_, "bot", def).status().code(), Code::kUnavailable);
  h_.storage().FailNextCommits(1);
  AttributeInput archive;
  archive.archived = true;
  EXPECT_EQ(e().UpdateAttribute(admin_, "bot", "plan", archive).status().code(),
            Code::kUnavailable);

  EXPECT_EQ(All(), before);
  EXPECT_EQ(*e().ListAttributes(admin_, "bot"), attrs_before);
  EXPECT_EQ(h_.storage().contact_count(), 2u);
  // The keys the failed writes would have changed are free and nothing stays locked.
  ASSERT_OK(Upsert({Item("u3", "c@acme.com")}));
  ASSERT_OK(e().DeleteContact(admin_, "bot", "u2"));
  ASSERT_OK(e().DefineAttribute(admin_, "bot", def));
  // Ids are assigned once: the id the failed create took (3) is not handed out again.
  EXPECT_EQ(Get("u3").id, 4u);
}

TEST_F(DurabilityTest, FailedControlCommitsLeaveMemoryUnchanged) {
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().CreateChatbot(admin_, ChatbotInput{"bot2", "Bot 2", {}}).status().code(),
            Code::kUnavailable);
  EXPECT_NOT_FOUND(e().GetChatbot(admin_, "bot2"));
  ASSERT_OK(e().UpsertContacts(admin_, "bot", {Item("u1")}));

  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().DeleteChatbot(admin_, "bot").code(), Code::kUnavailable);
  ASSERT_OK(e().GetChatbot(admin_, "bot"));
  EXPECT_EQ(All().size(), 1u);

  const size_t keys = e().ListApiKeys(admin_)->size();
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().CreateApiKey(admin_, ApiKeyInput{"k", "member", std::nullopt}).status().code(),
            Code::kUnavailable);
  EXPECT_EQ(e().ListApiKeys(admin_)->size(), keys);

  const std::string member_key = h_.NewKey(admin_, "member");
  const std::string member_id = e().ListApiKeys(admin_)->back().id;
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().RevokeApiKey(admin_, member_id).code(), Code::kUnavailable);
  EXPECT_OK(e().Authenticate(member_key));

  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().CreateWorkspace(h_.op(), std::string("ws2"), std::string("W")).status().code(),
            Code::kUnavailable);
  EXPECT_EQ(e().ListWorkspaces(h_.op())->size(), 2u);
  h_.storage().FailNextCommits(1);
  EXPECT_EQ(e().DeleteWorkspace(h_.op(), "acme").code(), Code::kUnavailable);
  EXPECT_OK(e().Authenticate(admin_key_));
  EXPECT_EQ(All().size(), 1u);
}

// ---- restart

TEST_F(DurabilityTest, RestartRecoversEverything) {
  ContactInput full =
      WithAttrs(Item("u1", "müller@example.de", "Sam"),
                Attrs{{"plan", RawValue::String("pro")},
                      {"ltv", RawValue::Double(5.5)},
                      {"vip", RawValue::Bool(false)},
                      {"renewal", RawValue::String("2026-11-21T10:00:00.5+02:00")}});
  full.phonenumber.Set("+14155550100");
  full.stripe_accounts.Set({{"main", "cus_1", "billing@acme.com"}});
  ASSERT_OK(Upsert({full, Item("u2"), Item("u3", "c@acme.com")}));
  h_.clock().Advance(30);
  ASSERT_OK(Upsert({Item("u2", std::nullopt, "Later")}));
  AttributeInput archive;
  archive.archived = true;
  archive.label = "Plan (old)";
  ASSERT_OK(e().UpdateAttribute(admin_, "bot", "plan", archive));
  const std::string member_key = h_.NewKey(admin_, "member", "bot");
  const std::string revoked_key = h_.NewKey(admin_, "member");
  ASSERT_OK(e().RevokeApiKey(admin_, e().ListApiKeys(admin_)->back().id));
  // The highest id is deleted: it must not be handed out again after the restart.
  const ContactId max_id = Get("u3").id;
  ASSERT_OK(e().DeleteContact(admin_, "bot", "u3"));

  const std::vector<Contact> contacts = All();
  const auto attrs = *e().ListAttributes(admin_, "bot");
  const auto chatbots = *e().ListChatbots(admin_);
  const auto keys = *e().ListApiKeys(admin_);
  const auto workspaces = *e().ListWorkspaces(h_.op());

  h_.Restart();
  EXPECT_EQ(All(), contacts);
  EXPECT_EQ(*e().ListAttributes(admin_, "bot"), attrs);
  const auto workspaces_after = *e().ListWorkspaces(h_.op());
  ASSERT_EQ(workspaces_after.size(), workspaces.size());
  for (size_t i = 0; i < workspaces.size(); ++i) {
    EXPECT_EQ(workspaces_after[i].no, workspaces[i].no);
    EXPECT_EQ(workspaces_after[i].id, workspaces[i].id);
    EXPECT_EQ(workspaces_after[i].name, workspaces[i].name);
    EXPECT_EQ(workspaces_after[i].created_at, workspaces[i].created_at);
  }
  const auto chatbots_after = *e().ListChatbots(admin_);
  ASSERT_EQ(chatbots_after.size(), chatbots.size());
  EXPECT_EQ(chatbots_after[0].id, chatbots[0].id);
  EXPECT_EQ(chatbots_after[0].no, chatbots[0].no);
  EXPECT_EQ(chatbots_after[0].created_at, chatbots[0].created_at);
  const auto keys_after = *e().ListApiKeys(admin_);
  ASSERT_EQ(keys_after.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys_after[i].id, keys[i].id);
    EXPECT_EQ(keys_after[i].role, keys[i].role);
    EXPECT_EQ(keys_after[i].chatbot_id, keys[i].chatbot_id);
    EXPECT_EQ(keys_after[i].digest, keys[i].digest);
  }
  EXPECT_EQ(h_.Auth(admin_key_).role, Role::kAdmin);
  const Principal member = h_.Auth(member_key);
  EXPECT_EQ(member.role, Role::kMember);
  EXPECT_EQ(member.chatbot, chatbots[0].no);
  EXPECT_EQ(h_.Auth(kOperatorKey).role, Role::kOperator);
  EXPECT_STATUS(e().Authenticate(revoked_key), Code::kUnauthenticated, "Unauthorized access");
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "u3"));
  EXPECT_EQ(std::get<DateTime>(Get("u1").attrs[3].value), (DateTime{1795248000, 500000000, 120}));

  // Uniqueness indexes are rebuilt.
  EXPECT_EQ(Upsert({Item("u9", "MÜLLER@example.de")}).status().code(), Code::kAlreadyExists);
  auto fresh = Upsert({Item("u4", "c@acme.com")});
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->contacts[0].id, max_id + 1);
  EXPECT_EQ(fresh->contacts[0].created_at, kT0 + 30);
}

TEST_F(DurabilityTest, RestartNeverReusesTheIdOfADeletedNewestContact) {
  auto r = Upsert({Item("a"), Item("b"), Item("c")});
  ASSERT_OK(r);
  const ContactId highest = r->contacts[2].id;
  ASSERT_OK(e().DeleteContact(admin_, "bot", "c"));
  h_.Restart();
  auto next = Upsert({Item("d")});
  ASSERT_OK(next);
  EXPECT_EQ(next->contacts[0].id, highest + 1);
  h_.Restart();
  ASSERT_OK(e().DeleteContact(admin_, "bot", "d"));
  h_.Restart();
  EXPECT_EQ(Upsert({Item("e")})->contacts[0].id, highest + 2);
}

TEST_F(DurabilityTest, RestartReportsWhatItLoaded) {
  ASSERT_OK(Upsert({Item("a"), Item("b")}));
  Engine second(&h_.storage(), EngineOptions{1, &h_.clock()});
  auto stats = second.Recover();
  ASSERT_OK(stats);
  EXPECT_EQ(stats->workspaces, 2u);
  EXPECT_EQ(stats->chatbots, 1u);
  EXPECT_EQ(stats->contacts, 2u);
  auto boot = second.Bootstrap(std::nullopt);
  ASSERT_OK(boot);
  EXPECT_FALSE(boot->created);
}

}  // namespace
}  // namespace contactd
