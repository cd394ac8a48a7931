// Black-box tests of the failures of search (net/search_request.h, engine/search/query_check.cc):
// every 400 of GET /contacts and POST /contacts/search with its exact issues (field path and
// message), 404 for an unknown chatbot or one outside a key's scope, and 401 without a key.
//
// One server for the suite; every test works in a chatbot of its own, seeded with the four
// attributes and six contacts of SearchSuite::Seed() (search_helpers.h).
#include "tests/integration/search_helpers.h"

namespace contactd::testing {
namespace {

class SearchErrorsApi : public SearchSuite<SearchErrorsApi> {
 protected:
  void SetUp() override {
    SearchSuite::SetUp();
    if (!HasFatalFailure()) Seed();
  }
  // A cursor of the first page of GET /contacts?per_page=1... is not possible (per_page >= 10),
  // so cursors come from POST with per_page 1; `members` as in WalkPost.
  std::string CursorOf(const std::string& members) {
    HttpResult r = Search("{" + members + (members.empty() ? "" : ",") + "\"per_page\":1}");
    EXPECT_TRUE(IsSuccess(r)) << members;
    const std::string cursor = Json(r.body)["next_cursor"].str();
    EXPECT_FALSE(cursor.empty()) << r.body;
    return cursor;
  }
};

constexpr const char* kUnknownOp =
    "Unknown operator; use eq ne in nin gt lt gte lte contains not_contains starts_with "
    "ends_with exists";
constexpr const char* kBadDate =
    "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z";
constexpr const char* kBadQ = "Must be at most 256 bytes of text without control characters";

// --- GET /contacts ---

// Issues the query-string parser reports, at the parameter's name.
TEST_F(SearchErrorsApi, GetRejectsMalformedParameters) {
  const std::vector<std::pair<std::string, IssueList>> cases = {
      {"?foo=1", {{"foo", "Unknown query parameter"}}},
      {"?filter=1", {{"filter", "Unknown query parameter"}}},
      {Qs({{"filter[]", "1"}}), {{"filter[]", "Unknown query parameter"}}},
      {Qs({{"filter[name]x", "1"}}), {{"filter[name]x", "Unknown query parameter"}}},
      {Qs({{"filter[name][eq]x", "1"}}), {{"filter[name][eq]x", "Unknown query parameter"}}},
      {Qs({{"filter[name][like]", "x"}}), {{"filter[name][like]", kUnknownOp}}},
      {Qs({{"filter[name][EQ]", "x"}}), {{"filter[name][EQ]", kUnknownOp}}},
      {Qs({{"filter[name][exists]", "maybe"}}),
       {{"filter[name][exists]", "Expected true or false"}}},
      {Qs({{"filter[name][exists]", ""}}), {{"filter[name][exists]", "Expected true or false"}}},
      {Qs({{"filter[name]", "a"}, {"filter[name]", "b"}}),
       {{"filter[name]", "Given twice; only in and nin take several values"}}},
      {Qs({{"filter[name][gt]", "a"}, {"filter[name][gt]", "b"}}),
       {{"filter[name][gt]", "Given twice; only in and nin take several values"}}},
      {"?order=up", {{"order", "Expected asc or desc"}}},
      {"?sort=name,email&order=asc,desc,asc", {{"order", "Give one order, or one per sort field"}}},
      {"?sort=name,email&order=asc,down", {{"order", "Expected asc or desc"}}},
      {"?page=2&cursor=abc", {{"cursor", "Use either page or cursor"}}},
      {"?sort=name,email,phonenumber,external_id", {{"sort", "At most 3 sort keys"}}},
      {"?q=" + std::string(257, 'a'), {{"q", kBadQ}}},
      {"?q=" + PathEncode(std::string(200, 'a') + std::string(29, '\xc3') + "x"),
       {{"q", kBadQ}}},  // not UTF-8
      {"?q=a%01b", {{"q", kBadQ}}},
      // A name that is not UTF-8 is named with U+FFFD for its bad bytes; a sort likewise refused.
      {"?f%FFo=1", {{"f\xEF\xBF\xBDo", "Parameter name must be valid UTF-8"}}},
      {"?sort=n%C3", {{"sort", "Must be valid UTF-8"}}},
      // Several problems at once: all of them.
      {"?foo=1&order=up&bar=2",
       {{"foo", "Unknown query parameter"},
        {"bar", "Unknown query parameter"},
        {"order", "Expected asc or desc"}}},
  };
  for (const auto& [query, issues] : cases) ExpectInvalid(List(query), issues, query);
  // 256 bytes of q are fine, and so are spaces around them.
  EXPECT_EQ(Found("?q=" + std::string(256, 'a')), Ids{});
  EXPECT_EQ(Found("?q=%20%20" + std::string(256, 'a') + "%20"), Ids{});
  std::string accents;
  for (int i = 0; i < 128; ++i) accents += "é";  // 256 bytes
  EXPECT_EQ(Found("?q=" + PathEncode(accents)), Ids{});
}

// The messages of issues found when the query is checked against the chatbot's fields.
TEST_F(SearchErrorsApi, GetRejectsBadFiltersAndSorts) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Qs({{"filter[nope]", "1"}}), "Unknown field 'nope'"},
      {Qs({{"filter[custom_attributes.nope][gt]", "1"}}), "Unknown field 'custom_attributes.nope'"},
      {Qs({{"filter[custom_attributes.ltv][contains]", "5"}}),
       "Operator ~ is not valid for number fields"},
      {Qs({{"filter[custom_attributes.signup][starts_with]", "2026"}}),
       "Operator ^ is not valid for date fields"},
      {Qs({{"filter[custom_attributes.vip][gt]", "true"}}),
       "Operator > is not valid for boolean fields"},
      {Qs({{"filter[phonenumber][gt]", "5"}}), "Operator > is not valid for phone fields"},
      {Qs({{"filter[created_at][ends_with]", "5"}}), "Operator $ is not valid for integer fields"},
      {Qs({{"filter[stripe_accounts]", "x"}}), "Operator = is not valid for presence fields"},
      {Qs({{"filter[custom_attributes.ltv]", "abc"}}), "Expected number, received string"},
      {Qs({{"filter[custom_attributes.vip]", "maybe"}}), "Expected boolean, received string"},
      {Qs({{"filter[custom_attributes.signup]", "2026-13-40"}}), kBadDate},
      {Qs({{"filter[created_at][gt]", "yesterday"}}),
       "Expected Unix seconds or an ISO 8601 date, received string"},
      {Qs({{"filter[id]", "someone"}}), "Expected a contact id (\"contact_42\" or 42)"},
      {Qs({{"filter[phonenumber]", "abc"}}), "Expected a phone number (digits)"},
      {"?sort=nope", "Unknown field 'nope'"},
      {"?sort=stripe_accounts", "Cannot sort by 'stripe_accounts'"},
      {"?sort=-stripe_accounts.label", "Cannot sort by 'stripe_accounts.label'"},
      {"?sort=name,-name", "Sorted by 'name' twice"},
  };
  for (const auto& [query, message] : cases) {
    HttpResult r = List(query);
    EXPECT_TRUE(IsError(r, 400, kInvalid)) << query;
    IssueList issues = Issues(r);
    ASSERT_EQ(issues.size(), 1u) << query << " -> " << r.body;
    EXPECT_EQ(issues[0].second, message) << query;
  }
}

