// Black-box tests of the v1 contacts API (README "Contacts", api-contract.md section 2): bulk
// upsert, list, get, update, delete, percent-encoded external ids and email uniqueness.
// Validation and all-or-nothing batches are in api_contacts_rules_test.cc.
//
// One server for the suite; every test works in a chatbot of its own.
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class ContactsApi : public ChatbotSuite<ContactsApi> {};

TEST_F(ContactsApi, CreateReturnsTheFullContactWithServerFields) {
  DefineAttribute(*api_, bot_, "plan", "text");
  DefineAttribute(*api_, bot_, "ltv", "number");
  const int64_t before = UnixNow();
  Json c = UpsertOk(R"({"external_id":"user_8821","name":"Sam Rivera","email":"sam@acme.com",
      "phonenumber":"+14155550100",
      "stripe_accounts":[{"label":"main","stripe_id":"cus_123","stripe_email":null}],
      "custom_attributes":{"plan":"pro","ltv":540}})")[0];
  const int64_t after = UnixNow();
  EXPECT_EQ(c.keys(), ContactKeys());
  EXPECT_GT(ContactNumber(c["id"].str()), 0) << c.dump();
  EXPECT_EQ(c["external_id"].str(), "user_8821");
  EXPECT_EQ(c["name"].str(), "Sam Rivera");
  EXPECT_EQ(c["email"].str(), "sam@acme.com");
  EXPECT_EQ(c["phonenumber"].str(), "+14155550100");
  EXPECT_EQ(c["stripe_accounts"].dump(),
            R"([{"label":"main","stripe_id":"cus_123","stripe_email":null}])");
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"plan":"pro","ltv":540})");
  EXPECT_GE(c["created_at"].i64(), before);
  EXPECT_LE(c["created_at"].i64(), after);
  EXPECT_EQ(c["updated_at"].i64(), c["created_at"].i64());
  // GET returns the same record.
  EXPECT_EQ(GetOk("user_8821").dump(), c.dump());
}

TEST_F(ContactsApi, MinimalContactHasNullsAndEmptyCollections) {
  Json c = UpsertOk(R"({"external_id":"bare"})")[0];
  EXPECT_EQ(c.keys(), ContactKeys());
  EXPECT_TRUE(c["name"].is_null());
  EXPECT_TRUE(c["email"].is_null());
  EXPECT_TRUE(c["phonenumber"].is_null());
  EXPECT_EQ(c["stripe_accounts"].dump(), "[]");
  EXPECT_EQ(c["custom_attributes"].dump(), "{}");
}

