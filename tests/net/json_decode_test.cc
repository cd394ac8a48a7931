// Tests of net/json_decode.h: request bodies into engine inputs, with one issue per JSON shape or
// type problem, and a clear status for bodies that are not JSON objects at all. Ends with a
// robustness loop feeding random and mutated bytes to every decoder.
#include "net/json_decode.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/test_printers.h"

namespace contactd::net {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;
using Issues = std::vector<Issue>;
using Kind = RawValue::Kind;
using Op = FieldPatch<std::string>::Op;

constexpr const char* kEmptyBody = "Request body is empty; expected a JSON object";
constexpr std::string_view kNotJson = "Request body is not valid JSON: ";

// EXPECTs that `s` is a 400 with exactly this message and these issues.
void ExpectInvalid(const Status& s, std::string_view message, const Issues& issues = {}) {
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.message(), message);
  EXPECT_EQ(s.issues(), issues);
}

// EXPECTs that `s` is a 400 saying the body is not JSON.
void ExpectNotJson(const Status& s) {
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.message().substr(0, kNotJson.size()), kNotJson) << s.message();
  EXPECT_GT(s.message().size(), kNotJson.size()) << "no reason given";
  EXPECT_TRUE(s.issues().empty());
}

// Decodes a body that must decode; returns the batch.
DecodedBatch Batch(std::string_view body) {
  auto r = DecodeUpsertBody(body);
  EXPECT_TRUE(r.ok()) << body << " -> " << r.status().ToString();
  return r.ok() ? std::move(*r) : DecodedBatch{};
}

// The issues of a one-item {"users":[item]} batch.
Issues ItemIssues(std::string_view item) {
  return Batch("{\"users\":[" + std::string(item) + "]}").issues;
}

// --- DecodeUpsertBody: the array ---

TEST(DecodeUpsertTest, UsersArray) {
  const DecodedBatch b =
      Batch(R"({"users":[{"external_id":"u1","name":"Sam","email":"sam@acme.com",)"
            R"("phonenumber":"+14155550100"},{"name":"Two"}]})");
  EXPECT_EQ(b.array_name, "users");
  EXPECT_TRUE(b.issues.empty());
  ASSERT_EQ(b.items.size(), 2u);
  const ContactInput& c = b.items[0];
  EXPECT_EQ(c.external_id.op, Op::kSet);
  EXPECT_EQ(c.external_id.value, "u1");
  EXPECT_EQ(c.name.value, "Sam");
  EXPECT_EQ(c.email.value, "sam@acme.com");
  EXPECT_EQ(c.phonenumber.value, "+14155550100");
  EXPECT_TRUE(c.stripe_accounts.absent());
  EXPECT_TRUE(c.custom_attributes.absent());
  const ContactInput& d = b.items[1];
  EXPECT_TRUE(d.external_id.absent());
  EXPECT_EQ(d.name.op, Op::kSet);
  EXPECT_EQ(d.name.value, "Two");
  EXPECT_TRUE(d.email.absent());
  EXPECT_TRUE(d.phonenumber.absent());
}

TEST(DecodeUpsertTest, ContactsAliasNamesTheIssuePaths) {
  const DecodedBatch b = Batch(R"({"contacts":[{"external_id":"x"},{"email":5}]})");
  EXPECT_EQ(b.array_name, "contacts");
  ASSERT_EQ(b.items.size(), 2u);
  EXPECT_EQ(b.items[0].external_id.value, "x");
  EXPECT_EQ(b.issues, (Issues{{"contacts[1].email", "Expected string, received number"}}));
}

TEST(DecodeUpsertTest, EscapedKeysAreUnescaped) {
  const DecodedBatch b = Batch(R"({"us\u0065rs":[{"n\u0061me":"A\u00e9"}]})");
  EXPECT_EQ(b.array_name, "users");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_EQ(b.items[0].name.value, "A\xc3\xa9");
  EXPECT_TRUE(b.issues.empty());
}

TEST(DecodeUpsertTest, BothUsersAndContactsIsAnIssue) {
  DecodedBatch b = Batch(R"({"users":[{"name":"u"}],"contacts":[{"name":"c"},{}]})");
  EXPECT_EQ(b.array_name, "users");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_EQ(b.items[0].name.value, "u");
  EXPECT_EQ(b.issues, (Issues{{"contacts", "Send either users or contacts, not both"}}));

  b = Batch(R"({"contacts":[{}],"users":[{}]})");
  EXPECT_EQ(b.array_name, "contacts");
  EXPECT_EQ(b.issues, (Issues{{"users", "Send either users or contacts, not both"}}));
}

TEST(DecodeUpsertTest, MissingArrayIs400) {
  ExpectInvalid(DecodeUpsertBody("{}").status(), "Invalid request data", {{"users", "Required"}});
  // A misspelt array name: at least "users" is reported as required.
  const Status typo = DecodeUpsertBody(R"({"user":[{}]})").status();
  EXPECT_EQ(typo.code(), Code::kInvalidArgument);
  EXPECT_EQ(typo.message(), "Invalid request data");
  EXPECT_NE(std::find(typo.issues().begin(), typo.issues().end(), Issue{"users", "Required"}),
            typo.issues().end());
}

TEST(DecodeUpsertTest, EmptyArrayIs400) {
  ExpectInvalid(DecodeUpsertBody(R"({"users":[]})").status(), "Invalid request data");
  ExpectInvalid(DecodeUpsertBody(R"({"contacts":[ ]})").status(), "Invalid request data");
}

