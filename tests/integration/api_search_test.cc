// Black-box tests of search (net/search_request.h): GET /contacts with q, sort, order, cursor and
// filter[...] parameters, and POST /contacts/search with a JSON query of nested AND/OR groups.
// Results are compared as external ids in order, with exact totals. The failures (400, 404, 401,
// key scope) are in api_search_errors_test.cc.
//
// Paging with cursors and offsets is in api_search_paging_test.cc.
//
// One server for the suite; every test works in a chatbot of its own. The tests use the six
// contacts of SearchSuite::Seed() (search_helpers.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <thread>

#include "tests/integration/search_helpers.h"

namespace contactd::testing {
namespace {

class SearchApi : public SearchSuite<SearchApi> {};

// --- q ---

TEST_F(SearchApi, QMatchesSubstringsIgnoringCaseAndAccents) {
  Seed();
  UpsertOk(R"({"external_id":"u7","name":"Jörg Strauß"})");
  const std::vector<std::pair<std::string, Ids>> cases = {
      {"jose", {"u1"}},
      {"JOSÉ", {"u1"}},
      {"álvarez", {"u1"}},
      {"MÜLLER", {"u6", "u2"}},
      {"muller", {"u6", "u2"}},
      {"Mül", {"u6", "u2"}},
      {"zoe", {"u3"}},
      {"ZOË", {"u3"}},
      {"STRAUSS", {"u7"}},
      {"jorg", {"u7"}},
      {"gmbh", {"u6"}},
      {"ACME.com", {"u3", "u1"}},  // email
      {"U4", {"u4"}},              // external_id
      {" bob ", {"u5"}},           // surrounding spaces do not count
      {"z", {"u3", "u1"}},         // one character
      {"é", {"u6", "u4", "u3", "u2", "u1"}},
      {"ob", {"u5", "u4"}},  // two characters
      {"qqq", {}},
      // Phone numbers by their digits, whatever the punctuation on either side.
      {"4155", {"u4", "u1"}},
      {"415-555-0100", {"u1"}},
      {"(415) 555", {"u4", "u1"}},
      {"+44", {"u6"}},
      {"0958", {"u6"}},
  };
  for (const auto& [q, want] : cases) {
    EXPECT_EQ(Found(Qs({{"q", q}})), want) << "q=" << q;
    EXPECT_EQ(Searched("{\"q\":" + Quote(q) + "}"), want) << "q=" << q;
  }
  // An empty q lists everything.
  EXPECT_EQ(Found("?q="), (Ids{"u7", "u6", "u5", "u4", "u3", "u2", "u1"}));
  // q is not searched in other fields (custom attributes, Stripe accounts).
  EXPECT_EQ(Found("?q=enterprise"), Ids{});
  EXPECT_EQ(Found("?q=billing"), Ids{});
}

TEST_F(SearchApi, QCombinesWithFiltersAndSort) {
  Seed();
  EXPECT_EQ(Found(Qs({{"q", "acme"}, {"filter[custom_attributes.plan]", "pro"}})),
            (Ids{"u3", "u1"}));
  EXPECT_EQ(Found(Qs({{"q", "acme"},
                      {"filter[custom_attributes.plan]", "pro"},
                      {"filter[custom_attributes.vip]", "true"}})),
            (Ids{"u1"}));
  EXPECT_EQ(Found(Qs({{"q", "muller"}, {"sort", "name"}})), (Ids{"u2", "u6"}));
  EXPECT_EQ(Found(Qs({{"q", "4155"}, {"sort", "-phonenumber"}})), (Ids{"u4", "u1"}));
  EXPECT_EQ(Searched(R"({"q":"4155","query":{"field":"custom_attributes.vip","operator":"=",
                         "value":true}})"),
            (Ids{"u1"}));
}

// --- sort ---

TEST_F(SearchApi, SortByCoreFieldsWithMissingValuesLast) {
  Seed();
  const Ids all_asc = {"u1", "u2", "u3", "u4", "u5", "u6"};
  const Ids all_desc = {"u6", "u5", "u4", "u3", "u2", "u1"};
  const std::vector<std::pair<std::string, Ids>> cases = {
      {"", all_desc},  // newest first
      {"?order=asc", all_asc},
      {"?order=desc", all_desc},
      {"?sort=name", {"u2", "u5", "u1", "u6", "u3", "u4"}},
      {"?sort=name&order=asc", {"u2", "u5", "u1", "u6", "u3", "u4"}},
      {"?sort=-name", {"u3", "u6", "u1", "u5", "u2", "u4"}},
      {"?sort=name&order=desc", {"u3", "u6", "u1", "u5", "u2", "u4"}},
      {"?sort=-name&order=asc", {"u3", "u6", "u1", "u5", "u2", "u4"}},  // '-' wins
      {"?sort=email", {"u2", "u6", "u1", "u4", "u3", "u5"}},
      {"?sort=-email", {"u3", "u4", "u1", "u6", "u2", "u5"}},
      // By digits; the two without a phone number last, by id in the sort's direction.
      {"?sort=phonenumber", {"u1", "u4", "u6", "u2", "u3", "u5"}},
      {"?sort=-phonenumber", {"u2", "u6", "u4", "u1", "u5", "u3"}},
      {"?sort=external_id&order=desc", all_desc},
      {"?sort=id", all_asc},
      {"?sort=-id", all_desc},
      {"?sort=created_at", all_asc},
      {"?sort=-created_at", all_desc},
      {"?sort=updated_at", all_asc},
  };
  for (const auto& [query, want] : cases) EXPECT_EQ(Found(query), want) << query;
}

