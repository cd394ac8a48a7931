// Black-box tests of the custom-attributes API (README "Custom attributes", api-contract.md
// section 3): define, list, change, archive and restore, names, and typed values on contacts.
#include <string>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class AttributesApi : public ChatbotSuite<AttributesApi> {
 protected:
  HttpResult Define(std::string_view body) { return api_->Post(AttributesPath(bot_), body); }
  HttpResult Change(std::string_view name, std::string_view body) {
    return api_->Put(AttributesPath(bot_) + "/" + PathEncode(name), body);
  }
  // Sets attribute `name` of contact "v" to `value` (JSON).
  HttpResult SetValue(std::string_view name, std::string_view value) {
    return Upsert("{\"external_id\":\"v\",\"custom_attributes\":{" + Quote(name) + ":" +
                  std::string(value) + "}}");
  }
};

TEST_F(AttributesApi, DefineAppliesDefaults) {
  const int64_t before = UnixNow();
  HttpResult r = Define(R"({"name":"plan"})");
  ASSERT_TRUE(IsSuccess(r));
  Json a = Json(r.body)["data"];
  EXPECT_EQ(a.keys(), (std::vector<std::string>{"name", "type", "label", "description", "archived",
                                                "created_at"}));
  EXPECT_GE(a["created_at"].i64(), before);
  EXPECT_LE(a["created_at"].i64(), UnixNow());
  EXPECT_EQ(a.dump(), R"({"name":"plan","type":"text","label":"plan","description":"",)"
                      R"("archived":false,"created_at":)" +
                          std::to_string(a["created_at"].i64()) + "}");
}