TEST_F(ContactsApi, ContactsIsAnAliasOfUsers) {
  HttpResult r =
      api_->Post(ContactsPath(bot_), R"({"contacts":[{"external_id":"a","name":"Alias"}]})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(GetOk("a")["name"].str(), "Alias");
  // Issue paths use the array name the client sent.
  r = api_->Post(ContactsPath(bot_), R"({"contacts":[{"external_id":"b","email":"nope"}]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"contacts[0].email", "Invalid email"}}));
  r = api_->Post(ContactsPath(bot_), R"({"users":[{"external_id":"c"}],"contacts":[]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"contacts", "Send either users or contacts, not both"}}));
}

TEST_F(ContactsApi, UpsertUpdatesByExternalIdAndAnswersInRequestOrder) {
  Json first = UpsertOk(R"({"external_id":"u1","name":"One","email":"one@x.io"},
                           {"external_id":"u2","name":"Two"})");
  Json second = UpsertOk(R"({"external_id":"u3","name":"Three"},
                            {"external_id":"u1","name":"Uno"},
                            {"external_id":"u2","phonenumber":"+1 415 555 0100"})");
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0]["external_id"].str(), "u3");
  EXPECT_EQ(second[1]["external_id"].str(), "u1");
  EXPECT_EQ(second[2]["external_id"].str(), "u2");
  // Updated in place: same id and created_at; absent fields kept.
  EXPECT_EQ(second[1]["id"].str(), first[0]["id"].str());
  EXPECT_EQ(second[1]["created_at"].i64(), first[0]["created_at"].i64());
  EXPECT_EQ(second[1]["name"].str(), "Uno");
  EXPECT_EQ(second[1]["email"].str(), "one@x.io");
  EXPECT_EQ(second[2]["id"].str(), first[1]["id"].str());
  EXPECT_EQ(second[2]["name"].str(), "Two");
  EXPECT_EQ(second[2]["phonenumber"].str(), "+1 415 555 0100");
  EXPECT_GT(ContactNumber(second[0]["id"].str()), ContactNumber(first[1]["id"].str()));
  EXPECT_EQ(Total(), 3);
}

TEST_F(ContactsApi, OmittedExternalIdGetsAGeneratedUuid) {
  Json data = UpsertOk(R"({"name":"Anon 1"},{"name":"Anon 2"})");
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  const std::string a = data[0]["external_id"].str(), b = data[1]["external_id"].str();
  EXPECT_TRUE(std::regex_match(a, kUuid)) << a;
  EXPECT_TRUE(std::regex_match(b, kUuid)) << b;
  EXPECT_NE(a, b);
  EXPECT_EQ(GetOk(a)["name"].str(), "Anon 1");
  EXPECT_EQ(GetOk(b)["name"].str(), "Anon 2");
}

TEST_F(ContactsApi, ClientSentIdAndTimestampsAreIgnored) {
  Json a = UpsertOk(R"({"external_id":"a","name":"A"})")[0];
  const int64_t before = UnixNow();
  // B claims A's id and old timestamps: none of them is bound.
  Json b = UpsertOk(R"({"external_id":"b","id":)" + Quote(a["id"].str()) +
                    R"(,"created_at":1,"updated_at":2})")[0];
  EXPECT_NE(b["id"].str(), a["id"].str());
  EXPECT_GT(ContactNumber(b["id"].str()), ContactNumber(a["id"].str()));
  EXPECT_GE(b["created_at"].i64(), before);
  EXPECT_GE(b["updated_at"].i64(), before);
  EXPECT_EQ(GetOk("a").dump(), a.dump());
  // Echoing a whole response back (an export re-imported) changes nothing.
  Json echoed = UpsertOk(a.dump())[0];
  EXPECT_EQ(echoed.dump(), a.dump());
  // PATCH ignores them too.
  HttpResult r =
      api_->Patch(ContactPath(bot_, "a"), R"({"id":"contact_1","created_at":5,"name":"A2"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"]["id"].str(), a["id"].str());
  EXPECT_EQ(Json(r.body)["data"]["created_at"].i64(), a["created_at"].i64());
}

TEST_F(ContactsApi, NullClearsScalarsAndAbsentFieldsAreKept) {
  UpsertOk(R"({"external_id":"n","name":"Name","email":"n@x.io","phonenumber":"+441234567"})");
  Json c = UpsertOk(R"({"external_id":"n","name":null})")[0];
  EXPECT_TRUE(c["name"].is_null());
  EXPECT_EQ(c["email"].str(), "n@x.io");
  EXPECT_EQ(c["phonenumber"].str(), "+441234567");
  c = UpsertOk(R"({"external_id":"n","email":null,"phonenumber":null})")[0];
  EXPECT_TRUE(c["email"].is_null());
  EXPECT_TRUE(c["phonenumber"].is_null());
  EXPECT_EQ(GetOk("n").dump(), c.dump());
}