// Issue paths of a query-string filter or sort name the parameter that holds the problem.
TEST_F(SearchErrorsApi, GetIssuePathsNameTheParameter) {
  const std::vector<std::pair<std::string, IssueList>> cases = {
      {Qs({{"filter[nope]", "1"}}), {{"filter[nope]", "Unknown field 'nope'"}}},
      {Qs({{"filter[custom_attributes.ltv][contains]", "5"}}),
       {{"filter[custom_attributes.ltv][contains]", "Operator ~ is not valid for number fields"}}},
      {Qs({{"filter[phonenumber][gt]", "5"}}),
       {{"filter[phonenumber][gt]", "Operator > is not valid for phone fields"}}},
      {Qs({{"filter[stripe_accounts]", "x"}}),
       {{"filter[stripe_accounts]", "Operator = is not valid for presence fields"}}},
      {Qs({{"filter[custom_attributes.ltv]", "abc"}}),
       {{"filter[custom_attributes.ltv]", "Expected number, received string"}}},
      {Qs({{"filter[custom_attributes.vip][ne]", "maybe"}}),
       {{"filter[custom_attributes.vip][ne]", "Expected boolean, received string"}}},
      {Qs({{"filter[custom_attributes.signup][gte]", "2026-13-40"}}),
       {{"filter[custom_attributes.signup][gte]", kBadDate}}},
      {"?sort=nope", {{"sort", "Unknown field 'nope'"}}},
      {"?sort=stripe_accounts", {{"sort", "Cannot sort by 'stripe_accounts'"}}},
      {"?sort=name,-name", {{"sort", "Sorted by 'name' twice"}}},
  };
  for (const auto& [query, issues] : cases) ExpectInvalid(List(query), issues, query);
}