TEST_F(SearchApi, SortByCustomAttributesOfEachType) {
  Seed();
  struct Case {
    std::string attr;
    Ids asc, desc;
  };
  const std::vector<Case> cases = {
      // Text ignores case ("Pro" ties with "pro", by id).
      {"plan", {"u6", "u2", "u1", "u3", "u5", "u4"}, {"u5", "u3", "u1", "u2", "u6", "u4"}},
      {"ltv", {"u5", "u3", "u2", "u1", "u6", "u4"}, {"u6", "u1", "u2", "u3", "u5", "u4"}},
      {"vip", {"u2", "u6", "u1", "u5", "u3", "u4"}, {"u5", "u1", "u6", "u2", "u4", "u3"}},
      {"signup", {"u2", "u1", "u5", "u3", "u4", "u6"}, {"u5", "u1", "u2", "u6", "u4", "u3"}},
  };
  for (const Case& c : cases) {
    const std::string field = "custom_attributes." + c.attr;
    EXPECT_EQ(Found("?sort=" + field), c.asc) << field;
    EXPECT_EQ(Found("?sort=-" + field), c.desc) << field;
    EXPECT_EQ(Found("?sort=" + field + "&order=desc"), c.desc) << field;
    EXPECT_EQ(Searched(R"({"sort":[{"field":")" + field + R"("}]})"), c.asc) << field;
    EXPECT_EQ(Searched(R"({"sort":[{"field":")" + field + R"(","order":"asc"}]})"), c.asc) << field;
    EXPECT_EQ(Searched(R"({"sort":[{"field":")" + field + R"(","order":"desc"}]})"), c.desc)
        << field;
  }
}

TEST_F(SearchApi, SortBySeveralFields) {
  Seed();
  const Ids plan_then_name_desc = {"u6", "u2", "u3", "u1", "u5", "u4"};
  EXPECT_EQ(Found("?sort=custom_attributes.plan,-name"), plan_then_name_desc);
  EXPECT_EQ(Found("?sort=custom_attributes.plan,name&order=asc,desc"), plan_then_name_desc);
  EXPECT_EQ(Found("?sort=custom_attributes.plan,name"), (Ids{"u6", "u2", "u1", "u3", "u5", "u4"}));
  // One order per field, or one for all.
  EXPECT_EQ(Found("?sort=custom_attributes.vip,name&order=desc,asc"),
            (Ids{"u5", "u1", "u2", "u6", "u3", "u4"}));
  EXPECT_EQ(Found("?sort=custom_attributes.vip,name&order=desc"),
            (Ids{"u1", "u5", "u6", "u2", "u3", "u4"}));
  // Three keys.
  EXPECT_EQ(Found("?sort=-custom_attributes.vip,custom_attributes.plan,email"),
            (Ids{"u1", "u5", "u6", "u2", "u3", "u4"}));
  EXPECT_EQ(Searched(R"({"sort":[{"field":"custom_attributes.plan"},
                                 {"field":"name","order":"desc"}]})"),
            plan_then_name_desc);
  EXPECT_EQ(Searched(R"({"sort":[{"field":"custom_attributes.vip","order":"desc"},
                                 {"field":"custom_attributes.plan","order":"asc"},"email"]})"),
            (Ids{"u1", "u5", "u6", "u2", "u3", "u4"}));
}

TEST_F(SearchApi, PostSortAsArrayObjectOrString) {
  Seed();
  const Ids by_name = {"u2", "u5", "u1", "u6", "u3", "u4"};
  EXPECT_EQ(Searched(R"({"sort":"name"})"), by_name);
  EXPECT_EQ(Searched(R"({"sort":["name"]})"), by_name);
  EXPECT_EQ(Searched(R"({"sort":{"field":"name"}})"), by_name);
  EXPECT_EQ(Searched(R"({"sort":{"field":"name","order":"desc"}})"),
            (Ids{"u3", "u6", "u1", "u5", "u2", "u4"}));
  EXPECT_EQ(Searched(R"({"sort":[{"field":"custom_attributes.ltv","order":"desc"}]})"),
            (Ids{"u6", "u1", "u2", "u3", "u5", "u4"}));
  EXPECT_EQ(Searched(R"({"sort":[]})"), (Ids{"u6", "u5", "u4", "u3", "u2", "u1"}));
}