TEST_F(ContactsApi, StripeAccountsAndCustomAttributesAreReplacedWhenSent) {
  DefineAttribute(*api_, bot_, "plan", "text");
  DefineAttribute(*api_, bot_, "ltv", "number");
  UpsertOk(R"({"external_id":"s","stripe_accounts":[{"label":"a","stripe_id":"cus_a"},
      {"label":"b","stripe_email":"b@x.io"}],"custom_attributes":{"plan":"pro","ltv":5}})");
  Json c = UpsertOk(R"({"external_id":"s","stripe_accounts":[{"label":"c","stripe_id":"cus_c"}],
                        "custom_attributes":{"plan":"free"}})")[0];
  EXPECT_EQ(c["stripe_accounts"].dump(),
            R"([{"label":"c","stripe_id":"cus_c","stripe_email":null}])");
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"plan":"free"})");
  c = UpsertOk(R"({"external_id":"s","name":"kept"})")[0];
  EXPECT_EQ(c["stripe_accounts"].size(), 1u);
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"plan":"free"})");
  c = UpsertOk(R"({"external_id":"s","stripe_accounts":null,"custom_attributes":null})")[0];
  EXPECT_EQ(c["stripe_accounts"].dump(), "[]");
  EXPECT_EQ(c["custom_attributes"].dump(), "{}");
}

TEST_F(ContactsApi, UnchangedWritesKeepUpdatedAt) {
  Json c = UpsertOk(R"({"external_id":"t","name":"T","email":"t@x.io"})")[0];
  const int64_t created = c["created_at"].i64();
  while (UnixNow() <= created) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Same values again, by upsert and by PATCH: nothing written.
  Json same = UpsertOk(R"({"external_id":"t","name":"T","email":"t@x.io"})")[0];
  EXPECT_EQ(same.dump(), c.dump());
  HttpResult r = api_->Patch(ContactPath(bot_, "t"), R"({"name":"T"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"].dump(), c.dump());
  // A change moves updated_at, never created_at.
  Json changed = UpsertOk(R"({"external_id":"t","name":"T2"})")[0];
  EXPECT_EQ(changed["created_at"].i64(), created);
  EXPECT_GT(changed["updated_at"].i64(), created);
  r = api_->Patch(ContactPath(bot_, "t"), R"({"name":"T3"})");
  EXPECT_EQ(Json(r.body)["data"]["created_at"].i64(), created);
  EXPECT_GT(Json(r.body)["data"]["updated_at"].i64(), created);
}

TEST_F(ContactsApi, ListPagesNewestFirstWithTotals) {
  std::vector<std::string> created;  // contact ids in creation order
  for (int batch = 0; batch < 3; ++batch) {
    std::string items;
    for (int i = 0; i < (batch == 2 ? 5 : 10); ++i) {
      items += std::string(items.empty() ? "" : ",") + "{\"external_id\":\"p" +
               std::to_string(batch) + "_" + std::to_string(i) + "\"}";
    }
    Json data = UpsertOk(items);
    for (size_t i = 0; i < data.size(); ++i) created.push_back(data[i]["id"].str());
  }
  std::vector<std::string> listed;
  for (int page = 1; page <= 3; ++page) {
    HttpResult r = List("?page=" + std::to_string(page) + "&per_page=10");
    ASSERT_TRUE(IsSuccess(r));
    Json j(r.body);
    EXPECT_EQ(j.keys(),
              (std::vector<std::string>{"message", "data", "total", "pages", "next_cursor"}));
    EXPECT_EQ(j["total"].i64(), 25);
    EXPECT_EQ(j["pages"].dump(),
              "{\"page\":" + std::to_string(page) + ",\"per_page\":10,\"total_pages\":3}");
    EXPECT_EQ(j["data"].size(), page == 3 ? 5u : 10u);
    for (size_t i = 0; i < j["data"].size(); ++i) listed.push_back(j["data"][i]["id"].str());
  }
  // Newest first: created_at descending, ties by id descending, i.e. reverse creation order.
  EXPECT_EQ(listed, std::vector<std::string>(created.rbegin(), created.rend()));
  HttpResult past = List("?page=4&per_page=10");
  ASSERT_TRUE(IsSuccess(past));
  EXPECT_EQ(
      past.body,
      R"({"message":"Success","data":[],"total":25,"pages":{"page":4,"per_page":10,"total_pages":3},"next_cursor":null})");
  HttpResult far = List("?page=1000000&per_page=1000");
  EXPECT_EQ(Json(far.body)["data"].size(), 0u);
  EXPECT_EQ(Json(far.body)["total"].i64(), 25);
}

