// Tests of net/render.h: the v1 JSON of contacts, attributes, chatbots, workspaces and API keys,
// and the success envelopes.
#include "net/render.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/json.h"

namespace contactd::net {
namespace {

using contactd::testing::Json;

std::string Render(const Schema& schema, const Contact& c) {
  std::string out;
  JsonWriter w(&out);
  WriteContact(w, schema, c);
  return out;
}

AttrDef Def(AttrNo no, std::string name, AttrType type) {
  AttrDef d;
  d.no = no;
  d.name = std::move(name);
  d.type = type;
  d.label = d.name;
  return d;
}

Schema TestSchema() {
  return Schema({Def(1, "plan", AttrType::kText), Def(2, "ltv", AttrType::kNumber),
                 Def(3, "score", AttrType::kNumber), Def(4, "vip", AttrType::kBoolean),
                 Def(5, "renews", AttrType::kDate), Def(6, "signup", AttrType::kDate)});
}

TEST(WriteContactTest, MinimalContactHasEveryFieldWithNulls) {
  Contact c;
  c.id = 42;
  c.external_id = "user_8821";
  c.created_at = 1763683200;
  c.updated_at = 1763683201;
  EXPECT_EQ(Render(Schema(), c),
            R"({"id":"contact_42","external_id":"user_8821","name":null,"email":null,)"
            R"("phonenumber":null,"stripe_accounts":[],"custom_attributes":{},)"
            R"("created_at":1763683200,"updated_at":1763683201})");
}

TEST(WriteContactTest, FullContact) {
  Contact c;
  c.id = 7;
  c.external_id = "ext \"7\"";
  c.name = "Sam Rivera";
  c.email = "sam@acme.com";
  c.phonenumber = "+14155550100";
  c.stripe_accounts = {{"main", "cus_123", "billing@acme.com"},
                       {"side", std::nullopt, "side@acme.com"},
                       {"old", "cus_9", std::nullopt}};
  c.created_at = 1;
  c.updated_at = 2;
  const std::string out = Render(Schema(), c);
  EXPECT_EQ(out, R"({"id":"contact_7","external_id":"ext \"7\"","name":"Sam Rivera",)"
                 R"("email":"sam@acme.com","phonenumber":"+14155550100","stripe_accounts":[)"
                 R"({"label":"main","stripe_id":"cus_123","stripe_email":"billing@acme.com"},)"
                 R"({"label":"side","stripe_id":null,"stripe_email":"side@acme.com"},)"
                 R"({"label":"old","stripe_id":"cus_9","stripe_email":null}],)"
                 R"("custom_attributes":{},"created_at":1,"updated_at":2})");
  Json j(out);
  ASSERT_TRUE(j.valid()) << out;
  EXPECT_EQ(j["external_id"].str(), "ext \"7\"");
  EXPECT_TRUE(j["stripe_accounts"][1]["stripe_id"].is_null());
}

TEST(WriteContactTest, CustomAttributesInDefinitionOrderWithTypedValues) {
  Contact c;
  c.id = 1;
  c.external_id = "u";
  // attrs are sorted by number, one entry per attribute; 3 (score) is not set.
  c.attrs = {{1, std::string("pro")},
             {2, int64_t{540}},
             {4, true},
             {5, DateTime{1795219200, 0, 0, true}},
             {6, DateTime{1795248000, 500000000, 120, false}}};
  const std::string out = Render(TestSchema(), c);
  Json j(out);
  ASSERT_TRUE(j.valid()) << out;
  EXPECT_EQ(j["custom_attributes"].keys(),
            (std::vector<std::string>{"plan", "ltv", "vip", "renews", "signup"}));
  EXPECT_NE(out.find(R"("custom_attributes":{"plan":"pro","ltv":540,"vip":true,)"
                     R"("renews":"2026-11-21","signup":"2026-11-21T10:00:00.5+02:00"})"),
            std::string::npos)
      << out;
}

TEST(WriteContactTest, NumbersKeepIntOrDouble) {
  Contact c;
  c.id = 1;
  c.external_id = "u";
  c.attrs = {{2, std::numeric_limits<int64_t>::max()}, {3, 0.1}};
  std::string out = Render(TestSchema(), c);
  EXPECT_NE(out.find(R"("custom_attributes":{"ltv":9223372036854775807,"score":0.1})"),
            std::string::npos)
      << out;

  c.attrs = {{2, int64_t{-3}}, {3, 2.0}};
  out = Render(TestSchema(), c);
  EXPECT_NE(out.find(R"("custom_attributes":{"ltv":-3,"score":2})"), std::string::npos) << out;

  c.attrs = {{3, 1e21}};
  out = Render(TestSchema(), c);
  EXPECT_NE(out.find(R"("custom_attributes":{"score":1e+21})"), std::string::npos) << out;
  EXPECT_EQ(Json(out)["custom_attributes"]["score"].num(), 1e21);
}

TEST(WriteContactTest, BooleansAndEscapedText) {
  Contact c;
  c.id = 1;
  c.external_id = "u";
  c.attrs = {{1, std::string("line\n\"q\"")}, {4, false}};
  const std::string out = Render(TestSchema(), c);
  EXPECT_NE(out.find(R"("custom_attributes":{"plan":"line\n\"q\"","vip":false})"),
            std::string::npos)
      << out;
  Json j(out);
  EXPECT_EQ(j["custom_attributes"]["plan"].str(), "line\n\"q\"");
  EXPECT_FALSE(j["custom_attributes"]["vip"].boolean());
}

