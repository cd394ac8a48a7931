// Errors of a search request through Engine::Search: the checks of search::CheckQuery (fields,
// operators per type, values, nesting and size limits, sort keys, paging, q) and the executor's
// cursor checks. Each case asserts the status code, the message and the exact issues (field path
// and text), with filter paths set as the JSON decoder sets them ("query.value[1].value[0]").
// Also: what is accepted at the edges of each limit, and values_are_text conversions.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "engine/search/query_check.h"
#include "tests/engine/engine_harness.h"

namespace contactd::testing {
namespace {

using search::FilterInput;
using search::SearchInput;
using search::SortInput;

RawValue S(std::string s) { return RawValue::String(std::move(s)); }
RawValue N(int64_t i) { return RawValue::Int(i); }
RawValue B(bool b) { return RawValue::Bool(b); }

FilterInput C(std::string field, std::string op, std::vector<RawValue> values = {}) {
  const bool given = !values.empty();
  return {false, std::move(field), std::move(op), std::move(values), given, false, {}, ""};
}
FilterInput And(std::vector<FilterInput> c) { return {true, "", "", {}, false, false, c, ""}; }
FilterInput Or(std::vector<FilterInput> c) { return {true, "", "", {}, false, true, c, ""}; }

// Sets the paths of a filter tree as net/search_request.cc does for a JSON body.
void SetPaths(FilterInput* f, const std::string& path) {
  f->path = path;
  for (size_t i = 0; i < f->children.size(); ++i) {
    SetPaths(&f->children[i], path + ".value[" + std::to_string(i) + "]");
  }
}

const char* const kTooDeep = "Filters nest at most 8 levels deep";
const char* const kBadQ = "Must be at most 256 bytes of text without control characters";
const char* const kOtherQuery =
    "This cursor belongs to another query: its filters, q or sort differ";
const char* const kBadDate =
    "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z";

// A search's outcome: OK, or the code, message and issues of its error.
struct Err {
  Code code = Code::kOk;
  std::string message;
  std::vector<Issue> issues;
  friend bool operator==(const Err&, const Err&) = default;
};
void PrintTo(const Err& e, std::ostream* os) {
  *os << CodeName(e.code) << " \"" << e.message << "\"";
  for (const Issue& i : e.issues) *os << "\n  {\"" << i.field << "\", \"" << i.message << "\"}";
}
Err Invalid(std::vector<Issue> issues) {
  return {Code::kInvalidArgument, kMsgInvalidRequest, std::move(issues)};
}
const Err kOk;

// Chatbot "bot" (plan text, ltv number, vip boolean, renewal date) with three contacts:
// u1 (ltv 42, vip true, renewal 2026-01-01), u2, u3, created 10 s apart.
class QueryCheckTest : public ChatbotFixture {
 protected:
  void SetUp() override {
    ChatbotFixture::SetUp();
    auto r = Upsert({WithAttrs(Item("u1", "ann@acme.com", "Ann"),
                               {{"ltv", N(42)}, {"vip", B(true)}, {"renewal", S("2026-01-01")}})});
    ASSERT_OK(r);
    u1_ = r->contacts[0].id;
    for (const char* ext : {"u2", "u3"}) {
      h_.clock().Advance(10);
      ASSERT_OK(Upsert({Item(ext)}));
    }
  }

  Result<ContactList> Search(const SearchInput& in) { return e().Search(admin_, "bot", in); }
  Err Check(const SearchInput& in) {
    Result<ContactList> r = Search(in);
    if (r.ok()) return kOk;
    return {r.status().code(), r.status().message(), r.status().issues()};
  }
  Err Check(FilterInput f, bool values_are_text = false) {
    return Check(In(std::move(f), values_are_text));
  }
  static SearchInput In(FilterInput f, bool values_are_text = false) {
    SetPaths(&f, "query");
    SearchInput in;
    in.filter = std::move(f);
    in.values_are_text = values_are_text;
    return in;
  }
  // The total of a search that must succeed.
  uint64_t Total(const SearchInput& in) {
    Result<ContactList> r = Search(in);
    EXPECT_OK(r);
    return r.ok() ? r->total : UINT64_MAX;
  }