TEST_F(SearchErrorsApi, GetInValuesAreCheckedOneByOne) {
  HttpResult r = List(Qs({{"filter[custom_attributes.ltv][in]", "1"},
                          {"filter[custom_attributes.ltv][in]", "two"},
                          {"filter[custom_attributes.ltv][in]", "3"}}));
  EXPECT_TRUE(IsError(r, 400, kInvalid));
  IssueList issues = Issues(r);
  ASSERT_EQ(issues.size(), 1u) << r.body;
  EXPECT_EQ(issues[0].second, "Expected number, received string");
  EXPECT_NE(issues[0].first.find("filter[custom_attributes.ltv][in]"), std::string::npos)
      << issues[0].first;
}

TEST_F(SearchErrorsApi, GetReportsEveryBadFilter) {
  HttpResult r = List(Qs({{"filter[nope]", "1"},
                          {"filter[custom_attributes.ltv][gt]", "x"},
                          {"sort", "stripe_accounts"},
                          {"q", std::string(300, 'q')}}));
  EXPECT_TRUE(IsError(r, 400, kInvalid));
  IssueList issues = Issues(r);
  ASSERT_EQ(issues.size(), 4u) << r.body;
  EXPECT_EQ(issues[0].second, "Unknown field 'nope'");
  EXPECT_EQ(issues[1].second, "Expected number, received string");
  EXPECT_EQ(issues[2], (std::pair<std::string, std::string>{"q", kBadQ}));
  EXPECT_EQ(issues[3].second, "Cannot sort by 'stripe_accounts'");
}

// --- cursors (both endpoints) ---

TEST_F(SearchErrorsApi, MalformedCursors) {
  const std::string good = CursorOf("");
  for (const std::string& bad : {std::string("!!!"), std::string("abc"), std::string("AAAA"),
                                 good.substr(0, good.size() - 2), good + "AA"}) {
    ExpectInvalid(List("?cursor=" + PathEncode(bad)), {{"cursor", "Malformed cursor"}}, bad);
    ExpectInvalid(Search("{\"cursor\":" + Quote(bad) + "}"), {{"cursor", "Malformed cursor"}}, bad);
  }
  ExpectInvalid(List("?cursor="), {{"cursor", "Malformed cursor"}});
  ExpectInvalid(Search(R"({"cursor":""})"), {{"cursor", "Malformed cursor"}});
  ExpectInvalid(Search("{\"cursor\":" + Quote(std::string(9000, 'A')) + "}"),
                {{"cursor", "Malformed cursor"}});
  // The good one works on both endpoints.
  EXPECT_TRUE(IsSuccess(List("?cursor=" + PathEncode(good))));
  HttpResult next = Search("{\"cursor\":" + Quote(good) + "}");
  ASSERT_TRUE(IsSuccess(next)) << next.body;
  const Json j(next.body);
  EXPECT_EQ(Exts(j["data"]), (Ids{"u5", "u4", "u3", "u2", "u1"})) << next.body;
  EXPECT_EQ(j["total"].i64(), 6) << next.body;
  EXPECT_TRUE(j["next_cursor"].is_null()) << next.body;
}