TEST(DecodeUpsertTest, NonArrayIs400) {
  ExpectInvalid(DecodeUpsertBody(R"({"users":{}})").status(), "Invalid request data",
                {{"users", "Expected array, received object"}});
  ExpectInvalid(DecodeUpsertBody(R"({"contacts":"x"})").status(), "Invalid request data",
                {{"contacts", "Expected array, received string"}});
  ExpectInvalid(DecodeUpsertBody(R"({"users":null})").status(), "Invalid request data",
                {{"users", "Expected array, received null"}});
  ExpectInvalid(DecodeUpsertBody(R"({"users":1.5})").status(), "Invalid request data",
                {{"users", "Expected array, received number"}});
  ExpectInvalid(DecodeUpsertBody(R"({"users":false})").status(), "Invalid request data",
                {{"users", "Expected array, received boolean"}});
}

std::string ItemsBody(size_t n) {
  std::string body = R"({"users":[)";
  for (size_t i = 0; i < n; ++i) {
    if (i) body += ',';
    body += R"({"external_id":"u)" + std::to_string(i) + R"("})";
  }
  return body + "]}";
}

TEST(DecodeUpsertTest, AtMost1000Items) {
  const DecodedBatch b = Batch(ItemsBody(1000));
  ASSERT_EQ(b.items.size(), 1000u);
  EXPECT_EQ(b.items[999].external_id.value, "u999");
  EXPECT_TRUE(b.issues.empty());
  ExpectInvalid(DecodeUpsertBody(ItemsBody(1001)).status(), "Maximum 1000 contacts per request");
  ExpectInvalid(DecodeUpsertBody(ItemsBody(5000)).status(), "Maximum 1000 contacts per request");
}

TEST(DecodeUpsertTest, NonObjectItems) {
  const DecodedBatch b = Batch(R"({"users":[{"external_id":"a"},5,"x",null,[],true,{}]})");
  ASSERT_EQ(b.items.size(), 7u);  // one input per item, so indexes stay aligned
  EXPECT_EQ(b.items[0].external_id.value, "a");
  EXPECT_TRUE(b.items[1].external_id.absent());
  EXPECT_EQ(b.issues, (Issues{{"users[1]", "Expected object, received number"},
                              {"users[2]", "Expected object, received string"},
                              {"users[3]", "Expected object, received null"},
                              {"users[4]", "Expected object, received array"},
                              {"users[5]", "Expected object, received boolean"}}));
}

TEST(DecodeUpsertTest, UnknownTopLevelKeyIsAnIssue) {
  const DecodedBatch b = Batch(R"({"users":[{}],"chatbot":"x","Users":[]})");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_EQ(b.issues, (Issues{{"chatbot", "Unknown field"}, {"Users", "Unknown field"}}));
}

// --- DecodeUpsertBody: fields ---

TEST(DecodeUpsertTest, StringFieldsWithWrongTypes) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"1", "number"},  {"-2.5", "number"}, {"18446744073709551615", "number"}, {"true", "boolean"},
      {"{}", "object"}, {"[]", "array"},    {R"({"a":"b"})", "object"}};
  for (const char* field : {"external_id", "name", "email", "phonenumber"}) {
    for (const auto& [json, type] : values) {
      const std::string body = R"({"users":[{},{},{")" + std::string(field) + "\":" + json + "}]}";
      const DecodedBatch b = Batch(body);
      EXPECT_EQ(b.issues,
                (Issues{{"users[2]." + std::string(field), "Expected string, received " + type}}))
          << body;
      ASSERT_EQ(b.items.size(), 3u);
    }
  }
}

TEST(DecodeUpsertTest, StructuredFieldsWithWrongTypes) {
  EXPECT_EQ(ItemIssues(R"({"stripe_accounts":"x"})"),
            (Issues{{"users[0].stripe_accounts", "Expected array, received string"}}));
  EXPECT_EQ(ItemIssues(R"({"stripe_accounts":{}})"),
            (Issues{{"users[0].stripe_accounts", "Expected array, received object"}}));
  EXPECT_EQ(ItemIssues(R"({"stripe_accounts":5})"),
            (Issues{{"users[0].stripe_accounts", "Expected array, received number"}}));
  EXPECT_EQ(ItemIssues(R"({"stripe_accounts":true})"),
            (Issues{{"users[0].stripe_accounts", "Expected array, received boolean"}}));
  EXPECT_EQ(ItemIssues(R"({"custom_attributes":[]})"),
            (Issues{{"users[0].custom_attributes", "Expected object, received array"}}));
  EXPECT_EQ(ItemIssues(R"({"custom_attributes":"plan=pro"})"),
            (Issues{{"users[0].custom_attributes", "Expected object, received string"}}));
  EXPECT_EQ(ItemIssues(R"({"custom_attributes":5})"),
            (Issues{{"users[0].custom_attributes", "Expected object, received number"}}));
  EXPECT_EQ(ItemIssues(R"({"custom_attributes":false})"),
            (Issues{{"users[0].custom_attributes", "Expected object, received boolean"}}));
}

TEST(DecodeUpsertTest, WrongTypesLeaveTheFieldAbsent) {
  const DecodedBatch b =
      Batch(R"({"users":[{"name":1,"stripe_accounts":"x","custom_attributes":[]}]})");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_TRUE(b.items[0].name.absent());
  EXPECT_TRUE(b.items[0].stripe_accounts.absent());
  EXPECT_TRUE(b.items[0].custom_attributes.absent());
  EXPECT_EQ(b.issues.size(), 3u);
}