TEST(WriteContactTest, NamesComeFromTheSchema) {
  // The same attribute number renders under whatever name the schema gives it.
  Contact c;
  c.id = 1;
  c.external_id = "u";
  c.attrs = {{1, std::string("x")}};
  EXPECT_NE(Render(Schema({Def(1, "Tier", AttrType::kText)}), c)
                .find(R"("custom_attributes":{"Tier":"x"})"),
            std::string::npos);
}

TEST(WriteContactTest, AttributeMissingFromTheSchemaIsSkipped) {
  Contact c;
  c.id = 1;
  c.external_id = "u";
  c.attrs = {{1, std::string("x")}, {9, std::string("ghost")}};
  const std::string out = Render(Schema({Def(1, "plan", AttrType::kText)}), c);
  EXPECT_NE(out.find(R"("custom_attributes":{"plan":"x"})"), std::string::npos) << out;
  EXPECT_TRUE(Json(out).valid());
}

TEST(WriteContactTest, ContactsInAnArrayAreSeparated) {
  Contact a, b;
  a.id = 1;
  a.external_id = "a";
  b.id = 2;
  b.external_id = "b";
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  WriteContact(w, Schema(), a);
  WriteContact(w, Schema(), b);
  w.EndArray();
  Json j(out);
  ASSERT_TRUE(j.valid()) << out;
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["id"].str(), "contact_2");
}

TEST(WriteAttributeTest, AllFields) {
  AttrDef d = Def(3, "ltv", AttrType::kNumber);
  d.label = "Lifetime value";
  d.description = "USD";
  d.archived = true;
  d.created_at = 1763683200;
  std::string out;
  JsonWriter w(&out);
  WriteAttribute(w, d);
  EXPECT_EQ(out, R"({"name":"ltv","type":"number","label":"Lifetime value","description":"USD",)"
                 R"("archived":true,"created_at":1763683200})");
  for (auto [type, name] : {std::pair{AttrType::kText, "text"},
                            {AttrType::kBoolean, "boolean"},
                            {AttrType::kDate, "date"}}) {
    std::string s;
    JsonWriter ws(&s);
    WriteAttribute(ws, Def(1, "a", type));
    EXPECT_EQ(Json(s)["type"].str(), name);
  }
}

TEST(WriteChatbotTest, Fields) {
  ChatbotInfo c;
  c.workspace = 3;
  c.no = 9;
  c.id = "support-bot";
  c.name = "Support";
  c.created_at = 5;
  std::string out;
  JsonWriter w(&out);
  WriteChatbot(w, c);
  EXPECT_EQ(out, R"({"id":"support-bot","name":"Support","default_country":null,"created_at":5})");
  c.default_country = "GB";
  out.clear();
  JsonWriter w2(&out);
  WriteChatbot(w2, c);
  EXPECT_EQ(out, R"({"id":"support-bot","name":"Support","default_country":"GB","created_at":5})");
}