TEST_F(ContactsApi, ListOrderIgnoresUpdatesRenamesAndDeletes) {
  std::vector<std::string> ids;  // creation order, one request each
  for (const char* ext : {"o1", "o2", "o3", "o4"}) {
    ids.push_back(UpsertOk("{\"external_id\":\"" + std::string(ext) + "\"}")[0]["id"].str());
  }
  UpsertOk(R"({"external_id":"o1","name":"updated"})");
  ASSERT_TRUE(IsSuccess(api_->Patch(ContactPath(bot_, "o2"), R"({"external_id":"o2b"})")));
  ASSERT_TRUE(IsSuccess(api_->Delete(ContactPath(bot_, "o3"))));
  Json data = Json(List("").body)["data"];
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0]["id"].str(), ids[3]);
  EXPECT_EQ(data[1]["id"].str(), ids[1]);
  EXPECT_EQ(data[1]["external_id"].str(), "o2b");
  EXPECT_EQ(data[2]["id"].str(), ids[0]);
  EXPECT_EQ(data[2]["name"].str(), "updated");
}

TEST_F(ContactsApi, ListClampsPerPageAndDefaultsTo100) {
  std::string items;
  for (int i = 0; i < 12; ++i) {
    items +=
        std::string(items.empty() ? "" : ",") + "{\"external_id\":\"c" + std::to_string(i) + "\"}";
  }
  UpsertOk(items);
  Json j(List("").body);
  EXPECT_EQ(j["pages"].dump(), R"({"page":1,"per_page":100,"total_pages":1})");
  EXPECT_EQ(j["data"].size(), 12u);
  j = Json(List("?per_page=1").body);
  EXPECT_EQ(j["pages"].dump(), R"({"page":1,"per_page":10,"total_pages":2})");
  EXPECT_EQ(j["data"].size(), 10u);
  j = Json(List("?page=2&per_page=3").body);
  EXPECT_EQ(j["pages"].dump(), R"({"page":2,"per_page":10,"total_pages":2})");
  EXPECT_EQ(j["data"].size(), 2u);
  j = Json(List("?per_page=5000").body);
  EXPECT_EQ(j["pages"].dump(), R"({"page":1,"per_page":1000,"total_pages":1})");
  EXPECT_EQ(j["data"].size(), 12u);
}

TEST_F(ContactsApi, ListClampsAPerPageBeyond64Bits) {
  UpsertOk(R"({"external_id":"one"})");
  Json j(List("?per_page=99999999999999999999999").body);
  EXPECT_EQ(j["pages"].dump(), R"({"page":1,"per_page":1000,"total_pages":1})");
  EXPECT_EQ(j["data"].size(), 1u);
  HttpResult r = List("?page=99999999999999999999999");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r.body)["data"].size(), 0u);
  EXPECT_EQ(Json(r.body)["total"].i64(), 1);
}

TEST_F(ContactsApi, ListOfAnEmptyChatbot) {
  EXPECT_EQ(
      List("").body,
      R"({"message":"Success","data":[],"total":0,"pages":{"page":1,"per_page":100,"total_pages":0},"next_cursor":null})");
}

TEST_F(ContactsApi, ListRejectsABadPage) {
  for (const char* query : {"?page=0", "?page=abc", "?page=-1", "?page=1.5", "?page="}) {
    HttpResult r = List(query);
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << query;
    EXPECT_EQ(Issues(r), (IssueList{{"page", "Expected a positive integer"}})) << query;
  }
  HttpResult r = List("?per_page=ten");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"per_page", "Expected a non-negative integer"}}));
}