TEST(DecodeUpsertTest, EveryProblemIsReported) {
  const DecodedBatch b =
      Batch(R"({"users":[{"name":1,"email":false},{"phonenumber":[]},7,{"nope":null}],"x":0})");
  // Top-level keys are checked before the items.
  EXPECT_EQ(b.issues, (Issues{{"x", "Unknown field"},
                              {"users[0].name", "Expected string, received number"},
                              {"users[0].email", "Expected string, received boolean"},
                              {"users[1].phonenumber", "Expected string, received array"},
                              {"users[2]", "Expected object, received number"},
                              {"users[3].nope", "Unknown field"}}));
}

TEST(DecodeUpsertTest, NullClearsAndAbsentLeavesAlone) {
  const DecodedBatch b =
      Batch(R"({"users":[{"external_id":null,"name":null,"email":null,"phonenumber":null,)"
            R"("stripe_accounts":null,"custom_attributes":null},{}]})");
  ASSERT_EQ(b.items.size(), 2u);
  EXPECT_TRUE(b.issues.empty());
  const ContactInput& c = b.items[0];
  EXPECT_TRUE(c.external_id.is_null());
  EXPECT_TRUE(c.name.is_null());
  EXPECT_TRUE(c.email.is_null());
  EXPECT_TRUE(c.phonenumber.is_null());
  EXPECT_TRUE(c.stripe_accounts.is_null());
  EXPECT_TRUE(c.custom_attributes.is_null());
  const ContactInput& d = b.items[1];
  EXPECT_TRUE(d.external_id.absent());
  EXPECT_TRUE(d.name.absent());
  EXPECT_TRUE(d.email.absent());
  EXPECT_TRUE(d.phonenumber.absent());
  EXPECT_TRUE(d.stripe_accounts.absent());
  EXPECT_TRUE(d.custom_attributes.absent());
}

TEST(DecodeUpsertTest, EmptyStringIsSetNotNull) {
  const DecodedBatch b = Batch(R"({"users":[{"name":"","stripe_accounts":[],)"
                               R"("custom_attributes":{}}]})");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_TRUE(b.items[0].name.is_set());
  EXPECT_EQ(b.items[0].name.value, "");
  EXPECT_TRUE(b.items[0].stripe_accounts.is_set());
  EXPECT_TRUE(b.items[0].stripe_accounts.value.empty());
  EXPECT_TRUE(b.items[0].custom_attributes.is_set());
  EXPECT_TRUE(b.items[0].custom_attributes.value.empty());
}

TEST(DecodeUpsertTest, EscapesAndNulInStrings) {
  const DecodedBatch b =
      Batch(R"({"users":[{"name":"a\u0000b\n\"q\"\\","email":"\ud83d\ude00@x.com"}]})");
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_EQ(b.items[0].name.value, "a\0b\n\"q\"\\"s);
  EXPECT_EQ(b.items[0].email.value, "\xf0\x9f\x98\x80@x.com");
}

TEST(DecodeUpsertTest, StripeAccounts) {
  const DecodedBatch b = Batch(R"({"users":[{"stripe_accounts":[)"
                               R"({"label":"main","stripe_id":"cus_1","stripe_email":"b@x.com"},)"
                               R"({"label":"side","stripe_id":null,"stripe_email":null},)"
                               R"({"stripe_email":"c@x.com"},)"
                               R"({"stripe_id":"cus_2","label":"last"}]}]})");
  EXPECT_TRUE(b.issues.empty());
  ASSERT_EQ(b.items.size(), 1u);
  ASSERT_TRUE(b.items[0].stripe_accounts.is_set());
  EXPECT_EQ(b.items[0].stripe_accounts.value,
            (std::vector<StripeAccount>{{"main", "cus_1", "b@x.com"},
                                        {"side", std::nullopt, std::nullopt},
                                        {"", std::nullopt, "c@x.com"},
                                        {"last", "cus_2", std::nullopt}}));
}

TEST(DecodeUpsertTest, StripeAccountIssues) {
  EXPECT_EQ(
      ItemIssues(R"({"stripe_accounts":[)"
                 R"({"label":"x","foo":1,"stripe_id":5,"stripe_email":true},)"
                 R"({"label":null,"stripe_id":"a"},)"
                 R"({"label":7,"stripe_email":{}}]})"),
      (Issues{{"users[0].stripe_accounts[0].foo", "Unknown field"},
              {"users[0].stripe_accounts[0].stripe_id", "Expected string, received number"},
              {"users[0].stripe_accounts[0].stripe_email", "Expected string, received boolean"},
              {"users[0].stripe_accounts[1].label", "Expected string, received null"},
              {"users[0].stripe_accounts[2].label", "Expected string, received number"},
              {"users[0].stripe_accounts[2].stripe_email", "Expected string, received object"}}));
}

TEST(DecodeUpsertTest, StripeAccountThatIsNotAnObject) {
  EXPECT_EQ(ItemIssues(R"({"stripe_accounts":[{"label":"a","stripe_id":"x"},"bad",null,[]]})"),
            (Issues{{"users[0].stripe_accounts[1]", "Expected object, received string"},
                    {"users[0].stripe_accounts[2]", "Expected object, received null"},
                    {"users[0].stripe_accounts[3]", "Expected object, received array"}}));
}