TEST_F(SearchErrorsApi, CursorFromAnotherQuery) {
  const std::string issue = "This cursor belongs to another query: its filters, q or sort differ";
  const std::string plain = CursorOf("");
  const std::string by_q = CursorOf(R"("q":"a")");
  const std::string by_name = CursorOf(R"("sort":"name")");
  const std::string filtered =
      CursorOf(R"("query":{"field":"custom_attributes.ltv","operator":">","value":1})");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("q":"b")", by_q},
      {"", by_q},
      {R"("q":"a")", plain},
      {R"("sort":"email")", by_name},
      {R"("sort":{"field":"name","order":"desc"})", by_name},
      {R"("sort":"name")", plain},
      {"", by_name},
      {R"("query":{"field":"custom_attributes.ltv","operator":">","value":2})", filtered},
      {R"("query":{"field":"custom_attributes.ltv","operator":">=","value":1})", filtered},
      {"", filtered},
  };
  for (const auto& [members, cursor] : cases) {
    const std::string body =
        "{" + members + (members.empty() ? "" : ",") + "\"cursor\":" + Quote(cursor) + "}";
    HttpResult r = Search(body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(Issues(r), (IssueList{{"cursor", issue}})) << body;
  }
  // And on GET.
  HttpResult r = List("?q=b&cursor=" + PathEncode(by_q));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Issues(r), (IssueList{{"cursor", issue}}));
  // The same query continues.
  EXPECT_TRUE(IsSuccess(Search("{\"q\":\"a\",\"cursor\":" + Quote(by_q) + "}")));
}

TEST_F(SearchErrorsApi, CursorFromAnotherQueryIsAnInvalidRequest) {
  const std::string by_q = CursorOf(R"("q":"a")");
  ExpectInvalid(
      Search(R"({"q":"b","cursor":)" + Quote(by_q) + "}"),
      {{"cursor", "This cursor belongs to another query: its filters, q or sort differ"}});
  ExpectInvalid(
      List("?q=b&cursor=" + PathEncode(by_q)),
      {{"cursor", "This cursor belongs to another query: its filters, q or sort differ"}});
}

TEST_F(SearchErrorsApi, CursorFromAQueryWithAnotherNumberOfSortKeys) {
  const std::string plain = CursorOf("");
  ExpectInvalid(
      Search(R"({"sort":["name","email"],"cursor":)" + Quote(plain) + "}"),
      {{"cursor", "This cursor belongs to another query: its filters, q or sort differ"}});
  const std::string two = CursorOf(R"("sort":["name","email"])");
  ExpectInvalid(
      Search(R"({"sort":"name","cursor":)" + Quote(two) + "}"),
      {{"cursor", "This cursor belongs to another query: its filters, q or sort differ"}});
}

// --- POST /contacts/search: the body ---

