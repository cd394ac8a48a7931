// Black-box tests of the contact rules (README "Contacts" rules and field limits): a request is all
// or nothing and lists every problem with its path, duplicate external_ids and unknown fields are
// rejected, and every field limit answers 400 with the field's issue.
#include <atomic>
#include <barrier>
#include <cctype>
#include <string>
#include <thread>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

class ContactRules : public ChatbotSuite<ContactRules> {};

constexpr const char* kBadPhone =
    "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) between";

TEST_F(ContactRules, ABatchWithABadItemWritesNothingAndListsEveryProblem) {
  DefineAttribute(*api_, bot_, "ltv", "number");
  UpsertOk(R"({"external_id":"existing","name":"Old"})");
  HttpResult r = Upsert(R"({"external_id":"existing","name":"New"},
                           {"external_id":"x1","email":"not-an-email"},
                           {"external_id":"x2","name":"fine"},
                           {"external_id":"x3","custom_attributes":{"ltv":"lots"}},
                           {"external_id":"x4","nickname":"Nick"},
                           {"external_id":"x5","phonenumber":"call me"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Sorted(Issues(r)),
            Sorted({{"users[1].email", "Invalid email"},
                    {"users[3].custom_attributes.ltv", "Expected number, received string"},
                    {"users[4].nickname", "Unknown field"},
                    {"users[5].phonenumber", kBadPhone}}));
  EXPECT_EQ(GetOk("existing")["name"].str(), "Old");
  for (const char* id : {"x1", "x2", "x3", "x4", "x5"}) {
    EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, id)), 404, "Resource not found")) << id;
  }
  EXPECT_EQ(Total(), 1);
}

TEST_F(ContactRules, ValueProblemsOfAllItemsAreListed) {
  DefineAttribute(*api_, bot_, "ltv", "number");
  DefineAttribute(*api_, bot_, "vip", "boolean");
  HttpResult r = Upsert(R"({"external_id":"a","custom_attributes":{"ltv":"1","vip":"maybe"}},
                           {"external_id":"b"},{"external_id":"c"},
                           {"external_id":"d","custom_attributes":{"ltv":true,"nope":1}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r),
            (IssueList{
                {"users[0].custom_attributes.ltv", "Expected number, received string"},
                {"users[0].custom_attributes.vip", "Expected boolean, received string"},
                {"users[3].custom_attributes.ltv", "Expected number, received boolean"},
                {"users[3].custom_attributes.nope", "Unknown custom attribute; define it first"}}));
  EXPECT_EQ(Total(), 0);
}

TEST_F(ContactRules, ADuplicateExternalIdInABatchIsRejected) {
  HttpResult r = Upsert(R"({"external_id":"dup","name":"1"},{"external_id":"other"},
                           {"external_id":"dup","name":"2"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(
      Issues(r),
      (IssueList{{"users[2].external_id", "Duplicate external_id in this request (also at [0])"}}));
  EXPECT_EQ(Total(), 0);
}

TEST_F(ContactRules, UnknownFieldsAreRejectedByName) {
  HttpResult r = Upsert(R"({"external_id":"u","nickname":"Nick"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].nickname", "Unknown field"}}));

  r = api_->Post(ContactsPath(bot_), R"({"users":[{"external_id":"u"}],"dry_run":true})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"dry_run", "Unknown field"}}));

  r = Upsert(R"({"external_id":"u","stripe_accounts":[{"label":"a","stripe_id":"c","plan":1}]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].stripe_accounts[0].plan", "Unknown field"}}));

  UpsertOk(R"({"external_id":"u"})");
  r = api_->Patch(ContactPath(bot_, "u"), R"({"nickname":"Nick"})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"nickname", "Unknown field"}}));
  r = api_->Patch(ContactPath(bot_, "u"), R"({"data":{"name":"N","extra":1}})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"extra", "Unknown field"}}));
  EXPECT_TRUE(GetOk("u")["name"].is_null());
}

TEST_F(ContactRules, WrongJsonTypesNameTheField) {
  HttpResult r = Upsert(R"({"external_id":7,"name":["x"],"email":{},"phonenumber":true,
                           "stripe_accounts":{},"custom_attributes":[]})");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r),
            (IssueList{{"users[0].external_id", "Expected string, received number"},
                       {"users[0].name", "Expected string, received array"},
                       {"users[0].email", "Expected string, received object"},
                       {"users[0].phonenumber", "Expected string, received boolean"},
                       {"users[0].stripe_accounts", "Expected array, received object"},
                       {"users[0].custom_attributes", "Expected object, received array"}}));
  r = Upsert(R"("just a string")");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0]", "Expected object, received string"}}));
  EXPECT_EQ(Total(), 0);
}