TEST(DecodeUpsertTest, CustomAttributeValueKinds) {
  const DecodedBatch b =
      Batch(R"({"users":[{"custom_attributes":{"s":"x","i":42,"neg":-5,)"
            R"("max":9223372036854775807,"min":-9223372036854775808,)"
            R"("big":9223372036854775808,"umax":18446744073709551615,)"
            R"("d":1.5,"e":1e3,"z":-0.0,"t":true,"f":false,"n":null,"o":{"a":{"b":1}},"a":[1,2],)"
            R"("es":""}}]})");
  EXPECT_TRUE(b.issues.empty());
  ASSERT_EQ(b.items.size(), 1u);
  ASSERT_TRUE(b.items[0].custom_attributes.is_set());
  const auto& v = b.items[0].custom_attributes.value;
  std::vector<std::string> names;
  for (const auto& [name, raw] : v) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"s", "i", "neg", "max", "min", "big", "umax", "d", "e",
                                             "z", "t", "f", "n", "o", "a", "es"}));
  ASSERT_EQ(v.size(), 16u);
  EXPECT_EQ(v[0].second.kind, Kind::kString);
  EXPECT_EQ(v[0].second.s, "x");
  EXPECT_EQ(v[1].second.kind, Kind::kInt);
  EXPECT_EQ(v[1].second.i, 42);
  EXPECT_EQ(v[2].second.kind, Kind::kInt);
  EXPECT_EQ(v[2].second.i, -5);
  EXPECT_EQ(v[3].second.kind, Kind::kInt);
  EXPECT_EQ(v[3].second.i, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(v[4].second.kind, Kind::kInt);
  EXPECT_EQ(v[4].second.i, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(v[5].second.kind, Kind::kOutOfRange);
  EXPECT_EQ(v[6].second.kind, Kind::kOutOfRange);
  EXPECT_EQ(v[7].second.kind, Kind::kDouble);
  EXPECT_EQ(v[7].second.d, 1.5);
  EXPECT_EQ(v[8].second.kind, Kind::kDouble);
  EXPECT_EQ(v[8].second.d, 1000.0);
  EXPECT_EQ(v[9].second.kind, Kind::kDouble);
  EXPECT_EQ(v[9].second.d, 0.0);
  EXPECT_TRUE(std::signbit(v[9].second.d));
  EXPECT_EQ(v[10].second.kind, Kind::kBool);
  EXPECT_TRUE(v[10].second.b);
  EXPECT_EQ(v[11].second.kind, Kind::kBool);
  EXPECT_FALSE(v[11].second.b);
  EXPECT_EQ(v[12].second.kind, Kind::kNull);
  EXPECT_EQ(v[13].second.kind, Kind::kObject);
  EXPECT_EQ(v[14].second.kind, Kind::kArray);
  EXPECT_EQ(v[15].second.kind, Kind::kString);
  EXPECT_EQ(v[15].second.s, "");
}

TEST(DecodeUpsertTest, CustomAttributeKeysAreNotChecked) {
  // Whether a key names a defined attribute is the engine's rule.
  const DecodedBatch b = Batch(R"({"users":[{"custom_attributes":{"no such":1,"":2}}]})");
  EXPECT_TRUE(b.issues.empty());
  ASSERT_EQ(b.items[0].custom_attributes.value.size(), 2u);
  EXPECT_EQ(b.items[0].custom_attributes.value[0].first, "no such");
  EXPECT_EQ(b.items[0].custom_attributes.value[1].first, "");
}

TEST(DecodeUpsertTest, DuplicateKeysAnywhere) {
  DecodedBatch b = Batch(R"({"users":[{"name":"a"}],"users":[{},{}]})");
  EXPECT_EQ(b.issues, (Issues{{"users", "Duplicate key"}}));
  ASSERT_EQ(b.items.size(), 1u);  // the first one counts
  EXPECT_EQ(b.items[0].name.value, "a");

  b = Batch(R"({"users":[{},{"email":"a@x.com","email":"b@x.com"}]})");
  EXPECT_EQ(b.issues, (Issues{{"users[1].email", "Duplicate key"}}));
  EXPECT_EQ(b.items[1].email.value, "a@x.com");

  // Keys are compared after unescaping.
  EXPECT_EQ(ItemIssues(R"({"name":"a","n\u0061me":"b"})"),
            (Issues{{"users[0].name", "Duplicate key"}}));
  EXPECT_EQ(ItemIssues(R"({"id":"a","id":"b"})"), (Issues{{"users[0].id", "Duplicate key"}}));
  EXPECT_EQ(ItemIssues(R"({"foo":1,"foo":2})"),
            (Issues{{"users[0].foo", "Unknown field"}, {"users[0].foo", "Duplicate key"}}));

  b = Batch(R"({"users":[{"stripe_accounts":[{"label":"a","label":"b","stripe_id":"x"}]}]})");
  EXPECT_EQ(b.issues, (Issues{{"users[0].stripe_accounts[0].label", "Duplicate key"}}));
  EXPECT_EQ(b.items[0].stripe_accounts.value,
            (std::vector<StripeAccount>{{"a", "x", std::nullopt}}));

  b = Batch(R"({"users":[{"custom_attributes":{"plan":"a","ltv":1,"plan":"b"}}]})");
  EXPECT_EQ(b.issues, (Issues{{"users[0].custom_attributes.plan", "Duplicate key"}}));
  const auto& attrs = b.items[0].custom_attributes.value;
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(attrs[0].first, "plan");
  EXPECT_EQ(attrs[0].second.s, "a");
  EXPECT_EQ(attrs[1].first, "ltv");

  // Nested objects inside an attribute value are not looked into.
  EXPECT_EQ(ItemIssues(R"({"custom_attributes":{"o":{"k":1,"k":2}}})"), Issues{});
}

TEST(DecodeUpsertTest, UnknownFields) {
  EXPECT_EQ(ItemIssues(R"({"foo":1,"Name":"x","phone":"1","external_id":"a","tags":[]})"),
            (Issues{{"users[0].foo", "Unknown field"},
                    {"users[0].Name", "Unknown field"},
                    {"users[0].phone", "Unknown field"},
                    {"users[0].tags", "Unknown field"}}));
}

TEST(DecodeUpsertTest, ReadOnlyFieldsAreIgnored) {
  const DecodedBatch b =
      Batch(R"({"users":[{"id":"contact_9","created_at":"yesterday","updated_at":{"x":1},)"
            R"("external_id":"a"},{"id":null,"created_at":1,"updated_at":2}]})");
  EXPECT_TRUE(b.issues.empty());
  ASSERT_EQ(b.items.size(), 2u);
  EXPECT_EQ(b.items[0].external_id.value, "a");
  EXPECT_TRUE(b.items[0].name.absent());
  EXPECT_TRUE(b.items[1].external_id.absent());
  EXPECT_TRUE(b.items[1].custom_attributes.absent());
}

// --- Bodies that are not a JSON object ---

// Every decoder, reduced to its status.
const std::vector<std::pair<std::string, std::function<Status(std::string_view)>>>& Decoders() {
  static const auto* decoders =
      new std::vector<std::pair<std::string, std::function<Status(std::string_view)>>>{
          {"upsert", [](std::string_view b) { return DecodeUpsertBody(b).status(); }},
          {"patch", [](std::string_view b) { return DecodePatchBody(b).status(); }},
          {"attribute", [](std::string_view b) { return DecodeAttributeBody(b).status(); }},
          {"chatbot", [](std::string_view b) { return DecodeChatbotBody(b).status(); }},
          {"apikey", [](std::string_view b) { return DecodeApiKeyBody(b).status(); }},
          {"workspace", [](std::string_view b) { return DecodeWorkspaceBody(b).status(); }},
      };
  return *decoders;
}

TEST(DecodeMalformedTest, EmptyBody) {
  for (const auto& [name, decode] : Decoders()) {
    for (const char* body : {"", " ", " \t\r\n "}) {
      const Status s = decode(body);
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << name;
      EXPECT_EQ(s.message(), kEmptyBody) << name;
      EXPECT_TRUE(s.issues().empty()) << name;
    }
  }
}

TEST(DecodeMalformedTest, NotJson) {
  const std::vector<std::string> bodies = {
      "{",
      "}",
      R"({"users":[})",
      R"({"users":[{"name":"x"}])",
      R"({"users":[{"name":"x"]}})",
      "nul",
      "{'users':[]}",
      R"({users:[]})",
      R"({"users":[1,]})",
      R"({"a":1,})",
      "{} {}",
      "{} x",
      "{}\0"s,
      "\0{}"s,
      "\f{}",
      R"({"name":"unterminated)",
      R"({"name":"bad escape \x"})",
      R"({"name":"\u12"})",
      "{\"name\":\"raw\ncontrol\"}",
      R"({"n":01})",
      R"({"n":1.})",
      R"({"n":-})",
      R"({"n":+1})",
      R"({"n":NaN})",
      R"({"n":Infinity})",
      R"({"n":0x10})",
      R"({"n":tru})",
      "\xef\xbb\xbf{}",  // a byte order mark is not JSON whitespace
  };
  for (const auto& [name, decode] : Decoders()) {
    for (const std::string& body : bodies) {
      SCOPED_TRACE(name + ": " + body);
      ExpectNotJson(decode(body));
    }
  }
}