TEST_F(SearchErrorsApi, PostRejectsUnknownKeysAndWrongTypes) {
  const std::vector<std::pair<std::string, IssueList>> cases = {
      {R"({"filter":{}})", {{"filter", "Unknown field"}}},
      {R"({"Query":{}})", {{"Query", "Unknown field"}}},
      {R"({"per_page":"10"})", {{"per_page", "Expected a non-negative integer"}}},
      {R"({"per_page":-1})", {{"per_page", "Expected a non-negative integer"}}},
      {R"({"per_page":1.5})", {{"per_page", "Expected a non-negative integer"}}},
      {R"({"per_page":null})", {{"per_page", "Expected a non-negative integer"}}},
      {R"({"page":0})", {{"page", "Expected a positive integer"}}},
      {R"({"page":"2"})", {{"page", "Expected a positive integer"}}},
      {R"({"page":true})", {{"page", "Expected a positive integer"}}},
      {R"({"q":5})", {{"q", "Expected string, received number"}}},
      {R"({"q":null})", {{"q", "Expected string, received null"}}},
      {R"({"q":["a"]})", {{"q", "Expected string, received array"}}},
      {R"({"cursor":null})", {{"cursor", "Expected string, received null"}}},
      {R"({"cursor":7})", {{"cursor", "Expected string, received number"}}},
      {R"({"sort":5})", {{"sort", "Expected object, received number"}}},
      {R"({"sort":null})", {{"sort", "Expected object, received null"}}},
      {R"({"sort":[5]})", {{"sort[0]", "Expected object, received number"}}},
      {R"({"sort":[{"field":5}]})", {{"sort[0].field", "Expected string, received number"}}},
      {R"({"sort":[{"order":"desc"}]})", {{"sort[0].field", "Required"}}},
      {R"({"sort":[{"field":"name","order":"down"}]})",
       {{"sort[0].order", "Expected asc or desc"}}},
      {R"({"sort":[{"field":"name","order":1}]})",
       {{"sort[0].order", "Expected string, received number"}}},
      {R"({"sort":[{"field":"name","dir":"asc"}]})", {{"sort[0].dir", "Unknown field"}}},
      {R"({"query":[]})", {{"query", "Expected object, received array"}}},
      {R"({"query":"name = bob"})", {{"query", "Expected object, received string"}}},
      {R"({"query":{"field":1,"operator":"="}})",
       {{"query.field", "Expected string, received number"}}},
      {R"({"query":{"field":"name","operator":null,"value":"x"}})",
       {{"query.operator", "Expected string, received null"}}},
      {R"({"query":{"field":"name","operator":"=","value":"x","not":true}})",
       {{"query.not", "Unknown field"}}},
      {R"({"q":"a","q":"b"})", {{"q", "Duplicate key"}}},
      {"[]", {{"", "Expected object, received array"}}},
      // Several at once, in order.
      {R"({"q":1,"per_page":"x","extra":0})",
       {{"q", "Expected string, received number"},
        {"per_page", "Expected a non-negative integer"},
        {"extra", "Unknown field"}}},
  };
  for (const auto& [body, issues] : cases) ExpectInvalid(Search(body), issues, body);
  HttpResult r = Search("{\"q\":");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Json(r.body)["message"].str().rfind("Request body is not valid JSON", 0), 0u) << r.body;
}