struct BadValue {
  std::string item;  // one JSON item
  IssueList issues;
};

TEST_F(ContactRules, FieldLimits) {
  const std::string long_label(201, 'l');
  std::string many_accounts;
  for (int i = 0; i < 51; ++i) {
    many_accounts += std::string(many_accounts.empty() ? "" : ",") +
                     R"({"label":"l","stripe_id":"cus_)" + std::to_string(i) + "\"}";
  }
  const std::vector<BadValue> cases = {
      {R"({"external_id":""})", {{"users[0].external_id", "Must not be empty"}}},
      {R"({"external_id":null})", {{"users[0].external_id", "Must not be null"}}},
      {"{\"external_id\":\"" + std::string(257, 'e') + "\"}",
       {{"users[0].external_id", "Must be at most 256 bytes"}}},
      {R"({"external_id":"tab\there"})",
       {{"users[0].external_id", "Must not contain control characters"}}},
      {"{\"name\":\"" + std::string(1001, 'n') + "\"}",
       {{"users[0].name", "Must be at most 1000 bytes"}}},
      {R"({"name":"bell\u0007"})", {{"users[0].name", "Must not contain control characters"}}},
      {R"({"email":"a@b"})", {{"users[0].email", "Invalid email"}}},
      {R"({"email":"no-at-sign.com"})", {{"users[0].email", "Invalid email"}}},
      {R"({"email":"a..b@x.io"})", {{"users[0].email", "Invalid email"}}},
      {"{\"email\":\"" + std::string(250, 'm') + "@x.io\"}",
       {{"users[0].email", "Must be at most 254 bytes"}}},
      {R"({"phonenumber":"12"})", {{"users[0].phonenumber", kBadPhone}}},
      {R"({"phonenumber":"123456789012345678901"})", {{"users[0].phonenumber", kBadPhone}}},
      {R"({"phonenumber":"+1 415 555 0100 ext"})", {{"users[0].phonenumber", kBadPhone}}},
      {R"({"stripe_accounts":[{"label":"main"}]})",
       {{"users[0].stripe_accounts[0]", "Needs a stripe_id or a stripe_email"}}},
      {R"({"stripe_accounts":[{"stripe_id":"cus_1"}]})",
       {{"users[0].stripe_accounts[0].label", "Required"}}},
      {"{\"stripe_accounts\":[{\"label\":\"" + long_label + "\",\"stripe_id\":\"c\"}]}",
       {{"users[0].stripe_accounts[0].label", "Must be at most 200 bytes"}}},
      {R"({"stripe_accounts":[{"label":"m","stripe_email":"nope"}]})",
       {{"users[0].stripe_accounts[0].stripe_email", "Invalid email"}}},
      {"{\"stripe_accounts\":[" + many_accounts + "]}",
       {{"users[0].stripe_accounts", "At most 50 accounts"}}},
      {R"({"custom_attributes":{"undefined_attr":"x"}})",
       {{"users[0].custom_attributes.undefined_attr",
         "Unknown custom attribute; define it first"}}},
  };
  for (const BadValue& c : cases) {
    HttpResult r = Upsert(c.item);
    EXPECT_TRUE(IsError(r, 400, "Invalid request data")) << c.item;
    EXPECT_EQ(Issues(r), c.issues) << c.item;
  }
  EXPECT_EQ(Total(), 0);
}