TEST_F(ContactsApi, GetOfAnUnknownContactIs404) {
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "nobody")), 404, "Resource not found"));
}

TEST_F(ContactsApi, PatchChangesOnlyTheFieldsSent) {
  DefineAttribute(*api_, bot_, "plan", "text");
  Json c = UpsertOk(R"({"external_id":"p","name":"P","email":"p@x.io","phonenumber":"+4412345",
                        "custom_attributes":{"plan":"pro"}})")[0];
  HttpResult r = api_->Patch(ContactPath(bot_, "p"), R"({"data":{"name":"Pat"}})");
  ASSERT_TRUE(IsSuccess(r));
  Json d = Json(r.body)["data"];
  EXPECT_EQ(d["name"].str(), "Pat");
  EXPECT_EQ(d["email"].str(), "p@x.io");
  EXPECT_EQ(d["phonenumber"].str(), "+4412345");
  EXPECT_EQ(d["custom_attributes"].dump(), R"({"plan":"pro"})");
  EXPECT_EQ(d["id"].str(), c["id"].str());
  // The bare object works the same way; null clears.
  r = api_->Patch(ContactPath(bot_, "p"), R"({"email":null,"custom_attributes":{"plan":"team"}})");
  ASSERT_TRUE(IsSuccess(r));
  d = Json(r.body)["data"];
  EXPECT_EQ(d["name"].str(), "Pat");
  EXPECT_TRUE(d["email"].is_null());
  EXPECT_EQ(d["custom_attributes"].dump(), R"({"plan":"team"})");
  EXPECT_EQ(GetOk("p").dump(), d.dump());
  // {"data":...} with anything beside it is ambiguous.
  r = api_->Patch(ContactPath(bot_, "p"), R"({"data":{"name":"X"},"email":"x@x.io"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(GetOk("p")["name"].str(), "Pat");
}

TEST_F(ContactsApi, PatchRenamesTheExternalId) {
  Json c = UpsertOk(R"({"external_id":"old","name":"R"},{"external_id":"taken"})")[0];
  HttpResult r = api_->Patch(ContactPath(bot_, "old"), R"({"external_id":"new"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"]["external_id"].str(), "new");
  EXPECT_EQ(GetOk("new")["id"].str(), c["id"].str());
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "old")), 404, "Resource not found"));
  // Onto an existing external_id: 409, nothing changes.
  r = api_->Patch(ContactPath(bot_, "new"), R"({"data":{"external_id":"taken","name":"Z"}})");
  EXPECT_TRUE(
      IsError(r, 409, "Error saving chatbot contact. External ID or email already exists."));
  EXPECT_EQ(Issues(r), (IssueList{{"external_id", "External ID already exists"}}));
  EXPECT_EQ(GetOk("new")["name"].str(), "R");
  EXPECT_TRUE(IsError(api_->Patch(ContactPath(bot_, "ghost"), R"({"name":"G"})"), 404,
                      "Resource not found"));
}

TEST_F(ContactsApi, DeleteReturnsTheRecordAndIsFinal) {
  Json c = UpsertOk(R"({"external_id":"d","name":"Del","email":"d@x.io"})")[0];
  HttpResult r = api_->Delete(ContactPath(bot_, "d"));
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"].dump(), c.dump());
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "d")), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Delete(ContactPath(bot_, "d")), 404, "Resource not found"));
  EXPECT_EQ(Total(), 0);
  // The email is free again, and a re-created contact gets a new id (ids are never reused).
  Json again = UpsertOk(R"({"external_id":"d","email":"d@x.io"})")[0];
  EXPECT_GT(ContactNumber(again["id"].str()), ContactNumber(c["id"].str()));
}