TEST(DecodeMalformedTest, InvalidUtf8) {
  const std::vector<std::string> bodies = {
      "{\"name\":\"\xff\"}",
      "{\"name\":\"\xc0\xaf\"}",          // overlong '/'
      "{\"name\":\"\xed\xa0\x80\"}",      // a UTF-16 surrogate
      "{\"name\":\"\xe2\x82\"}",          // truncated sequence
      "{\"name\":\"\xf4\x90\x80\x80\"}",  // above U+10FFFF
      "{\"\xfe\":1}",                     // in a key
  };
  for (const auto& [name, decode] : Decoders()) {
    for (const std::string& body : bodies) {
      SCOPED_TRACE(name);
      const Status s = decode(body);
      ExpectNotJson(s);
      EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
    }
  }
}

TEST(DecodeMalformedTest, NonObjectRoot) {
  const std::vector<std::pair<std::string, std::string>> roots = {
      {"[]", "array"},  {R"([{"users":[]}])", "array"}, {R"("users")", "string"},
      {"5", "number"},  {"-1.5e3", "number"},           {"true", "boolean"},
      {"null", "null"}, {" \n null \n", "null"}};
  for (const auto& [name, decode] : Decoders()) {
    for (const auto& [body, type] : roots) {
      SCOPED_TRACE(name + ": " + body);
      ExpectInvalid(decode(body), "Invalid request data",
                    {{"", "Expected object, received " + type}});
    }
  }
}

TEST(DecodeMalformedTest, DeepNestingIsRefusedNotACrash) {
  const std::string deep = R"({"users":[{"custom_attributes":{"a":)" + std::string(100000, '[') +
                           std::string(100000, ']') + "}}]}";
  for (const auto& [name, decode] : Decoders()) {
    SCOPED_TRACE(name);
    ExpectNotJson(decode(deep));
  }
  // Moderate nesting inside a value is fine: it is an object, the engine's problem.
  const std::string nested = R"({"users":[{"custom_attributes":{"a":)" + std::string(100, '[') +
                             std::string(100, ']') + "}}]}";
  const DecodedBatch b = Batch(nested);
  EXPECT_TRUE(b.issues.empty());
  EXPECT_EQ(b.items[0].custom_attributes.value[0].second.kind, Kind::kArray);
}