// Values whose 64-bit order keys are equal but which differ: integers beyond 2^53, dates a
// fraction of a microsecond apart, texts sharing their first 8 bytes.
TEST_F(SearchApi, ValuesThatShareAnOrderKeyStillSortAndCompareExactly) {
  DefineAttribute(*api_, bot_, "n", "number");
  DefineAttribute(*api_, bot_, "at", "date");
  UpsertOk(R"(
      {"external_id":"a","name":"Christopher Zed","custom_attributes":
        {"n":9007199254740993,"at":"2026-01-01T00:00:00.0000002Z"}},
      {"external_id":"b","name":"christopher adams","custom_attributes":
        {"n":9007199254740992,"at":"2026-01-01T00:00:00.0000001Z"}},
      {"external_id":"c","name":"Christopher","custom_attributes":{"n":1e300,"at":"2025-12-31"}},
      {"external_id":"d","name":"CHRISTOPHER ADAMS","custom_attributes":
        {"n":-1.5,"at":"2026-01-01T01:00:00+01:00"}})");
  EXPECT_EQ(Found("?sort=custom_attributes.n"), (Ids{"d", "b", "a", "c"}));
  EXPECT_EQ(Found("?sort=-custom_attributes.n"), (Ids{"c", "a", "b", "d"}));
  EXPECT_EQ(Found("?filter[custom_attributes.n]=9007199254740993"), (Ids{"a"}));
  EXPECT_EQ(Found("?filter[custom_attributes.n][gt]=9007199254740992"), (Ids{"c", "a"}));
  EXPECT_EQ(Found("?filter[custom_attributes.n][lte]=9007199254740992"), (Ids{"d", "b"}));
  EXPECT_EQ(Searched(R"({"query":{"field":"custom_attributes.n","operator":"<",
                                  "value":9007199254740993}})"),
            (Ids{"d", "b"}));
  // d is 2026-01-01T00:00:00Z written with an offset.
  EXPECT_EQ(Found("?sort=custom_attributes.at"), (Ids{"c", "d", "b", "a"}));
  EXPECT_EQ(Found("?sort=-custom_attributes.at"), (Ids{"a", "b", "d", "c"}));
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.at]", "2026-01-01T00:00:00.0000002Z"}})),
            (Ids{"a"}));
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.at][gt]", "2026-01-01T00:00:00.0000001Z"}})),
            (Ids{"a"}));
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.at]", "2026-01-01T00:00:00Z"}})), (Ids{"d"}));
  // Names fold to "christopher zed", "christopher adams" (twice, tied by id) and "christopher".
  EXPECT_EQ(Found("?sort=name"), (Ids{"c", "b", "d", "a"}));
  EXPECT_EQ(Found("?sort=-name"), (Ids{"a", "d", "b", "c"}));
  EXPECT_EQ(Found(Qs({{"filter[name][gt]", "christopher adams"}})), (Ids{"a"}));
  EXPECT_EQ(Found(Qs({{"filter[name]", "Christopher Adams"}})), (Ids{"d", "b"}));
  // A cursor between values that share a key.
  for (const char* sort : {"custom_attributes.n", "-custom_attributes.n", "custom_attributes.at",
                           "-custom_attributes.at", "name", "-name"}) {
    const Ids want = Found(std::string("?sort=") + sort);
    const std::string field = sort[0] == '-' ? sort + 1 : sort;
    const std::string order = sort[0] == '-' ? "desc" : "asc";
    EXPECT_EQ(WalkPost(R"("sort":[{"field":")" + field + R"(","order":")" + order + R"("}])", 1, 4),
              want)
        << sort;
  }
}

// --- filters in the query string ---