TEST_F(SearchErrorsApi, PostRejectsBadFilters) {
  auto cond = [](const std::string& field, const std::string& op, const std::string& value) {
    return R"({"query":{"field":")" + field + R"(","operator":")" + op + "\"" +
           (value.empty() ? "" : ",\"value\":" + value) + "}}";
  };
  const std::vector<std::pair<std::string, IssueList>> cases = {
      {cond("nope", "=", "1"), {{"query.field", "Unknown field 'nope'"}}},
      {cond("custom_attributes.nope", "=", "1"),
       {{"query.field", "Unknown field 'custom_attributes.nope'"}}},
      {cond("custom_attributes", "exists", ""),
       {{"query.field", "Unknown field 'custom_attributes'"}}},
      {cond("Name", "=", R"("x")"), {{"query.field", "Unknown field 'Name'"}}},
      {cond("name", "LIKE", R"("x")"),
       {{"query.operator",
         "Unknown operator 'LIKE'; use = != IN NIN > < >= <= ~ !~ ^ $ exists not_exists"}}},
      {cond("name", "eq", R"("x")"),
       {{"query.operator",
         "Unknown operator 'eq'; use = != IN NIN > < >= <= ~ !~ ^ $ exists not_exists"}}},
      {R"({"query":{"field":"name","value":"x"}})", {{"query.operator", "Required"}}},
      {R"({"query":{"operator":"=","value":"x"}})", {{"query.field", "Required"}}},
      {R"({"query":{}})", {{"query.field", "Required"}, {"query.operator", "Required"}}},
      // Operators not valid for the field's type.
      {cond("custom_attributes.ltv", "~", "5"),
       {{"query.operator", "Operator ~ is not valid for number fields"}}},
      {cond("custom_attributes.ltv", "!~", "5"),
       {{"query.operator", "Operator !~ is not valid for number fields"}}},
      {cond("custom_attributes.signup", "$", R"("01")"),
       {{"query.operator", "Operator $ is not valid for date fields"}}},
      {cond("custom_attributes.vip", ">=", "true"),
       {{"query.operator", "Operator >= is not valid for boolean fields"}}},
      {cond("custom_attributes.vip", "^", R"("t")"),
       {{"query.operator", "Operator ^ is not valid for boolean fields"}}},
      {cond("phonenumber", ">", R"("5")"),
       {{"query.operator", "Operator > is not valid for phone fields"}}},
      {cond("phonenumber", "<=", R"("5")"),
       {{"query.operator", "Operator <= is not valid for phone fields"}}},
      {cond("id", "~", "5"), {{"query.operator", "Operator ~ is not valid for integer fields"}}},
      {cond("stripe_accounts", "=", R"("x")"),
       {{"query.operator", "Operator = is not valid for presence fields"}}},
      {cond("stripe_accounts", "IN", R"(["x"])"),
       {{"query.operator", "Operator IN is not valid for presence fields"}}},
      // Values of the wrong type.
      {cond("custom_attributes.ltv", "=", R"("abc")"),
       {{"query.value", "Expected number, received string"}}},
      {cond("custom_attributes.ltv", ">", R"("5")"),
       {{"query.value", "Expected number, received string"}}},  // JSON values are typed
      {cond("custom_attributes.ltv", "=", "true"),
       {{"query.value", "Expected number, received boolean"}}},
      {cond("custom_attributes.vip", "=", R"("maybe")"),
       {{"query.value", "Expected boolean, received string"}}},
      {cond("custom_attributes.vip", "!=", "2"),
       {{"query.value", "Expected boolean, received number"}}},
      {cond("custom_attributes.signup", "=", R"("2026-13-40")"), {{"query.value", kBadDate}}},
      {cond("custom_attributes.signup", "<", "20260101"),
       {{"query.value", "Expected date, received number"}}},
      {cond("name", "=", "5"), {{"query.value", "Expected string, received number"}}},
      {cond("name", "~", R"({"a":1})"), {{"query.value", "Expected string, received object"}}},
      {cond("custom_attributes.plan", "=", "false"),
       {{"query.value", "Expected string, received boolean"}}},
      {cond("created_at", ">", R"("soon")"),
       {{"query.value", "Expected Unix seconds or an ISO 8601 date, received string"}}},
      {cond("id", "=", R"("contact_x")"),
       {{"query.value", "Expected a contact id (\"contact_42\" or 42)"}}},
      {cond("phonenumber", "=", R"("call me")"),
       {{"query.value", "Expected a phone number (digits)"}}},
      {cond("custom_attributes.ltv", "IN", R"([1, "x", 3, null])"),
       {{"query.value[1]", "Expected number, received string"},
        {"query.value[3]", "Expected number, received null"}}},
      // Values of the wrong number.
      {cond("name", "IN", "[]"), {{"query.value", "Expected a list of 1 to 1000 values"}}},
      {cond("name", "NIN", "[]"), {{"query.value", "Expected a list of 1 to 1000 values"}}},
      {cond("name", "IN", ""), {{"query.value", "Expected a list of 1 to 1000 values"}}},
      {cond("name", "=", ""), {{"query.value", "Expected one value"}}},
      {cond("name", "=", R"(["a","b"])"), {{"query.value", "Expected one value"}}},
      {cond("name", "exists", R"("x")"), {{"query.value", "exists takes no value"}}},
      {cond("name", "not_exists", "[1]"), {{"query.value", "not_exists takes no value"}}},
  };
  for (const auto& [body, issues] : cases) ExpectInvalid(Search(body), issues, body);
  // 1001 IN values.
  std::string many = "[";
  for (int i = 0; i < 1001; ++i) many += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
  ExpectInvalid(Search(cond("name", "IN", many + "]")), {{"query.value", "At most 1000 values"}});
}