TEST(DecodeMalformedTest, NumbersSimdjsonCannotRepresent) {
  // Valid JSON, but beyond 64-bit integers or finite doubles: simdjson refuses the whole document,
  // so the client gets a 400 without a field path (a number just above INT64_MAX instead becomes
  // kOutOfRange, see CustomAttributeValueKinds).
  for (const char* n : {"18446744073709551616", "-9223372036854775809", "1e400", "-1e400"}) {
    SCOPED_TRACE(n);
    ExpectNotJson(
        DecodeUpsertBody(R"({"users":[{"custom_attributes":{"n":)" + std::string(n) + "}}]}")
            .status());
  }
}

// --- DecodePatchBody ---

TEST(DecodePatchTest, DataEnvelope) {
  auto r = DecodePatchBody(R"({"data":{"name":"Sam","email":null,"custom_attributes":{"x":1}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->issues.empty());
  EXPECT_EQ(r->patch.name.value, "Sam");
  EXPECT_TRUE(r->patch.email.is_null());
  EXPECT_TRUE(r->patch.phonenumber.absent());
  EXPECT_TRUE(r->patch.external_id.absent());
  ASSERT_EQ(r->patch.custom_attributes.value.size(), 1u);
  EXPECT_EQ(r->patch.custom_attributes.value[0].second.i, 1);
}

TEST(DecodePatchTest, BareObject) {
  auto r = DecodePatchBody(R"({"external_id":"new","phonenumber":null,"stripe_accounts":[]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->issues.empty());
  EXPECT_EQ(r->patch.external_id.value, "new");
  EXPECT_TRUE(r->patch.phonenumber.is_null());
  EXPECT_TRUE(r->patch.stripe_accounts.is_set());
  EXPECT_TRUE(r->patch.name.absent());
}

TEST(DecodePatchTest, EmptyObjectsChangeNothing) {
  for (const char* body : {"{}", R"({"data":{}})"}) {
    auto r = DecodePatchBody(body);
    ASSERT_TRUE(r.ok()) << body;
    EXPECT_TRUE(r->issues.empty());
    EXPECT_TRUE(r->patch.external_id.absent());
    EXPECT_TRUE(r->patch.name.absent());
    EXPECT_TRUE(r->patch.email.absent());
    EXPECT_TRUE(r->patch.phonenumber.absent());
    EXPECT_TRUE(r->patch.stripe_accounts.absent());
    EXPECT_TRUE(r->patch.custom_attributes.absent());
  }
}

TEST(DecodePatchTest, DataWithOtherKeysIs400) {
  const Issues want = {{"", "Send either {\"data\": {...}} or the bare contact object"}};
  ExpectInvalid(DecodePatchBody(R"({"data":{"name":"a"},"name":"b"})").status(),
                "Invalid request data", want);
  ExpectInvalid(DecodePatchBody(R"({"name":"b","data":{}})").status(), "Invalid request data",
                want);
  ExpectInvalid(DecodePatchBody(R"({"data":{},"data":{}})").status(), "Invalid request data", want);
}

TEST(DecodePatchTest, IssuePathsHaveNoPrefix) {
  auto r = DecodePatchBody(R"({"data":{"email":5,"foo":1,"stripe_accounts":[{"label":false}],)"
                           R"("custom_attributes":{"a":1,"a":2}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->issues, (Issues{{"email", "Expected string, received number"},
                               {"foo", "Unknown field"},
                               {"stripe_accounts[0].label", "Expected string, received boolean"},
                               {"custom_attributes.a", "Duplicate key"}}));
  r = DecodePatchBody(R"({"name":"a","name":"b","id":"contact_1","updated_at":0})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->issues, (Issues{{"name", "Duplicate key"}}));
  EXPECT_EQ(r->patch.name.value, "a");
}

TEST(DecodePatchTest, DataThatIsNotAnObject) {
  for (const auto& [body, type] :
       std::vector<std::pair<std::string, std::string>>{{R"({"data":5})", "number"},
                                                        {R"({"data":null})", "null"},
                                                        {R"({"data":[{}]})", "array"},
                                                        {R"({"data":"x"})", "string"}}) {
    auto r = DecodePatchBody(body);
    ASSERT_TRUE(r.ok()) << body;
    EXPECT_EQ(r->issues, (Issues{{"", "Expected object, received " + type}})) << body;
  }
}

// --- DecodeAttributeBody ---

TEST(DecodeAttributeTest, AllFields) {
  auto r = DecodeAttributeBody(
      R"({"name":"ltv","type":"number","label":"Lifetime value","description":"USD",)"
      R"("archived":true})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "ltv");
  EXPECT_EQ(r->type, "number");
  EXPECT_EQ(r->label, "Lifetime value");
  EXPECT_EQ(r->description, "USD");
  EXPECT_EQ(r->archived, true);
}

TEST(DecodeAttributeTest, AbsentAndNullableFields) {
  auto r = DecodeAttributeBody("{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->name, std::nullopt);
  EXPECT_EQ(r->type, std::nullopt);
  EXPECT_EQ(r->label, std::nullopt);
  EXPECT_EQ(r->description, std::nullopt);
  EXPECT_EQ(r->archived, std::nullopt);

  r = DecodeAttributeBody(R"({"label":null,"description":null,"archived":false})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->label, std::nullopt);
  EXPECT_EQ(r->description, std::nullopt);
  EXPECT_EQ(r->archived, false);

  r = DecodeAttributeBody(R"({"label":"","description":""})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->label, "");
  EXPECT_EQ(r->description, "");
}

TEST(DecodeAttributeTest, WrongTypesUnknownAndDuplicateKeys) {
  ExpectInvalid(DecodeAttributeBody(
                    R"({"name":null,"type":1,"label":[],"description":{},"archived":"true","x":1,)"
                    R"("name":"again"})")
                    .status(),
                "Invalid request data",
                {{"name", "Expected string, received null"},
                 {"type", "Expected string, received number"},
                 {"label", "Expected string, received array"},
                 {"description", "Expected string, received object"},
                 {"archived", "Expected boolean, received string"},
                 {"x", "Unknown field"},
                 {"name", "Duplicate key"}});
  ExpectInvalid(DecodeAttributeBody(R"({"archived":null})").status(), "Invalid request data",
                {{"archived", "Expected boolean, received null"}});
  ExpectInvalid(DecodeAttributeBody(R"({"archived":1})").status(), "Invalid request data",
                {{"archived", "Expected boolean, received number"}});
  ExpectInvalid(DecodeAttributeBody(R"({"Name":"x"})").status(), "Invalid request data",
                {{"Name", "Unknown field"}});
}

// --- DecodeChatbotBody ---

TEST(DecodeChatbotTest, Fields) {
  auto r = DecodeChatbotBody(R"({"id":"support-bot","name":"Support"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "support-bot");
  EXPECT_EQ(r->name, "Support");
  r = DecodeChatbotBody(R"({"name":"Only"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, std::nullopt);
  EXPECT_EQ(r->name, "Only");
}

TEST(DecodeChatbotTest, Problems) {
  ExpectInvalid(DecodeChatbotBody(R"({"id":null,"name":5,"workspace":"w","id":"x"})").status(),
                "Invalid request data",
                {{"id", "Expected string, received null"},
                 {"name", "Expected string, received number"},
                 {"workspace", "Unknown field"},
                 {"id", "Duplicate key"}});
}

TEST(DecodeChatbotTest, DefaultCountry) {
  auto r = DecodeChatbotBody(R"({"name":"Shop","default_country":"gb"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->default_country.is_set());
  EXPECT_EQ(r->default_country.value, "gb");  // the engine checks and upper-cases it
  r = DecodeChatbotBody(R"({"default_country":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->default_country.is_null());
  r = DecodeChatbotBody(R"({"name":"x"})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->default_country.absent());
  ExpectInvalid(DecodeChatbotBody(R"({"default_country":44})").status(), "Invalid request data",
                {{"default_country", "Expected string, received number"}});
}

TEST(DecodeChatbotPatchTest, NameAndCountryButNotId) {
  auto r = DecodeChatbotPatchBody(R"({"name":"New","default_country":"US"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, std::nullopt);
  EXPECT_EQ(r->name, "New");
  EXPECT_EQ(r->default_country.value, "US");
  ExpectInvalid(DecodeChatbotPatchBody(R"({"id":"other"})").status(), "Invalid request data",
                {{"id", "Cannot be changed"}});
}

// --- DecodeContactItem (JSON and JSONL imports) ---

TEST(DecodeContactItemTest, SameDecoderAsUpsertItemsWithoutPrefix) {
  ContactInput in;
  std::vector<Issue> issues;
  DecodeContactItem(
      R"({"external_id":"u1","email":"a@b.co","custom_attributes":{"plan":"pro"},"id":"contact_9"})",
      &in, &issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(in.external_id.value, "u1");
  EXPECT_EQ(in.email.value, "a@b.co");
  ASSERT_TRUE(in.custom_attributes.is_set());
  EXPECT_EQ(in.custom_attributes.value.at(0).first, "plan");
  EXPECT_FALSE(in.merge_custom_attributes);

  ContactInput bad;
  issues.clear();
  DecodeContactItem(R"({"external_id":5,"nickname":"x"})", &bad, &issues);
  EXPECT_EQ(issues, (std::vector<Issue>{{"external_id", "Expected string, received number"},
                                        {"nickname", "Unknown field"}}));
}

TEST(DecodeContactItemTest, NotJsonOrNotAnObjectIsOneIssue) {
  ContactInput in;
  std::vector<Issue> issues;
  DecodeContactItem(R"({"external_id":tru})", &in, &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "");
  EXPECT_TRUE(issues[0].message.starts_with("Not valid JSON")) << issues[0].message;
  issues.clear();
  DecodeContactItem("[1]", &in, &issues);
  EXPECT_EQ(issues, (std::vector<Issue>{{"", "Expected object, received array"}}));
}

// --- DecodeApiKeyBody ---

TEST(DecodeApiKeyTest, Fields) {
  auto r = DecodeApiKeyBody(R"({"name":"ci","role":"admin","chatbot_id":"bot"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "ci");
  EXPECT_EQ(r->role, "admin");
  EXPECT_EQ(r->chatbot_id, "bot");
}

TEST(DecodeApiKeyTest, NullChatbotIdMeansUnscoped) {
  auto r = DecodeApiKeyBody(R"({"name":"ci","chatbot_id":null})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "ci");
  EXPECT_EQ(r->role, std::nullopt);
  EXPECT_EQ(r->chatbot_id, std::nullopt);
}

TEST(DecodeApiKeyTest, Problems) {
  ExpectInvalid(
      DecodeApiKeyBody(R"({"name":null,"role":1,"chatbot_id":5,"key":"oc_live_x"})").status(),
      "Invalid request data",
      {{"name", "Expected string, received null"},
       {"role", "Expected string, received number"},
       {"chatbot_id", "Expected string, received number"},
       {"key", "Unknown field"}});
  ExpectInvalid(DecodeApiKeyBody(R"({"role":null})").status(), "Invalid request data",
                {{"role", "Expected string, received null"}});
  ExpectInvalid(DecodeApiKeyBody(R"({"chatbot_id":null,"chatbot_id":"x"})").status(),
                "Invalid request data", {{"chatbot_id", "Duplicate key"}});
}

// --- DecodeWorkspaceBody ---

TEST(DecodeWorkspaceTest, Fields) {
  auto r = DecodeWorkspaceBody(R"({"id":"acme","name":"Acme"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "acme");
  EXPECT_EQ(r->name, "Acme");
  r = DecodeWorkspaceBody("{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, std::nullopt);
  EXPECT_EQ(r->name, std::nullopt);
}

TEST(DecodeWorkspaceTest, Problems) {
  ExpectInvalid(DecodeWorkspaceBody(R"({"id":null,"name":true,"chatbot_id":"x"})").status(),
                "Invalid request data",
                {{"id", "Expected string, received null"},
                 {"name", "Expected string, received boolean"},
                 {"chatbot_id", "Unknown field"}});
}

// --- Threads ---

TEST(DecodeThreadsTest, EachThreadHasItsOwnParser) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      const std::string want = "user" + std::to_string(t);
      const std::string body = R"({"users":[{"external_id":")" + want + R"("}]})";
      for (int i = 0; i < 300; ++i) {
        auto r = DecodeUpsertBody(body);
        auto a = DecodeAttributeBody(R"({"name":")" + want + R"("})");
        if (!r.ok() || r->items[0].external_id.value != want || !a.ok() || a->name != want) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, (std::vector<int>{0, 0, 0, 0}));
}

// --- Robustness: random and mutated bodies never crash ---

// Bodies close to what each decoder accepts, to mutate.
const std::vector<std::string>& Seeds() {
  static const auto* seeds = new std::vector<std::string>{
      R"({"users":[{"external_id":"u1","name":"Sam","email":"sam@acme.com","phonenumber":"+1 415",)"
      R"("stripe_accounts":[{"label":"main","stripe_id":"cus_1","stripe_email":null}],)"
      R"("custom_attributes":{"plan":"pro","ltv":540,"vip":true,"x":null,"d":1.5e3}}]})",
      R"({"contacts":[{"external_id":"a"},{"id":"contact_1","created_at":1,"name":null}]})",
      R"({"data":{"name":"x","custom_attributes":{"big":9223372036854775808,"o":{"a":[1]}}}})",
      R"({"name":"ltv","type":"number","label":null,"description":"d","archived":false})",
      R"({"id":"bot","name":"Bot"})",
      R"({"name":"ci","role":"member","chatbot_id":null})",
      R"({"id":"acme","name":"Acme \u00e9\ud83d\ude00"})",
      R"({"users":[{"name":"a","name":"b"}],"users":[]})",
      "{\"users\":[{\"name\":\"caf\xc3\xa9\"}]}",
  };
  return *seeds;
}

std::string Mutate(std::string s, std::mt19937& rng) {
  static constexpr std::string_view kJsonBytes =
      "{}[]\",:0123456789.-+eE \\/untrfalsu\x00\x80\xff"sv;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const int rounds = 1 + static_cast<int>(pick(4));
  for (int i = 0; i < rounds; ++i) {
    const size_t pos = s.empty() ? 0 : pick(s.size() + 1);
    switch (pick(7)) {
      case 0:  // replace a byte with a JSON-ish one
        if (pos < s.size()) s[pos] = kJsonBytes[pick(kJsonBytes.size())];
        break;
      case 1:  // replace a byte with any byte
        if (pos < s.size()) s[pos] = static_cast<char>(pick(256));
        break;
      case 2:  // insert
        s.insert(pos, 1, kJsonBytes[pick(kJsonBytes.size())]);
        break;
      case 3:  // delete a run
        if (pos < s.size()) s.erase(pos, 1 + pick(8));
        break;
      case 4:  // truncate
        s.resize(pos);
        break;
      case 5: {  // duplicate a run
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + pick(16)));
        break;
      }
      case 6: {  // splice in part of another seed
        const std::string& other = Seeds()[pick(Seeds().size())];
        const size_t from = pick(other.size());
        s.insert(pos, other.substr(from, pick(other.size() - from) + 1));
        break;
      }
    }
  }
  return s;
}

TEST(DecodeRobustnessTest, RandomAndMutatedBodiesNeverCrash) {
  std::mt19937 rng(20251121);
  size_t ok = 0, failed = 0;
  auto check = [&](const std::string& body) {
    {
      auto r = DecodeUpsertBody(body);
      if (r.ok()) {
        ++ok;
        ASSERT_TRUE(r->array_name == "users" || r->array_name == "contacts") << body;
        ASSERT_GE(r->items.size(), 1u) << body;
        ASSERT_LE(r->items.size(), kMaxBatch) << body;
        for (const Issue& issue : r->issues) ASSERT_FALSE(issue.message.empty()) << body;
      } else {
        ++failed;
      }
    }
    for (const auto& [name, decode] : Decoders()) {
      const Status s = decode(body);
      if (!s.ok()) {
        ASSERT_EQ(s.code(), Code::kInvalidArgument) << name << ": " << body;
        ASSERT_FALSE(s.message().empty()) << name << ": " << body;
      }
    }
  };
  for (int i = 0; i < 4000; ++i) {
    const std::string& seed = Seeds()[i % Seeds().size()];
    ASSERT_NO_FATAL_FAILURE(check(Mutate(seed, rng)));
  }
  std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
  for (int i = 0; i < 2000; ++i) {
    std::string body(static_cast<size_t>(len(rng)), '\0');
    for (char& c : body) c = static_cast<char>(byte(rng));
    if (i % 2 == 0 && !body.empty()) body[0] = '{';
    ASSERT_NO_FATAL_FAILURE(check(body));
  }
  // The mutations must have produced both outcomes, or they test little.
  EXPECT_GT(ok, 100u);
  EXPECT_GT(failed, 100u);
}

}  // namespace
}  // namespace contactd::net