TEST_F(SearchApi, EveryFilterOperatorInTheQueryString) {
  auto seeded = Seed();
  const std::string id3 = seeded.at("u3")["id"].str();
  const std::string n4 = std::to_string(ContactNumber(seeded.at("u4")["id"].str()));
  const std::string n1 = std::to_string(ContactNumber(seeded.at("u1")["id"].str()));
  struct Case {
    std::string query;
    Ids want;
  };
  const std::vector<Case> cases = {
      // Text: equality and ranges ignore case and accents; negations include missing values.
      {Qs({{"filter[name]", "bob"}}), {"u5"}},
      {Qs({{"filter[name]", "BOB"}}), {"u5"}},
      {Qs({{"filter[name][eq]", "jose alvarez"}}), {"u1"}},
      {Qs({{"filter[name][ne]", "Bob"}}), {"u6", "u4", "u3", "u2", "u1"}},
      {Qs({{"filter[name][gt]", "m"}}), {"u6", "u3"}},
      {Qs({{"filter[name][lt]", "b"}}), {"u2"}},
      {Qs({{"filter[name][gte]", "bob"}}), {"u6", "u5", "u3", "u1"}},
      {Qs({{"filter[name][lte]", "BOB"}}), {"u5", "u2"}},
      {Qs({{"filter[email][contains]", "ACME"}}), {"u3", "u1"}},
      {Qs({{"filter[email][not_contains]", "acme"}}), {"u6", "u5", "u4", "u2"}},
      {Qs({{"filter[email][starts_with]", "zoe@"}}), {"u3"}},
      {Qs({{"filter[email][ends_with]", ".DE"}}), {"u2"}},
      {Qs({{"filter[name][starts_with]", "mü"}}), {"u6"}},
      {Qs({{"filter[name][ends_with]", "MULLER"}}), {"u2"}},
      {Qs({{"filter[name][exists]", "true"}}), {"u6", "u5", "u3", "u2", "u1"}},
      {Qs({{"filter[name][exists]", "false"}}), {"u4"}},
      {Qs({{"filter[external_id][in]", "u2"}, {"filter[external_id][in]", "u4"}}), {"u4", "u2"}},
      {Qs({{"filter[external_id][nin]", "u2"}, {"filter[external_id][nin]", "u4"}}),
       {"u6", "u5", "u3", "u1"}},
      // Text attribute.
      {Qs({{"filter[custom_attributes.plan]", "PRO"}}), {"u3", "u1"}},
      {Qs({{"filter[custom_attributes.plan][in]", "pro"},
           {"filter[custom_attributes.plan][in]", "team"}}),
       {"u5", "u3", "u1"}},
      {Qs({{"filter[custom_attributes.plan][nin]", "pro"},
           {"filter[custom_attributes.plan][nin]", "free"}}),
       {"u6", "u5", "u4"}},
      {Qs({{"filter[custom_attributes.plan][contains]", "r"}}), {"u6", "u3", "u2", "u1"}},
      {Qs({{"filter[custom_attributes.plan][not_contains]", "r"}}), {"u5", "u4"}},
      {Qs({{"filter[custom_attributes.plan][starts_with]", "ENT"}}), {"u6"}},
      {Qs({{"filter[custom_attributes.plan][ends_with]", "am"}}), {"u5"}},
      {Qs({{"filter[custom_attributes.plan][gt]", "pro"}}), {"u5"}},
      {Qs({{"filter[custom_attributes.plan][lt]", "free"}}), {"u6"}},
      {Qs({{"filter[custom_attributes.plan][exists]", "false"}}), {"u4"}},
      // Phone numbers compare by digits.
      {Qs({{"filter[phonenumber]", "+14155550100"}}), {"u1"}},
      {Qs({{"filter[phonenumber][ne]", "1 (415) 555 0100"}}), {"u6", "u5", "u4", "u3", "u2"}},
      {Qs({{"filter[phonenumber][in]", "4155550199"},
           {"filter[phonenumber][in]", "+44 20 7946 0958"}}),
       {"u6", "u4"}},
      {Qs({{"filter[phonenumber][nin]", "4155550199"}}), {"u6", "u5", "u3", "u2", "u1"}},
      {Qs({{"filter[phonenumber][contains]", "555"}}), {"u4", "u1"}},
      {Qs({{"filter[phonenumber][not_contains]", "415"}}), {"u6", "u5", "u3", "u2"}},
      {Qs({{"filter[phonenumber][starts_with]", "+44"}}), {"u6"}},
      {Qs({{"filter[phonenumber][ends_with]", "01-99"}}), {"u4"}},
      {Qs({{"filter[phonenumber][exists]", "false"}}), {"u5", "u3"}},
      // Numbers given as text.
      {Qs({{"filter[custom_attributes.ltv]", "540"}}), {"u1"}},
      {Qs({{"filter[custom_attributes.ltv][eq]", "12.50"}}), {"u2"}},
      {Qs({{"filter[custom_attributes.ltv][ne]", "540"}}), {"u6", "u5", "u4", "u3", "u2"}},
      {Qs({{"filter[custom_attributes.ltv][gt]", "12.5"}}), {"u6", "u1"}},
      {Qs({{"filter[custom_attributes.ltv][gte]", "12.5"}}), {"u6", "u2", "u1"}},
      {Qs({{"filter[custom_attributes.ltv][lt]", "0"}}), {"u5"}},
      {Qs({{"filter[custom_attributes.ltv][lte]", "0"}}), {"u5", "u3"}},
      {Qs({{"filter[custom_attributes.ltv][gt]", "1e3"}}), {"u6"}},
      {Qs({{"filter[custom_attributes.ltv][in]", "540"},
           {"filter[custom_attributes.ltv][in]", "-3"}}),
       {"u5", "u1"}},
      {Qs({{"filter[custom_attributes.ltv][nin]", "540"},
           {"filter[custom_attributes.ltv][nin]", "0"}}),
       {"u6", "u5", "u4", "u2"}},
      {Qs({{"filter[custom_attributes.ltv][exists]", "true"}}), {"u6", "u5", "u3", "u2", "u1"}},
      // Booleans given as text.
      {Qs({{"filter[custom_attributes.vip]", "true"}}), {"u5", "u1"}},
      {Qs({{"filter[custom_attributes.vip][eq]", "false"}}), {"u6", "u2"}},
      {Qs({{"filter[custom_attributes.vip][ne]", "true"}}), {"u6", "u4", "u3", "u2"}},
      {Qs({{"filter[custom_attributes.vip][in]", "true"},
           {"filter[custom_attributes.vip][in]", "false"}}),
       {"u6", "u5", "u2", "u1"}},
      {Qs({{"filter[custom_attributes.vip][nin]", "false"}}), {"u5", "u4", "u3", "u1"}},
      {Qs({{"filter[custom_attributes.vip][exists]", "false"}}), {"u4", "u3"}},
      // Dates given as text.
      {Qs({{"filter[custom_attributes.signup]", "2025-11-02T10:00:00Z"}}), {"u2"}},
      {Qs({{"filter[custom_attributes.signup][ne]", "2026-03-01"}}),
       {"u6", "u4", "u3", "u2", "u1"}},
      {Qs({{"filter[custom_attributes.signup][gte]", "2026-01-01"}}), {"u5", "u1"}},
      {Qs({{"filter[custom_attributes.signup][gt]", "2025-11-02T10:00:00Z"}}), {"u5", "u1"}},
      {Qs({{"filter[custom_attributes.signup][lt]", "2026-01-15"}}), {"u2"}},
      {Qs({{"filter[custom_attributes.signup][lte]", "2026-01-15"}}), {"u2", "u1"}},
      {Qs({{"filter[custom_attributes.signup][in]", "2026-01-15"},
           {"filter[custom_attributes.signup][in]", "2026-03-01"}}),
       {"u5", "u1"}},
      {Qs({{"filter[custom_attributes.signup][exists]", "true"}}), {"u5", "u2", "u1"}},
      {Qs({{"filter[custom_attributes.signup][exists]", "false"}}), {"u6", "u4", "u3"}},
      // Stripe accounts.
      {Qs({{"filter[stripe_accounts][exists]", "true"}}), {"u3"}},
      {Qs({{"filter[stripe_accounts][exists]", "false"}}), {"u6", "u5", "u4", "u2", "u1"}},
      {Qs({{"filter[stripe_accounts.stripe_id]", "CUS_123"}}), {"u3"}},
      {Qs({{"filter[stripe_accounts.label][starts_with]", "ma"}}), {"u3"}},
      {Qs({{"filter[stripe_accounts.label][ne]", "main"}}), {"u6", "u5", "u4", "u2", "u1"}},
      {Qs({{"filter[stripe_accounts.stripe_email][contains]", "billing"}}), {"u3"}},
      // Contact ids, as "contact_N" or N.
      {Qs({{"filter[id]", id3}}), {"u3"}},
      {Qs({{"filter[id][gt]", n4}}), {"u6", "u5"}},
      {Qs({{"filter[id][in]", id3}, {"filter[id][in]", n1}}), {"u3", "u1"}},
  };
  for (const Case& c : cases) EXPECT_EQ(Found(c.query), c.want) << c.query;
}