TEST_F(AttributesApi, DefineWithEveryFieldAndListInOrder) {
  std::vector<std::string> defined;
  for (const char* body :
       {R"({"name":"ltv","type":"number","label":"Lifetime value","description":"In USD"})",
        R"({"name":"vip","type":"boolean","archived":false})",
        R"({"name":"renews_on","type":"date","label":"Renews on"})",
        R"({"name":"legacy","type":"text","archived":true})"}) {
    HttpResult r = Define(body);
    ASSERT_TRUE(IsSuccess(r)) << body;
    defined.push_back(Json(r.body)["data"].dump());
  }
  Json ltv(defined[0]);
  EXPECT_EQ(ltv["type"].str(), "number");
  EXPECT_EQ(ltv["label"].str(), "Lifetime value");
  EXPECT_EQ(ltv["description"].str(), "In USD");
  EXPECT_EQ(Json(defined[1])["label"].str(), "vip");
  EXPECT_EQ(Json(defined[2])["type"].str(), "date");
  EXPECT_TRUE(Json(defined[3])["archived"].boolean());

  HttpResult list = api_->Get(AttributesPath(bot_));
  ASSERT_TRUE(IsSuccess(list));
  Json data = Json(list.body)["data"];
  ASSERT_EQ(data.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(data[i].dump(), defined[i]);
}

TEST_F(AttributesApi, PutChangesLabelAndDescriptionOnly) {
  Json a = Json(Define(R"({"name":"plan"})").body)["data"];
  HttpResult r = Change("plan", R"({"label":"Plan name","description":"Billing plan"})");
  ASSERT_TRUE(IsSuccess(r));
  Json changed = Json(r.body)["data"];
  EXPECT_EQ(changed["name"].str(), "plan");
  EXPECT_EQ(changed["type"].str(), "text");
  EXPECT_EQ(changed["label"].str(), "Plan name");
  EXPECT_EQ(changed["description"].str(), "Billing plan");
  EXPECT_FALSE(changed["archived"].boolean());
  EXPECT_EQ(changed["created_at"].i64(), a["created_at"].i64());
  // An empty change, and naming the same name and type, change nothing.
  r = Change("plan", "{}");
  EXPECT_EQ(Json(r.body)["data"].dump(), changed.dump());
  r = Change("plan", R"({"name":"plan","type":"text"})");
  EXPECT_EQ(Json(r.body)["data"].dump(), changed.dump());
  EXPECT_EQ(Json(api_->Get(AttributesPath(bot_)).body)["data"][0].dump(), changed.dump());

  r = Change("plan", R"({"label":""})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"label", "Must not be empty"}}));
}

TEST_F(AttributesApi, NameAndTypeAreImmutable) {
  Define(R"({"name":"plan"})");
  HttpResult r = Change("plan", R"({"type":"number"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"type", "Cannot be changed"}}));
  r = Change("plan", R"({"name":"tier"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"name", "Cannot be changed"}}));
  EXPECT_EQ(Json(api_->Get(AttributesPath(bot_)).body)["data"][0]["type"].str(), "text");
}

TEST_F(AttributesApi, UnknownAttributeOrChatbotIs404) {
  EXPECT_TRUE(IsError(Change("nope", R"({"label":"x"})"), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Put(AttributesPath("no_such_bot") + "/plan", R"({"label":"x"})"), 404,
                      "Resource not found"));
  EXPECT_TRUE(IsError(api_->Post(AttributesPath("no_such_bot"), R"({"name":"plan"})"), 404,
                      "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(AttributesPath("no_such_bot")), 404, "Resource not found"));
}

TEST_F(AttributesApi, InvalidAndReservedNames) {
  const char* kPattern = "Name must start with a letter and use only letters, digits, _ and -";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1plan", kPattern},
      {"_plan", kPattern},
      {"has space", kPattern},
      {"dot.ted", kPattern},
      {"ünï", kPattern},
      {"", "Name is required"},
      {std::string(65, 'a'), "Name must be at most 64 characters"},
      {"email", "Name 'email' is reserved for a core field"},
      {"Email", "Name 'Email' is reserved for a core field"},
      {"created_at", "Name 'created_at' is reserved for a core field"},
      {"external_id", "Name 'external_id' is reserved for a core field"},
      {"name", "Name 'name' is reserved for a core field"},
      {"phonenumber", "Name 'phonenumber' is reserved for a core field"},
  };
  for (const auto& [name, message] : cases) {
    HttpResult r = Define("{\"name\":" + Quote(name) + "}");
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << name;
    EXPECT_EQ(Issues(r), (IssueList{{"name", message}})) << name;
  }
  HttpResult r = Define(R"({"type":"text"})");
  EXPECT_EQ(Issues(r), (IssueList{{"name", "Required"}}));
  r = Define(R"({"name":"plan","type":"string"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"type", "Must be one of text, number, boolean, date"}}));
  r = Define(R"({"name":"plan","required":true})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"required", "Unknown field"}}));
  // Letters, digits, _ and - after the first letter, 64 characters at most.
  EXPECT_TRUE(IsSuccess(Define(R"({"name":"a-B_9"})")));
  EXPECT_TRUE(IsSuccess(Define("{\"name\":\"" + std::string(64, 'z') + "\"}")));
  EXPECT_EQ(Json(api_->Get(AttributesPath(bot_)).body)["data"].size(), 2u);
}

TEST_F(AttributesApi, NamesAreUniqueIgnoringCase) {
  ASSERT_TRUE(IsSuccess(Define(R"({"name":"plan"})")));
  for (const char* name : {"plan", "Plan", "PLAN"}) {
    HttpResult r = Define("{\"name\":" + Quote(name) + ",\"type\":\"number\"}");
    EXPECT_TRUE(IsError(r, 409, "A custom attribute with this name already exists")) << name;
    EXPECT_EQ(Issues(r), (IssueList{{"name", "'plan' already exists"}})) << name;
  }
  EXPECT_EQ(Json(api_->Get(AttributesPath(bot_)).body)["data"].size(), 1u);
}

TEST_F(AttributesApi, ArchivedValuesAreKeptAndOnlyNullIsAccepted) {
  Define(R"({"name":"plan"})");
  Define(R"({"name":"seats","type":"number"})");
  UpsertOk(R"({"external_id":"v","custom_attributes":{"plan":"pro","seats":3}})");
  HttpResult r = Change("plan", R"({"archived":true})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_TRUE(Json(r.body)["data"]["archived"].boolean());
  EXPECT_TRUE(Json(api_->Get(AttributesPath(bot_)).body)["data"][0]["archived"].boolean());
  // Still returned.
  EXPECT_EQ(GetOk("v")["custom_attributes"].dump(), R"({"plan":"pro","seats":3})");
  // A write to it is rejected, by upsert and by PATCH, for new and existing contacts.
  r = SetValue("plan", R"("team")");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].custom_attributes.plan",
                                   "Attribute is archived; only null is accepted"}}));
  r = api_->Patch(ContactPath(bot_, "v"), R"({"custom_attributes":{"plan":"team"}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(
      Issues(r),
      (IssueList{{"custom_attributes.plan", "Attribute is archived; only null is accepted"}}));
  r = Upsert(R"({"external_id":"w","custom_attributes":{"plan":"x"}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  // Replacing the other attributes keeps the archived value.
  Json c = UpsertOk(R"({"external_id":"v","custom_attributes":{"seats":4}})")[0];
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"plan":"pro","seats":4})");
  // An explicit null clears it.
  c = UpsertOk(R"({"external_id":"v","custom_attributes":{"plan":null,"seats":4}})")[0];
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"seats":4})");
  // Restored: writable again.
  r = Change("plan", R"({"archived":false})");
  EXPECT_FALSE(Json(r.body)["data"]["archived"].boolean());
  c = UpsertOk(R"({"external_id":"v","custom_attributes":{"plan":"team","seats":4}})")[0];
  EXPECT_EQ(c["custom_attributes"].dump(), R"({"plan":"team","seats":4})");
}