TEST(WriteWorkspaceTest, Fields) {
  Workspace ws;
  ws.no = 2;
  ws.id = "acme";
  ws.name = "Acme";
  ws.created_at = 6;
  std::string out;
  JsonWriter w(&out);
  WriteWorkspace(w, ws);
  EXPECT_EQ(out, R"({"id":"acme","name":"Acme","created_at":6})");
}

ApiKeyInfo TestKey() {
  ApiKeyInfo k;
  k.workspace = 1;
  k.no = 4;
  k.id = "key_4";
  k.name = "ci";
  k.role = Role::kAdmin;
  k.prefix = "oc_live_ab";
  for (size_t i = 0; i < k.digest.size(); ++i) k.digest[i] = static_cast<uint8_t>(0xa0 + i);
  k.created_at = 7;
  return k;
}

TEST(WriteApiKeyTest, UnscopedKeyHasNullChatbotAndNoDigest) {
  std::string out;
  JsonWriter w(&out);
  WriteApiKey(w, TestKey());
  EXPECT_EQ(out,
            R"({"id":"key_4","name":"ci","role":"admin","chatbot_id":null,"prefix":"oc_live_ab",)"
            R"("created_at":7})");
}

TEST(WriteApiKeyTest, ScopedKey) {
  ApiKeyInfo k = TestKey();
  k.role = Role::kMember;
  k.chatbot = 3;
  k.chatbot_id = "support-bot";
  std::string out;
  JsonWriter w(&out);
  WriteApiKey(w, k);
  Json j(out);
  ASSERT_TRUE(j.valid()) << out;
  EXPECT_EQ(j.keys(),
            (std::vector<std::string>{"id", "name", "role", "chatbot_id", "prefix", "created_at"}));
  EXPECT_EQ(j["role"].str(), "member");
  EXPECT_EQ(j["chatbot_id"].str(), "support-bot");
  // No trace of the digest, in any encoding a mistake might produce.
  EXPECT_EQ(out.find("digest"), std::string::npos);
  EXPECT_EQ(out.find("a0a1a2"), std::string::npos);
  EXPECT_EQ(out.find("\xa0\xa1"), std::string::npos);
  EXPECT_EQ(out.find("160"), std::string::npos);  // 0xa0 in decimal
}

TEST(WriteApiKeyTest, OperatorRole) {
  ApiKeyInfo k = TestKey();
  k.role = Role::kOperator;
  std::string out;
  JsonWriter w(&out);
  WriteApiKey(w, k);
  EXPECT_EQ(Json(out)["role"].str(), "operator");
}

TEST(SuccessTest, Envelope) {
  const HttpResponse r = Success([](JsonWriter& w) { w.BeginArray().Int(1).Int(2).EndArray(); });
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_TRUE(r.headers.empty());
  EXPECT_FALSE(r.close);
  EXPECT_EQ(r.body, R"({"message":"Success","data":[1,2]})");
}

TEST(SuccessTest, ScalarAndObjectData) {
  EXPECT_EQ(Success([](JsonWriter& w) { w.String("ok"); }).body,
            R"({"message":"Success","data":"ok"})");
  Contact c;
  c.id = 3;
  c.external_id = "x";
  const HttpResponse r = Success([&](JsonWriter& w) { WriteContact(w, Schema(), c); });
  Json j(r.body);
  ASSERT_TRUE(j.valid()) << r.body;
  EXPECT_EQ(j.keys(), (std::vector<std::string>{"message", "data"}));
  EXPECT_EQ(j["data"]["id"].str(), "contact_3");
}

TEST(DeletedTest, Envelope) {
  const HttpResponse r = Deleted("key_4");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Success","data":{"id":"key_4","deleted":true}})");
  EXPECT_EQ(Deleted("a\"b").body, R"({"message":"Success","data":{"id":"a\"b","deleted":true}})");
}

}  // namespace
}  // namespace contactd::net