TEST_F(SearchApi, SeveralFiltersMustAllHold) {
  Seed();
  EXPECT_EQ(
      Found(Qs({{"filter[email][contains]", "acme"}, {"filter[custom_attributes.plan]", "pro"}})),
      (Ids{"u3", "u1"}));
  EXPECT_EQ(Found(Qs({{"filter[email][contains]", "acme"},
                      {"filter[custom_attributes.plan]", "pro"},
                      {"filter[name][starts_with]", "z"}})),
            (Ids{"u3"}));
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.vip]", "true"},
                      {"filter[custom_attributes.ltv][gt]", "0"},
                      {"filter[phonenumber][exists]", "true"}})),
            (Ids{"u1"}));
  // Two operators on one field make a range.
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.ltv][gte]", "0"},
                      {"filter[custom_attributes.ltv][lte]", "540"}})),
            (Ids{"u3", "u2", "u1"}));
  EXPECT_EQ(Found(Qs({{"filter[custom_attributes.ltv][gt]", "0"},
                      {"filter[custom_attributes.ltv][lt]", "0"}})),
            Ids{});
  EXPECT_EQ(Found(Qs({{"q", "acme"},
                      {"filter[custom_attributes.ltv][gte]", "0"},
                      {"sort", "-custom_attributes.ltv"}})),
            (Ids{"u1", "u3"}));
}