TEST_F(ContactsApi, ExternalIdsThatNeedPercentEncoding) {
  const std::vector<std::string> ids = {"john doe", "a/b", "ünïcødé 名前", "100%",
                                        "a?b#c",    "a+b", "x&y=z",        "semi;colon"};
  std::string items;
  for (const std::string& id : ids) {
    items += std::string(items.empty() ? "" : ",") + "{\"external_id\":" + Quote(id) + "}";
  }
  UpsertOk(items);
  for (const std::string& id : ids) {
    EXPECT_EQ(GetOk(id)["external_id"].str(), id);
    HttpResult r = api_->Patch(ContactPath(bot_, id), R"({"name":"patched"})");
    EXPECT_TRUE(IsSuccess(r)) << id;
    EXPECT_EQ(Json(r.body)["data"]["external_id"].str(), id);
  }
  // '+' in a path is a plus, not a space.
  EXPECT_EQ(Json(api_->Get(ContactsPath(bot_) + "/a+b").body)["data"]["external_id"].str(), "a+b");
  for (const std::string& id : ids) {
    HttpResult r = api_->Delete(ContactPath(bot_, id));
    EXPECT_TRUE(IsSuccess(r)) << id;
    EXPECT_EQ(Json(r.body)["data"]["external_id"].str(), id);
  }
  EXPECT_EQ(Total(), 0);
  EXPECT_TRUE(IsError(api_->Get(ContactsPath(bot_) + "/bad%zz"), 400,
                      "Malformed percent-encoding in the path"));
}

TEST_F(ContactsApi, EmailsAreUniqueIgnoringCase) {
  const char* kClash = "Error saving chatbot contact. External ID or email already exists.";
  UpsertOk(R"({"external_id":"sam","email":"Sam.Rivera@Acme.com"},
              {"external_id":"elo","email":"ÉLODIE@exemple.fr"},
              {"external_id":"str","email":"STRASSE@beispiel.de"})");
  for (const char* email : {"sam.rivera@ACME.COM", "élodie@exemple.fr", "straße@beispiel.de"}) {
    HttpResult r = Upsert(R"({"external_id":"other","email":)" + Quote(email) + "}");
    EXPECT_TRUE(IsError(r, 409, kClash)) << email;
    EXPECT_EQ(Issues(r), (IssueList{{"users[0].email", "Email already exists"}})) << email;
  }
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "other")), 404, "Resource not found"));
  // PATCH onto another contact's email.
  HttpResult r = api_->Patch(ContactPath(bot_, "elo"), R"({"email":"SAM.rivera@acme.com"})");
  EXPECT_TRUE(IsError(r, 409, kClash));
  EXPECT_EQ(Issues(r), (IssueList{{"email", "Email already exists"}}));
  // Two items of one batch.
  r = Upsert(
      R"({"external_id":"x1","email":"twin@x.io"},{"external_id":"x2","email":"TWIN@x.io"})");
  EXPECT_TRUE(IsError(r, 409, kClash));
  EXPECT_EQ(Issues(r), (IssueList{{"users[1].email", "Same email as [0]"}}));
  // A contact may keep its own email in another case; two contacts may swap emails in one batch.
  EXPECT_EQ(UpsertOk(R"({"external_id":"sam","email":"SAM.RIVERA@acme.com"})")[0]["email"].str(),
            "SAM.RIVERA@acme.com");
  Json swapped = UpsertOk(R"({"external_id":"sam","email":"ÉLODIE@exemple.fr"},
                             {"external_id":"elo","email":"sam.rivera@acme.com"})");
  EXPECT_EQ(swapped[0]["email"].str(), "ÉLODIE@exemple.fr");
  EXPECT_EQ(swapped[1]["email"].str(), "sam.rivera@acme.com");
  // Clearing an email frees it.
  UpsertOk(R"({"external_id":"str","email":null})");
  EXPECT_EQ(UpsertOk(R"({"external_id":"new","email":"strasse@BEISPIEL.de"})")[0]["email"].str(),
            "strasse@BEISPIEL.de");
}

}  // namespace
}  // namespace contactd::testing