TEST_F(AttributesApi, AnUnknownAttributeKeyIsRejected) {
  Define(R"({"name":"plan"})");
  HttpResult r = Upsert(R"({"external_id":"v","custom_attributes":{"plan":"pro","ltv":5}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(
      Issues(r),
      (IssueList{{"users[0].custom_attributes.ltv", "Unknown custom attribute; define it first"}}));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "v")), 404, "Resource not found"));
}

struct ValueCase {
  const char* attr;   // one of the attributes defined below
  const char* value;  // as sent (JSON)
  const char* want;   // as returned (JSON), or nullptr when rejected
  const char* issue;  // the issue message when rejected
};

TEST_F(AttributesApi, ValuesAreCheckedAgainstTheType) {
  Define(R"({"name":"n","type":"number"})");
  Define(R"({"name":"b","type":"boolean"})");
  Define(R"({"name":"d","type":"date"})");
  Define(R"({"name":"t","type":"text"})");
  const char* kBadDate =
      "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z";
  const std::vector<ValueCase> cases = {
      {"n", "540", "540", nullptr},
      {"n", "0", "0", nullptr},
      {"n", "9223372036854775807", "9223372036854775807", nullptr},
      {"n", "-9223372036854775808", "-9223372036854775808", nullptr},
      {"n", "\"540\"", nullptr, "Expected number, received string"},
      {"n", "true", nullptr, "Expected number, received boolean"},
      {"n", "[1]", nullptr, "Expected number, received array"},
      {"n", "{}", nullptr, "Expected number, received object"},
      {"n", "9223372036854775808", nullptr, "Number is out of range"},
      {"b", "true", "true", nullptr},
      {"b", "false", "false", nullptr},
      {"b", "\"true\"", "true", nullptr},
      {"b", "\"false\"", "false", nullptr},
      {"b", "1", "true", nullptr},
      {"b", "0", "false", nullptr},
      {"b", "\"yes\"", nullptr, "Expected boolean, received string"},
      {"b", "2", nullptr, "Expected boolean, received number"},
      {"d", "\"2026-11-21\"", "\"2026-11-21\"", nullptr},
      {"d", "\"2024-02-29\"", "\"2024-02-29\"", nullptr},
      {"d", "\"2026-11-21T10:00:00Z\"", "\"2026-11-21T10:00:00Z\"", nullptr},
      {"d", "\"2026-11-21T10:00:00+02:00\"", "\"2026-11-21T10:00:00+02:00\"", nullptr},
      {"d", "\"2026-11-21T23:30:00-05:30\"", "\"2026-11-21T23:30:00-05:30\"", nullptr},
      {"d", "\"2026-11-21T10:00:00.25+01:00\"", "\"2026-11-21T10:00:00.25+01:00\"", nullptr},
      {"d", "\"2026-02-29\"", nullptr, kBadDate},
      {"d", "\"2026-13-01\"", nullptr, kBadDate},
      {"d", "\"21/11/2026\"", nullptr, kBadDate},
      {"d", "\"2026-11-21T25:00:00Z\"", nullptr, kBadDate},
      {"d", "20261121", nullptr, "Expected date, received number"},
      {"t", "\"hello\"", "\"hello\"", nullptr},
      {"t", "\"tab\\tand\\nnewline\"", "\"tab\\tand\\nnewline\"", nullptr},
      {"t", "5", nullptr, "Expected string, received number"},
      {"t", "\"bell\\u0007\"", nullptr, "Text must not contain control characters"},
  };
  for (const ValueCase& c : cases) {
    HttpResult r = SetValue(c.attr, c.value);
    if (c.want != nullptr) {
      ASSERT_TRUE(IsSuccess(r)) << c.attr << "=" << c.value;
      EXPECT_EQ(Json(r.body)["data"][0]["custom_attributes"][c.attr].dump(), c.want)
          << c.attr << "=" << c.value;
      EXPECT_EQ(GetOk("v")["custom_attributes"][c.attr].dump(), c.want);
    } else {
      EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << c.attr << "=" << c.value;
      EXPECT_EQ(Issues(r),
                (IssueList{{std::string("users[0].custom_attributes.") + c.attr, c.issue}}))
          << c.attr << "=" << c.value;
    }
  }
  // A fraction stays a number.
  HttpResult r = SetValue("n", "-12.5");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_TRUE(Json(r.body)["data"][0]["custom_attributes"]["n"].is_number());
  EXPECT_EQ(Json(r.body)["data"][0]["custom_attributes"]["n"].num(), -12.5);
  // Text of up to 16 KiB.
  EXPECT_TRUE(IsSuccess(SetValue("t", Quote(std::string(16 * 1024, 'x')))));
  r = SetValue("t", Quote(std::string(16 * 1024 + 1, 'x')));
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r),
            (IssueList{{"users[0].custom_attributes.t", "Text must be at most 16384 bytes"}}));
  // PATCH issues have no array prefix.
  r = api_->Patch(ContactPath(bot_, "v"), R"({"custom_attributes":{"n":"lots"}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"custom_attributes.n", "Expected number, received string"}}));
}

}  // namespace
}  // namespace contactd::testing