TEST_F(SearchApi, CreatedAtTakesAnIsoDateOrUnixSeconds) {
  Json old_c = UpsertOk(R"({"external_id":"old"})")[0];
  const int64_t old_at = old_c["created_at"].i64();
  while (UnixNow() <= old_at) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Json new_c = UpsertOk(R"({"external_id":"new"})")[0];
  const int64_t new_at = new_c["created_at"].i64();
  ASSERT_GT(new_at, old_at);
  auto iso = [](int64_t t) {
    const time_t tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  const std::string old_s = std::to_string(old_at), new_s = std::to_string(new_at);
  EXPECT_EQ(Found(Qs({{"filter[created_at]", old_s}})), (Ids{"old"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at]", iso(new_at)}})), (Ids{"new"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][lt]", new_s}})), (Ids{"old"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][lt]", iso(new_at)}})), (Ids{"old"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][gte]", iso(new_at)}})), (Ids{"new"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][gt]", old_s}})), (Ids{"new"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][lte]", new_s}})), (Ids{"new", "old"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][gte]", "2020-01-01"}})), (Ids{"new", "old"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][lt]", "2020-01-01T00:00:00Z"}})), Ids{});
  EXPECT_EQ(Found(Qs({{"filter[created_at][lt]", "1577836800"}})), Ids{});
  EXPECT_EQ(Found(Qs({{"filter[created_at][ne]", old_s}})), (Ids{"new"}));
  EXPECT_EQ(Found(Qs({{"filter[created_at][in]", old_s}, {"filter[created_at][in]", new_s}})),
            (Ids{"new", "old"}));
  EXPECT_EQ(Found(Qs({{"filter[updated_at][gte]", iso(new_at)}})), (Ids{"new"}));
  EXPECT_EQ(Searched(R"({"query":{"field":"created_at","operator":"<","value":)" + new_s + "}}"),
            (Ids{"old"}));
  EXPECT_EQ(Searched(R"({"query":{"field":"created_at","operator":">=","value":)" +
                     Quote(iso(new_at)) + "}}"),
            (Ids{"new"}));
  EXPECT_EQ(Found("?sort=created_at"), (Ids{"old", "new"}));
  EXPECT_EQ(Found(""), (Ids{"new", "old"}));
}

// --- POST /contacts/search ---