TEST_F(ContactRules, ValuesAtTheLimitsAreAccepted) {
  const std::string ext(256, 'e');
  const std::string name(1000, 'n');
  std::string accounts;
  for (int i = 0; i < 50; ++i) {
    accounts += std::string(accounts.empty() ? "" : ",") + R"({"label":"l","stripe_id":"cus_)" +
                std::to_string(i) + "\"}";
  }
  Json c = UpsertOk("{\"external_id\":\"" + ext + "\",\"name\":\"" + name +
                    "\",\"email\":\"o'brien+tag@sub.example.co.uk\","
                    "\"phonenumber\":\"+1 (415) 555-0100 ext. 12\",\"stripe_accounts\":[" +
                    accounts + "]}")[0];
  EXPECT_EQ(c["external_id"].str(), ext);
  EXPECT_EQ(c["name"].str(), name);
  EXPECT_EQ(c["email"].str(), "o'brien+tag@sub.example.co.uk");
  EXPECT_EQ(c["phonenumber"].str(), "+1 (415) 555-0100 ext. 12");
  EXPECT_EQ(c["stripe_accounts"].size(), 50u);
  for (const char* phone : {"+44 20 7946 0958", "415.555.0100", "(415) 555/0100 x99", "555#12"}) {
    HttpResult r = Upsert(R"({"external_id":"ph","phonenumber":)" + Quote(phone) + "}");
    EXPECT_TRUE(IsSuccess(r)) << phone;
  }
  // Unicode names and external ids of up to 256 bytes (here 128 two-byte characters).
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "é";
  EXPECT_EQ(UpsertOk("{\"external_id\":\"" + wide + "\",\"name\":\"Zoë 名前\"}")[0]["name"].str(),
            "Zoë 名前");
  HttpResult r = Upsert("{\"external_id\":\"" + wide + "x\"}");
  EXPECT_TRUE(IsError(r, 400, "Invalid request data"));
  EXPECT_EQ(Issues(r), (IssueList{{"users[0].external_id", "Must be at most 256 bytes"}}));
}

TEST_F(ContactRules, ABatchOf1000IsAcceptedAnd1001IsNot) {
  std::string items;
  for (int i = 0; i < 1000; ++i) {
    items += std::string(items.empty() ? "" : ",") + "{\"external_id\":\"k" + std::to_string(i) +
             "\",\"email\":\"k" + std::to_string(i) + "@x.io\"}";
  }
  EXPECT_EQ(UpsertOk(items).size(), 1000u);
  EXPECT_EQ(Total(), 1000);
  HttpResult r = Upsert(items + R"(,{"external_id":"one_more"})");
  EXPECT_TRUE(IsError(r, 400, "Maximum 1000 contacts per request"));
  EXPECT_TRUE(IsError(api_->Get(ContactPath(bot_, "one_more")), 404, "Resource not found"));
}

// `s` with the letters whose bit is set in `mask` upper-cased ("shared", 5 -> "ShAred").
std::string CaseVariant(std::string s, unsigned mask) {
  for (size_t i = 0; i < s.size() && i < 32; ++i) {
    if ((mask >> i) & 1) s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
  }
  return s;
}

// Writers run in rounds (all threads start a round together); in each round every thread
// upserts the same external_id, and claims one new email for a contact of its own, each thread
// writing the email in its own case.
TEST_F(ContactRules, ConcurrentWritersNeverBreakUniqueness) {
  constexpr int kThreads = 6;
  constexpr int kRounds = 6;
  std::atomic<int> unexpected{0};
  std::vector<std::atomic<int>> winners(kRounds);
  std::barrier sync(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(port(), operator_key());
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();
        const std::string email = CaseVariant("shared" + std::to_string(round), t) + "@x.io";
        HttpResult mine = c.Post(ContactsPath(bot_),
                                 R"({"users":[{"external_id":"e)" + std::to_string(t) + "_" +
                                     std::to_string(round) + R"(","email":")" + email + "\"}]}");
        if (mine.status == 200) {
          ++winners[static_cast<size_t>(round)];
        } else if (!IsError(mine, 409,
                            "Error saving chatbot contact. External ID or email "
                            "already exists.")) {
          ++unexpected;
        }
        HttpResult same =
            c.Post(ContactsPath(bot_),
                   R"({"users":[{"external_id":"same","name":"t)" + std::to_string(t) + "\"}]}");
        if (!IsSuccess(same)) ++unexpected;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(winners[static_cast<size_t>(round)].load(), 1) << "round " << round;
  }
  EXPECT_EQ(Total(), kRounds + 1);
}

}  // namespace
}  // namespace contactd::testing