  ContactId u1_ = 0;
};

TEST_F(QueryCheckTest, UnknownFields) {
  EXPECT_EQ(Check(C("nope", "=", {S("x")})), Invalid({{"query.field", "Unknown field 'nope'"}}));
  EXPECT_EQ(Check(C("Name", "=", {S("x")})), Invalid({{"query.field", "Unknown field 'Name'"}}));
  EXPECT_EQ(Check(C("custom_attributes.nope", "exists")),
            Invalid({{"query.field", "Unknown field 'custom_attributes.nope'"}}));
  EXPECT_EQ(Check(C("custom_attributes.", "exists")),
            Invalid({{"query.field", "Unknown field 'custom_attributes.'"}}));
  EXPECT_EQ(Check(C("plan", "exists")), Invalid({{"query.field", "Unknown field 'plan'"}}));
  EXPECT_EQ(Check(C("stripe_accounts.balance", "exists")),
            Invalid({{"query.field", "Unknown field 'stripe_accounts.balance'"}}));
  EXPECT_EQ(Check(C("custom_attributes.plan", "exists")), kOk);
}

TEST_F(QueryCheckTest, MissingAndUnknownOperators) {
  EXPECT_EQ(Check(C("", "")),
            Invalid({{"query.field", "Required"}, {"query.operator", "Required"}}));
  EXPECT_EQ(Check(C("name", "LIKE", {S("x")})),
            Invalid({{"query.operator",
                      "Unknown operator 'LIKE'; use = != IN NIN > < >= <= ~ !~ ^ $ exists "
                      "not_exists"}}));
  EXPECT_EQ(Check(C("nope", "==", {S("x")})),
            Invalid({{"query.field", "Unknown field 'nope'"},
                     {"query.operator",
                      "Unknown operator '=='; use = != IN NIN > < >= <= ~ !~ ^ $ exists "
                      "not_exists"}}));
  // Operator names ignore case, and "not exists" is also spelled with a space.
  EXPECT_EQ(Check(And({C("name", "in", {S("ann")}), C("email", "Exists"),
                       C("phonenumber", "NOT EXISTS"), C("name", "nin", {S("bob")})})),
            kOk);
  EXPECT_EQ(Total(In(C("custom_attributes.ltv", "not exists"))), 2u);
}

TEST_F(QueryCheckTest, OperatorNotValidForTheFieldsType) {
  EXPECT_EQ(
      Check(Or({C("custom_attributes.ltv", "^", {N(4)}), C("custom_attributes.vip", ">", {B(true)}),
                C("custom_attributes.vip", "~", {B(true)}),
                C("custom_attributes.renewal", "~", {S("2026")}), C("phonenumber", "<", {S("415")}),
                C("created_at", "$", {N(1)}), C("id", "!~", {N(1)}),
                C("stripe_accounts", "=", {S("x")}), C("stripe_accounts", "IN", {S("x")})})),
      Invalid({{"query.value[0].operator", "Operator ^ is not valid for number fields"},
               {"query.value[1].operator", "Operator > is not valid for boolean fields"},
               {"query.value[2].operator", "Operator ~ is not valid for boolean fields"},
               {"query.value[3].operator", "Operator ~ is not valid for date fields"},
               {"query.value[4].operator", "Operator < is not valid for phone fields"},
               {"query.value[5].operator", "Operator $ is not valid for integer fields"},
               {"query.value[6].operator", "Operator !~ is not valid for integer fields"},
               {"query.value[7].operator", "Operator = is not valid for presence fields"},
               {"query.value[8].operator", "Operator IN is not valid for presence fields"}}));
  // Every operator is valid on text, including ranges; "= null" on a presence field is
  // not_exists.
  EXPECT_EQ(Check(And({C("custom_attributes.plan", ">", {S("a")}),
                       C("stripe_accounts.label", "<=", {S("z")}),
                       C("stripe_accounts", "=", {RawValue::Null()})})),
            kOk);
}

TEST_F(QueryCheckTest, ValuesOfTheWrongType) {
  RawValue object = RawValue::Of(RawValue::Kind::kObject);
  EXPECT_EQ(
      Check(Or(
          {C("custom_attributes.ltv", "=", {S("abc")}), C("custom_attributes.ltv", "=", {S("42")}),
           C("custom_attributes.ltv", ">", {RawValue::Null()}),
           C("custom_attributes.ltv", "<", {object}),
           C("custom_attributes.ltv", "=", {RawValue::Of(RawValue::Kind::kOutOfRange)}),
           C("custom_attributes.renewal", "=", {N(20260101)}),
           C("custom_attributes.renewal", ">", {S("2026-13-01")}),
           C("custom_attributes.renewal", "<", {S("yesterday")}),
           C("custom_attributes.vip", "=", {S("yes")}), C("custom_attributes.vip", "=", {N(2)}),
           C("custom_attributes.plan", "=", {B(true)}), C("name", "~", {N(5)}),
           C("id", "=", {S("abc")}), C("id", "=", {S("contact_x")}),
           C("created_at", ">", {S("yesterday")}), C("created_at", ">", {RawValue::Double(1.5)}),
           C("phonenumber", "~", {S("abc")}), C("phonenumber", "=", {N(415)})})),
      Invalid(
          {{"query.value[0].value", "Expected number, received string"},
           {"query.value[1].value", "Expected number, received string"},
           {"query.value[2].value", "Expected number, received null"},
           {"query.value[3].value", "Expected number, received object"},
           {"query.value[4].value", "Number is out of range"},
           {"query.value[5].value", "Expected date, received number"},
           {"query.value[6].value", kBadDate},
           {"query.value[7].value", kBadDate},
           {"query.value[8].value", "Expected boolean, received string"},
           {"query.value[9].value", "Expected boolean, received number"},
           {"query.value[10].value", "Expected string, received boolean"},
           {"query.value[11].value", "Expected string, received number"},
           {"query.value[12].value", "Expected a contact id (\"contact_42\" or 42)"},
           {"query.value[13].value", "Expected a contact id (\"contact_42\" or 42)"},
           {"query.value[14].value", "Expected Unix seconds or an ISO 8601 date, received string"},
           {"query.value[15].value", "Expected Unix seconds or an ISO 8601 date, received number"},
           {"query.value[16].value", "Expected a phone number (digits)"},
           {"query.value[17].value", "Expected string, received number"}}));
}

TEST_F(QueryCheckTest, ListIssuesNameTheBadItems) {
  EXPECT_EQ(Check(C("custom_attributes.ltv", "IN", {N(1), S("x"), N(3), B(true)})),
            Invalid({{"query.value[1]", "Expected number, received string"},
                     {"query.value[3]", "Expected number, received boolean"}}));
  EXPECT_EQ(Check(And({C("name", "=", {S("ann")}),
                       C("custom_attributes.renewal", "NIN", {S("2026-01-01"), S("soon")})})),
            Invalid({{"query.value[1].value[1]", kBadDate}}));
}

TEST_F(QueryCheckTest, NumberOfValues) {
  const char* const kList = "Expected a list of 1 to 1000 values";
  FilterInput empty_in = C("name", "IN");
  empty_in.value_given = true;  // "value": []
  EXPECT_EQ(Check(empty_in), Invalid({{"query.value", kList}}));
  EXPECT_EQ(Check(C("custom_attributes.ltv", "NIN")), Invalid({{"query.value", kList}}));
  EXPECT_EQ(Check(C("name", "=")), Invalid({{"query.value", "Expected one value"}}));
  EXPECT_EQ(Check(C("custom_attributes.ltv", ">=", {N(1), N(2)})),
            Invalid({{"query.value", "Expected one value"}}));
  std::vector<RawValue> many;
  for (int i = 0; i < 1000; ++i) many.push_back(N(i));
  EXPECT_EQ(Check(C("custom_attributes.ltv", "IN", many)), kOk);
  EXPECT_EQ(Total(In(C("custom_attributes.ltv", "IN", many))), 1u);
  many.push_back(N(1000));
  EXPECT_EQ(Check(C("custom_attributes.ltv", "IN", many)),
            Invalid({{"query.value", "At most 1000 values"}}));
}

TEST_F(QueryCheckTest, ExistsTakesNoValue) {
  EXPECT_EQ(Check(C("name", "exists", {S("x")})),
            Invalid({{"query.value", "exists takes no value"}}));
  EXPECT_EQ(Check(C("custom_attributes.ltv", "not_exists", {N(1), N(2)})),
            Invalid({{"query.value", "not_exists takes no value"}}));
  EXPECT_EQ(Check(C("stripe_accounts", "exists", {B(true)})),
            Invalid({{"query.value", "exists takes no value"}}));
  // A null value, or an empty list, is no value.
  EXPECT_EQ(Check(C("name", "exists", {RawValue::Null()})), kOk);
  FilterInput empty = C("name", "not_exists");
  empty.value_given = true;
  EXPECT_EQ(Check(empty), kOk);
  EXPECT_EQ(Total(In(C("name", "exists", {RawValue::Null()}))), 1u);
}

TEST_F(QueryCheckTest, FiltersNestAtMostEightLevels) {
  auto nested = [](size_t depth) {  // `depth` levels: groups around one condition
    FilterInput f = C("name", "exists");
    for (size_t i = 1; i < depth; ++i) f = And({f});
    return f;
  };
  std::string deepest = "query";
  for (size_t i = 1; i < search::kMaxFilterDepth + 1; ++i) deepest += ".value[0]";
  EXPECT_EQ(Check(nested(search::kMaxFilterDepth)), kOk);
  EXPECT_EQ(Total(In(nested(search::kMaxFilterDepth))), 1u);
  EXPECT_EQ(Check(nested(search::kMaxFilterDepth + 1)), Invalid({{deepest, kTooDeep}}));
  // A group that is too deep is reported once, at the group.
  FilterInput group = nested(search::kMaxFilterDepth + 2);
  EXPECT_EQ(Check(group), Invalid({{deepest, kTooDeep}}));
}

TEST_F(QueryCheckTest, AtMostOneHundredConditions) {
  auto conditions = [](size_t n) {
    std::vector<FilterInput> c(n, C("custom_attributes.ltv", ">", {N(0)}));
    return c;
  };
  EXPECT_EQ(Check(And(conditions(search::kMaxConditions))), kOk);
  EXPECT_EQ(Total(In(Or(conditions(search::kMaxConditions)))), 1u);
  EXPECT_EQ(Check(And(conditions(search::kMaxConditions + 1))),
            Invalid({{"query.value[100]", "At most 100 conditions"}}));
  EXPECT_EQ(Check(Or(conditions(150))), Invalid({{"query.value[100]", "At most 100 conditions"}}));
  // Counted across groups.
  EXPECT_EQ(Check(Or({And(conditions(60)), And(conditions(60))})),
            Invalid({{"query.value[1].value[40]", "At most 100 conditions"}}));
}

TEST_F(QueryCheckTest, GroupsNeedAFilter) {
  EXPECT_EQ(Check(And({})), Invalid({{"query.value", "A group needs at least one filter"}}));
  EXPECT_EQ(Check(Or({C("name", "exists"), And({})})),
            Invalid({{"query.value[1].value", "A group needs at least one filter"}}));
}

TEST_F(QueryCheckTest, SortKeys) {
  auto sorted = [](std::vector<std::string> fields) {
    SearchInput in;
    for (size_t i = 0; i < fields.size(); ++i) {
      in.sort.push_back({fields[i], i % 2 == 1, "sort[" + std::to_string(i) + "]"});
    }
    return in;
  };
  EXPECT_EQ(Check(sorted({"name", "email", "custom_attributes.ltv"})), kOk);
  EXPECT_EQ(Check(sorted({"name", "email", "custom_attributes.ltv", "id"})),
            Invalid({{"sort", "At most 3 sort keys"}}));
  EXPECT_EQ(Check(sorted({"nope"})), Invalid({{"sort[0].field", "Unknown field 'nope'"}}));
  EXPECT_EQ(Check(sorted({"name", "custom_attributes.nope"})),
            Invalid({{"sort[1].field", "Unknown field 'custom_attributes.nope'"}}));
  EXPECT_EQ(Check(sorted({"stripe_accounts", "stripe_accounts.label", "stripe_accounts.stripe_id",
                          "stripe_accounts.stripe_email"})),
            Invalid({{"sort[0].field", "Cannot sort by 'stripe_accounts'"},
                     {"sort[1].field", "Cannot sort by 'stripe_accounts.label'"},
                     {"sort[2].field", "Cannot sort by 'stripe_accounts.stripe_id'"},
                     {"sort[3].field", "Cannot sort by 'stripe_accounts.stripe_email'"},
                     {"sort", "At most 3 sort keys"}}));
  EXPECT_EQ(Check(sorted({"name", "name"})),
            Invalid({{"sort[1].field", "Sorted by 'name' twice"}}));
}

TEST_F(QueryCheckTest, PageAndCursor) {
  SearchInput in;
  in.page = 0;
  EXPECT_EQ(Check(in), Invalid({{"page", "Must be at least 1"}}));
  in.page = 1;
  in.cursor = "AQ";
  EXPECT_EQ(Check(in), Invalid({{"cursor", "Use either page or cursor"}}));
  in.page = 0;
  EXPECT_EQ(Check(in),
            Invalid({{"cursor", "Use either page or cursor"}, {"page", "Must be at least 1"}}));
}

TEST_F(QueryCheckTest, PerPageIsClampedNotRejected) {
  SearchInput in;
  in.per_page = 0;  // one per page
  Result<ContactList> r = Search(in);
  ASSERT_OK(r);
  ASSERT_EQ(r->contacts.size(), 1u);
  EXPECT_EQ(r->contacts[0].external_id, "u3");
  EXPECT_EQ(r->total, 3u);
  EXPECT_TRUE(r->next_cursor.has_value());
  in.page = 3;
  r = Search(in);
  ASSERT_OK(r);
  ASSERT_EQ(r->contacts.size(), 1u);
  EXPECT_EQ(r->contacts[0].external_id, "u1");
  in.per_page = 5000;
  in.page = std::nullopt;
  Result<search::Query> q = search::CheckQuery(Schema(), in);
  ASSERT_OK(q);
  EXPECT_EQ(q->per_page, 1000u);
}

TEST_F(QueryCheckTest, MalformedCursor) {
  const Err malformed = Invalid({{"cursor", "Malformed cursor"}});
  for (const std::string& token :
       std::vector<std::string>{"", "!!!", "AAAA", "AQ", std::string(9000, 'A')}) {
    SearchInput in;
    in.cursor = token;
    EXPECT_EQ(Check(in), malformed) << "cursor \"" << token.substr(0, 10) << "\"";
  }
  SearchInput first;  // a real cursor, cut short
  first.per_page = 1;
  Result<ContactList> r = Search(first);
  ASSERT_OK(r);
  ASSERT_TRUE(r->next_cursor.has_value());
  std::string damaged = *r->next_cursor;
  damaged.pop_back();
  first.cursor = damaged;
  EXPECT_EQ(Check(first), malformed);
}

TEST_F(QueryCheckTest, CursorOfAnotherQuery) {
  const Err other = Invalid({{"cursor", kOtherQuery}});
  SearchInput first = In(C("custom_attributes.ltv", "not_exists"));
  first.per_page = 1;
  Result<ContactList> r = Search(first);
  ASSERT_OK(r);
  ASSERT_TRUE(r->next_cursor.has_value());
  EXPECT_EQ(r->contacts[0].external_id, "u3");

  SearchInput next = first;
  next.cursor = r->next_cursor;
  next.per_page = 10;  // the page size is not part of the query
  r = Search(next);
  ASSERT_OK(r);
  ASSERT_EQ(r->contacts.size(), 1u);
  EXPECT_EQ(r->contacts[0].external_id, "u2");

  SearchInput changed = next;
  changed.filter = C("custom_attributes.ltv", "exists");
  EXPECT_EQ(Check(changed), other);
  changed = next;
  changed.q = "u";
  EXPECT_EQ(Check(changed), other);
  changed = next;
  changed.sort = {{"created_at", false, "sort"}};  // default is created_at descending
  EXPECT_EQ(Check(changed), other);
  changed = next;
  changed.sort = {{"created_at", true, "sort[0]"}, {"name", false, "sort[1]"}};  // one more key
  EXPECT_EQ(Check(changed), other);
  changed = next;
  changed.filter = std::nullopt;
  EXPECT_EQ(Check(changed), other);
}

TEST_F(QueryCheckTest, QLength) {
  SearchInput in;
  in.q = std::string(search::kMaxQueryBytes, 'a');
  EXPECT_EQ(Check(in), kOk);
  in.q = "  " + std::string(search::kMaxQueryBytes, 'a') + " ";  // spaces are trimmed first
  EXPECT_EQ(Check(in), kOk);
  in.q = std::string(search::kMaxQueryBytes + 1, 'a');
  EXPECT_EQ(Check(in), Invalid({{"q", kBadQ}}));
  in.q = std::string(search::kMaxQueryBytes - 2, 'a') + "é";  // bytes, not characters
  EXPECT_EQ(Check(in), kOk);
  in.q = std::string(search::kMaxQueryBytes - 1, 'a') + "é";
  EXPECT_EQ(Check(in), Invalid({{"q", kBadQ}}));
  in.q = "ann\x01";
  EXPECT_EQ(Check(in), Invalid({{"q", kBadQ}}));
  in.q = "ann\xff";
  EXPECT_EQ(Check(in), Invalid({{"q", kBadQ}}));
}

TEST_F(QueryCheckTest, ValuesAreTextConvertsForTypedFields) {
  const std::string id = std::to_string(u1_);
  EXPECT_EQ(Total(In(C("custom_attributes.ltv", "=", {S("42")}), true)), 1u);
  EXPECT_EQ(Total(In(C("custom_attributes.ltv", ">", {S("4.5")}), true)), 1u);
  EXPECT_EQ(Total(In(C("custom_attributes.ltv", "IN", {S("7"), S("42")}), true)), 1u);
  EXPECT_EQ(Total(In(C("custom_attributes.vip", "=", {S("true")}), true)), 1u);
  EXPECT_EQ(Total(In(C("custom_attributes.vip", "!=", {S("false")}), true)), 3u);
  EXPECT_EQ(Total(In(C("id", "=", {S(id)}), true)), 1u);
  EXPECT_EQ(Total(In(C("created_at", "<=", {S(std::to_string(kT0 + 10))}), true)), 2u);
  EXPECT_EQ(Total(In(C("custom_attributes.renewal", "=", {S("2026-01-01")}), true)), 1u);
  EXPECT_EQ(Total(In(C("name", "=", {S("42")}), true)), 0u);  // text stays text
  EXPECT_EQ(Check(Or({C("custom_attributes.ltv", "=", {S("abc")}),
                      C("custom_attributes.ltv", "=", {S("4 2")}),
                      C("custom_attributes.vip", "=", {S("yes")}), C("created_at", ">", {S("1.5")}),
                      C("id", "=", {S("4.0")})}),
                  true),
            Invalid({{"query.value[0].value", "Expected number, received string"},
                     {"query.value[1].value", "Expected number, received string"},
                     {"query.value[2].value", "Expected boolean, received string"},
                     {"query.value[3].value",
                      "Expected Unix seconds or an ISO 8601 date, received number"},
                     {"query.value[4].value", "Expected a contact id (\"contact_42\" or 42)"}}));
  // Without values_are_text, "42" is not a number; "true" is a boolean either way.
  EXPECT_EQ(Check(C("custom_attributes.ltv", "=", {S("42")})),
            Invalid({{"query.value", "Expected number, received string"}}));
  EXPECT_EQ(Total(In(C("custom_attributes.vip", "=", {S("true")}))), 1u);
}

TEST_F(QueryCheckTest, CursorsCarryAcrossSpellingsOfTheSameValue) {
  SearchInput text = In(C("custom_attributes.ltv", "NIN", {S("7")}), true);
  text.per_page = 1;
  Result<ContactList> r = Search(text);
  ASSERT_OK(r);
  ASSERT_TRUE(r->next_cursor.has_value());
  SearchInput json = In(C("custom_attributes.ltv", "NIN", {N(7)}));
  json.cursor = r->next_cursor;
  r = Search(json);
  ASSERT_OK(r);
  EXPECT_EQ(r->contacts.size(), 2u);
  EXPECT_EQ(r->total, 3u);
}

TEST_F(QueryCheckTest, AllIssuesAreListedInOrder) {
  SearchInput in = In(Or({C("nope", "="), C("name", "~", {N(1)})}));
  in.q = std::string(300, 'q');
  in.sort = {{"stripe_accounts", false, "sort[0]"}};
  in.page = 0;
  EXPECT_EQ(Check(in), Invalid({{"query.value[0].field", "Unknown field 'nope'"},
                                {"query.value[1].value", "Expected string, received number"},
                                {"q", kBadQ},
                                {"sort[0].field", "Cannot sort by 'stripe_accounts'"},
                                {"page", "Must be at least 1"}}));
}

TEST_F(QueryCheckTest, IssuePathsAreThoseOfTheInput) {
  // As a query string sends them (net/search_request.cc): a group "filter" of conditions named by
  // their parameter, flat paths, values as text.
  FilterInput gt = C("custom_attributes.ltv", ">", {S("x")});
  gt.path = "filter[custom_attributes.ltv][gt]";
  FilterInput in_list = C("custom_attributes.ltv", "IN", {S("1"), S("y")});
  in_list.path = "filter[custom_attributes.ltv][in]";
  FilterInput bad = C("nope", "=", {S("1")});
  bad.path = "filter[nope]";
  SearchInput in;
  in.filter = And({gt, in_list, bad});
  in.filter->path = "filter";
  in.sort = {{"zzz", false, "sort"}};
  in.values_are_text = true;
  in.flat_paths = true;
  EXPECT_EQ(Check(in),
            Invalid({{"filter[custom_attributes.ltv][gt]", "Expected number, received string"},
                     {"filter[custom_attributes.ltv][in]", "Expected number, received string"},
                     {"filter[nope]", "Unknown field 'nope'"},
                     {"sort", "Unknown field 'zzz'"}}));
  in.flat_paths = false;  // the part is appended to the path
  EXPECT_EQ(
      Check(in),
      Invalid({{"filter[custom_attributes.ltv][gt].value", "Expected number, received string"},
               {"filter[custom_attributes.ltv][in].value[1]", "Expected number, received string"},
               {"filter[nope].field", "Unknown field 'nope'"},
               {"sort.field", "Unknown field 'zzz'"}}));
  // No path: the issue names the part of the condition alone.
  in.filter = C("nope", "=", {S("1")});
  in.sort.clear();
  EXPECT_EQ(Check(in), Invalid({{"field", "Unknown field 'nope'"}}));
}

}  // namespace
}  // namespace contactd::testing