TEST_F(SearchErrorsApi, PostIssuePathsInsideGroups) {
  ExpectInvalid(Search(R"({"query":{"operator":"OR","value":[
      {"field":"name","operator":"=","value":"a"},
      {"field":"nope","operator":"=","value":1}]}})"),
                {{"query.value[1].field", "Unknown field 'nope'"}});
  ExpectInvalid(Search(R"({"query":{"operator":"AND","value":[
      {"field":"name","operator":"=","value":"a"},
      {"operator":"OR","value":[
        {"field":"custom_attributes.ltv","operator":"~","value":1},
        {"field":"custom_attributes.vip","operator":"=","value":"maybe"},
        {"operator":"AND","value":[{"field":"custom_attributes.signup","operator":">","value":"2026-13-40"}]}]}]}})"),
                {{"query.value[1].value[0].operator", "Operator ~ is not valid for number fields"},
                 {"query.value[1].value[1].value", "Expected boolean, received string"},
                 {"query.value[1].value[2].value[0].value", kBadDate}});
  // Groups need an array of filters.
  const std::vector<std::pair<std::string, IssueList>> groups = {
      {R"({"query":{"operator":"AND","value":{"field":"name","operator":"exists"}}})",
       {{"query.value", "Expected an array of filters"}}},
      {R"({"query":{"operator":"OR"}})", {{"query.value", "Expected an array of filters"}}},
      {R"({"query":{"operator":"or","value":"x"}})",
       {{"query.value", "Expected an array of filters"}}},
      {R"({"query":{"operator":"AND","value":[]}})",
       {{"query.value", "A group needs at least one filter"}}},
      {R"({"query":{"operator":"AND","value":[5]}})",
       {{"query.value[0]", "Expected object, received number"}}},
      {R"({"query":{"operator":"OR","value":[{"operator":"AND","value":null}]}})",
       {{"query.value[0].value", "Expected an array of filters"}}},
  };
  for (const auto& [body, issues] : groups) ExpectInvalid(Search(body), issues, body);
}

TEST_F(SearchErrorsApi, PostFiltersNestAtMost8LevelsDeep) {
  std::string path = "query";
  std::string deep = R"({"field":"name","operator":"=","value":"bob"})";
  for (int i = 0; i < 8; ++i) {
    deep = R"({"operator":"AND","value":[)" + deep + "]}";
    path += ".value[0]";
  }
  ExpectInvalid(Search("{\"query\":" + deep + "}"), {{path, "Filters nest at most 8 levels deep"}});
  // Deeper still: one issue, at the ninth level.
  std::string deeper = deep;
  for (int i = 0; i < 20; ++i) deeper = R"({"operator":"OR","value":[)" + deeper + "]}";
  std::string path9 = "query";
  for (int i = 0; i < 8; ++i) path9 += ".value[0]";
  ExpectInvalid(Search("{\"query\":" + deeper + "}"),
                {{path9, "Filters nest at most 8 levels deep"}});
}

TEST_F(SearchErrorsApi, PostRejectsBadQSortAndPaging) {
  const std::vector<std::pair<std::string, IssueList>> cases = {
      {"{\"q\":" + Quote(std::string(257, 'x')) + "}", {{"q", kBadQ}}},
      {R"({"q":"a\u0000b"})", {{"q", kBadQ}}},
      {R"({"sort":[{"field":"stripe_accounts"}]})",
       {{"sort[0].field", "Cannot sort by 'stripe_accounts'"}}},
      {R"({"sort":[{"field":"stripe_accounts.stripe_id"}]})",
       {{"sort[0].field", "Cannot sort by 'stripe_accounts.stripe_id'"}}},
      {R"({"sort":"stripe_accounts.stripe_email"})",
       {{"sort.field", "Cannot sort by 'stripe_accounts.stripe_email'"}}},
      {R"({"sort":{"field":"nope"}})", {{"sort.field", "Unknown field 'nope'"}}},
      {R"({"sort":[{"field":"email"},{"field":"custom_attributes.nope"}]})",
       {{"sort[1].field", "Unknown field 'custom_attributes.nope'"}}},
      {R"({"sort":[{"field":"name"},{"field":"name","order":"desc"}]})",
       {{"sort[1].field", "Sorted by 'name' twice"}}},
      {R"({"sort":["custom_attributes.ltv","email","custom_attributes.ltv"]})",
       {{"sort[2].field", "Sorted by 'custom_attributes.ltv' twice"}}},
      {R"({"sort":["name","email","phonenumber","id"]})", {{"sort", "At most 3 sort keys"}}},
      {R"({"page":1,"cursor":"AAAA"})", {{"cursor", "Use either page or cursor"}}},
  };
  for (const auto& [body, issues] : cases) ExpectInvalid(Search(body), issues, body);
  EXPECT_EQ(Searched("{\"q\":" + Quote("  " + std::string(256, 'x') + " ") + "}"), Ids{});
}