TEST_F(SearchApi, PostFiltersWithEveryOperator) {
  auto seeded = Seed();
  const std::string id3 = seeded.at("u3")["id"].str();
  const std::string n3 = std::to_string(ContactNumber(id3));
  auto cond = [](const std::string& field, const std::string& op, const std::string& value) {
    return R"({"query":{"field":")" + field + R"(","operator":")" + op + "\"" +
           (value.empty() ? "" : ",\"value\":" + value) + "}}";
  };
  const std::vector<std::pair<std::string, Ids>> cases = {
      {cond("name", "=", R"("BOB")"), {"u5"}},
      {cond("name", "!=", R"("bob")"), {"u6", "u4", "u3", "u2", "u1"}},
      {cond("name", ">=", R"("bob")"), {"u6", "u5", "u3", "u1"}},
      {cond("name", "<", R"("bob")"), {"u2"}},
      {cond("name", "^", R"("MÜ")"), {"u6"}},
      {cond("name", "$", R"("SMITH")"), {"u3"}},
      {cond("email", "~", R"("acme")"), {"u3", "u1"}},
      {cond("email", "!~", R"("acme")"), {"u6", "u5", "u4", "u2"}},
      {cond("custom_attributes.plan", "IN", R"(["PRO","team"])"), {"u5", "u3", "u1"}},
      {cond("custom_attributes.plan", "in", R"(["pro"])"), {"u3", "u1"}},
      {cond("custom_attributes.plan", "NIN", R"(["pro","free"])"), {"u6", "u5", "u4"}},
      {cond("custom_attributes.ltv", ">", "12.5"), {"u6", "u1"}},
      {cond("custom_attributes.ltv", ">=", "12.5"), {"u6", "u2", "u1"}},
      {cond("custom_attributes.ltv", "<", "0"), {"u5"}},
      {cond("custom_attributes.ltv", "<=", "0"), {"u5", "u3"}},
      {cond("custom_attributes.ltv", "=", "540.0"), {"u1"}},
      {cond("custom_attributes.ltv", "!=", "540"), {"u6", "u5", "u4", "u3", "u2"}},
      {cond("custom_attributes.ltv", "IN", "[540, -3]"), {"u5", "u1"}},
      {cond("custom_attributes.ltv", "NIN", "[540, 0]"), {"u6", "u5", "u4", "u2"}},
      {cond("custom_attributes.vip", "=", "false"), {"u6", "u2"}},
      {cond("custom_attributes.vip", "!=", "true"), {"u6", "u4", "u3", "u2"}},
      {cond("custom_attributes.signup", ">", R"("2025-12-31")"), {"u5", "u1"}},
      {cond("custom_attributes.signup", "<", R"("2026-01-15T00:00:01Z")"), {"u2", "u1"}},
      {cond("custom_attributes.signup", "<=", R"("2025-11-02T11:00:00+01:00")"), {"u2"}},
      {cond("phonenumber", "=", R"("+1 (415) 555-0100")"), {"u1"}},
      {cond("phonenumber", "~", R"("555")"), {"u4", "u1"}},
      {cond("phonenumber", "exists", ""), {"u6", "u4", "u2", "u1"}},
      {cond("phonenumber", "not_exists", ""), {"u5", "u3"}},
      {cond("stripe_accounts", "exists", ""), {"u3"}},
      {cond("stripe_accounts", "not_exists", ""), {"u6", "u5", "u4", "u2", "u1"}},
      {cond("stripe_accounts.stripe_id", "=", R"("cus_123")"), {"u3"}},
      {cond("stripe_accounts.stripe_email", "$", R"("@ACME.com")"), {"u3"}},
      {cond("id", "=", n3), {"u3"}},
      {cond("id", "=", Quote(id3)), {"u3"}},
      {cond("created_at", ">=", "0"), {"u6", "u5", "u4", "u3", "u2", "u1"}},
      // Intercom's spelling of presence: = null is "not exists", != null is "exists".
      {cond("custom_attributes.signup", "=", "null"), {"u6", "u4", "u3"}},
      {cond("custom_attributes.signup", "!=", "null"), {"u5", "u2", "u1"}},
      {cond("email", "!=", "null"), {"u6", "u4", "u3", "u2", "u1"}},
      {cond("stripe_accounts", "=", "null"), {"u6", "u5", "u4", "u2", "u1"}},
  };
  for (const auto& [body, want] : cases) EXPECT_EQ(Searched(body), want) << body;
}

TEST_F(SearchApi, PostNestedGroups) {
  Seed();
  // vip OR (acme email AND ltv < 100).
  const std::string two_levels = R"({"query":{"operator":"OR","value":[
      {"field":"custom_attributes.vip","operator":"=","value":true},
      {"operator":"AND","value":[
        {"field":"email","operator":"~","value":"acme"},
        {"field":"custom_attributes.ltv","operator":"<","value":100}]}]}})";
  EXPECT_EQ(Searched(two_levels), (Ids{"u5", "u3", "u1"}));
  // phone AND (name ^ "mü" OR (plan = PRO AND vip)).
  const std::string three_levels = R"({"query":{"operator":"AND","value":[
      {"field":"phonenumber","operator":"exists"},
      {"operator":"OR","value":[
        {"field":"name","operator":"^","value":"mü"},
        {"operator":"AND","value":[
          {"field":"custom_attributes.plan","operator":"=","value":"PRO"},
          {"field":"custom_attributes.vip","operator":"=","value":true}]}]}]}})";
  EXPECT_EQ(Searched(three_levels), (Ids{"u6", "u1"}));
  // Group operators ignore case; a group of one; negations inside a group.
  EXPECT_EQ(Searched(R"({"query":{"operator":"or","value":[
      {"field":"name","operator":"=","value":"bob"},
      {"field":"external_id","operator":"=","value":"u2"}]}})"),
            (Ids{"u5", "u2"}));
  EXPECT_EQ(Searched(R"({"query":{"operator":"and","value":[
      {"field":"name","operator":"=","value":"bob"}]}})"),
            (Ids{"u5"}));
  EXPECT_EQ(Searched(R"({"query":{"operator":"AND","value":[
      {"field":"custom_attributes.vip","operator":"!=","value":true},
      {"field":"custom_attributes.ltv","operator":"exists"}]}})"),
            (Ids{"u6", "u3", "u2"}));
  EXPECT_EQ(Searched(R"({"query":{"operator":"OR","value":[
      {"field":"custom_attributes.ltv","operator":"NIN","value":[540,12.5,0,-3,100000]},
      {"field":"name","operator":"=","value":null}]}})"),
            (Ids{"u4"}));
  // Eight levels is the limit and works.
  std::string deep = R"({"field":"name","operator":"=","value":"bob"})";
  for (int i = 0; i < 7; ++i) deep = R"({"operator":"AND","value":[)" + deep + "]}";
  EXPECT_EQ(Searched("{\"query\":" + deep + "}"), (Ids{"u5"}));
  // Groups with sort, q and paging.
  HttpResult r = Search(R"({"query":{"operator":"OR","value":[
      {"field":"custom_attributes.vip","operator":"exists"},
      {"field":"stripe_accounts","operator":"exists"}]},
      "q":"a","sort":[{"field":"name","order":"asc"}],"per_page":2})");
  ASSERT_TRUE(IsSuccess(r));
  Json j(r.body);
  // vip or Stripe: u1 u2 u3 u5 u6; with an "a" in name/email/external_id: u1 u2 u3 u6.
  EXPECT_EQ(Exts(j["data"]), (Ids{"u2", "u1"}));
  EXPECT_EQ(j["total"].i64(), 4);
  EXPECT_EQ(j["pages"].dump(), R"({"page":1,"per_page":2,"total_pages":2})");
}

TEST_F(SearchApi, PostPerPageIsClampedTo1Through1000) {
  Seed();
  struct Case {
    int per_page;
    size_t rows;
    std::string pages;
  };
  for (const Case& c : std::vector<Case>{
           {0, 1, R"({"page":1,"per_page":1,"total_pages":6})"},
           {1, 1, R"({"page":1,"per_page":1,"total_pages":6})"},
           {4, 4, R"({"page":1,"per_page":4,"total_pages":2})"},
           {1000, 6, R"({"page":1,"per_page":1000,"total_pages":1})"},
           {5000, 6, R"({"page":1,"per_page":1000,"total_pages":1})"},
       }) {
    HttpResult r = Search("{\"per_page\":" + std::to_string(c.per_page) + "}");
    ASSERT_TRUE(IsSuccess(r)) << c.per_page;
    Json j(r.body);
    EXPECT_EQ(j["data"].size(), c.rows) << c.per_page;
    EXPECT_EQ(j["total"].i64(), 6) << c.per_page;
    EXPECT_EQ(j["pages"].dump(), c.pages) << c.per_page;
    EXPECT_EQ(j["next_cursor"].is_null(), c.rows == 6) << c.per_page << ": " << r.body;
  }
  // Page-based paging.
  HttpResult r = Search(R"({"per_page":2,"page":2})");
  ASSERT_TRUE(IsSuccess(r));
  Json j(r.body);
  EXPECT_EQ(Exts(j["data"]), (Ids{"u4", "u3"}));
  EXPECT_EQ(j["pages"].dump(), R"({"page":2,"per_page":2,"total_pages":3})");
  r = Search(R"({"per_page":2,"page":4})");
  EXPECT_EQ(
      r.body,
      R"({"message":"Success","data":[],"total":6,"pages":{"page":4,"per_page":2,"total_pages":3},"next_cursor":null})");
}

TEST_F(SearchApi, PostAnswersExactlyLikeTheList) {
  Seed();
  HttpResult list = List("");
  ASSERT_TRUE(IsSuccess(list));
  const std::string everything = list.body;
  EXPECT_EQ(Json(everything).keys(),
            (std::vector<std::string>{"message", "data", "total", "pages", "next_cursor"}));
  EXPECT_EQ(Json(everything)["pages"].dump(), R"({"page":1,"per_page":100,"total_pages":1})");
  // No body, blank or {}: list everything.
  EXPECT_EQ(Search("").body, everything);
  EXPECT_EQ(Search(" \r\n").body, everything);
  EXPECT_EQ(Search("{}").body, everything);
  HttpResult bare = api_->Send("POST", SearchPath());
  EXPECT_EQ(bare.body, everything);
  // The same query both ways, byte for byte.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"?q=acme&sort=-name", R"({"q":"acme","sort":[{"field":"name","order":"desc"}]})"},
      {"?per_page=10&page=1&sort=custom_attributes.ltv",
       R"({"per_page":10,"page":1,"sort":"custom_attributes.ltv"})"},
      {"?sort=email,-id", R"({"sort":["email",{"field":"id","order":"desc"}]})"},
  };
  for (const auto& [query, body] : pairs) {
    HttpResult get = List(query), post = Search(body);
    EXPECT_TRUE(IsSuccess(get)) << query;
    EXPECT_EQ(post.body, get.body) << body;
  }
}

}  // namespace
}  // namespace contactd::testing