// --- 404, 401 and key scope ---

TEST_F(SearchErrorsApi, UnknownChatbotIs404) {
  const std::string path = ContactsPath("no_such_bot");
  EXPECT_TRUE(IsError(api_->Post(path + "/search", "{}"), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Post(path + "/search", ""), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Post(path + "/search", R"({"query":{"field":"nope"}})"), 404,
                      "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(path + "?q=a&sort=-name"), 404, "Resource not found"));
  EXPECT_TRUE(IsError(api_->Get(path + "?filter%5Bnope%5D=1"), 404, "Resource not found"));
}

TEST_F(SearchErrorsApi, NoKeyIs401) {
  Client anonymous(port(), "");
  EXPECT_TRUE(IsError(anonymous.Post(SearchPath(), "{}"), 401, "Unauthorized access"));
  EXPECT_TRUE(IsError(anonymous.Get(ContactsPath(bot_) + "?q=a"), 401, "Unauthorized access"));
  Client wrong(port(), "not-a-key");
  EXPECT_TRUE(IsError(wrong.Post(SearchPath(), "{}"), 401, "Unauthorized access"));
}

TEST_F(SearchErrorsApi, AKeyScopedToOneChatbotCannotSearchAnother) {
  HttpResult r = api_->Post("/api/v1/apikeys",
                            "{\"name\":\"widget\",\"role\":\"member\","
                            "\"chatbot_id\":" +
                                Quote(bot_) + "}");
  ASSERT_TRUE(IsSuccess(r));
  Client scoped(port(), Json(r.body)["data"]["key"].str());
  const std::string other = NewChatbot(*api_);
  ASSERT_FALSE(other.empty());
  ASSERT_TRUE(IsSuccess(api_->Post(ContactsPath(other), R"({"users":[{"external_id":"x"}]})")));
  // Its own chatbot: fine.
  r = scoped.Post(SearchPath(), R"({"q":"acme"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Exts(Json(r.body)["data"]), (Ids{"u3", "u1"}));
  EXPECT_TRUE(IsSuccess(scoped.Get(ContactsPath(bot_) + "?q=acme")));
  // Another chatbot of the same workspace does not exist for it.
  EXPECT_TRUE(
      IsError(scoped.Post(ContactsPath(other) + "/search", "{}"), 404, "Resource not found"));
  EXPECT_TRUE(IsError(scoped.Post(ContactsPath(other) + "/search", R"({"q":"x"})"), 404,
                      "Resource not found"));
  EXPECT_TRUE(IsError(scoped.Get(ContactsPath(other)), 404, "Resource not found"));
  EXPECT_TRUE(
      IsError(scoped.Get(ContactsPath(other) + "?q=x&sort=name"), 404, "Resource not found"));
  // Nor does a chatbot of another workspace for that workspace's admin.
  r = api_->Post("/api/v1/workspaces", "{\"id\":" + Quote(UniqueId("ws")) + ",\"name\":\"WS\"}");
  ASSERT_TRUE(IsSuccess(r));
  Client outsider(port(), Json(r.body)["data"]["api_key"]["key"].str());
  EXPECT_TRUE(IsError(outsider.Post(SearchPath(), "{}"), 404, "Resource not found"));
  EXPECT_TRUE(IsError(outsider.Get(ContactsPath(bot_) + "?q=a"), 404, "Resource not found"));
}

}  // namespace
}  // namespace contactd::testing
