// Search behaviour through Engine::Search (engine/search/query.h): every operator on every kind of
// field (core text, phone digits, integers, text/number/date/boolean attributes, Stripe accounts),
// Unicode folding, free-text q, missing values, sort order and ties, nested AND/OR groups, and the
// indexes after updates, renames, deletes and re-inserts.
//
// Every test runs on both search paths: a small chatbot (searched by scanning) and one padded with
// search::kAccelerateAt filler contacts after the test data was written (n-gram postings, email
// domains, sort-column buckets; later writes go through the unindexed rows). A filler has only an
// external_id of punctuation ("~" and four of "!#$%&*:;=?", ascending with its number), so a query
// matches fillers only when it matches contacts without a value: those expectations (Fill)
// give the exact total including every filler, and the page (by external_id) ends with them.
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "engine/search/search_index.h"
#include "tests/engine/engine_harness.h"

namespace contactd::testing {
namespace {

using search::FilterInput;
using search::SearchInput;
using search::SortInput;
using Ids = std::vector<std::string>;

constexpr size_t kPage = 12;
constexpr const char* kPlan = "custom_attributes.plan";
constexpr const char* kLtv = "custom_attributes.ltv";
constexpr const char* kVip = "custom_attributes.vip";
constexpr const char* kRenewal = "custom_attributes.renewal";

RawValue S(std::string s) { return RawValue::String(std::move(s)); }
RawValue N(int64_t i) { return RawValue::Int(i); }
RawValue F(double d) { return RawValue::Double(d); }
RawValue B(bool b) { return RawValue::Bool(b); }

FilterInput C(std::string field, std::string op, std::vector<RawValue> values = {}) {
  const bool given = !values.empty();
  return {false, std::move(field), std::move(op), std::move(values), given, false, {}, ""};
}
FilterInput Group(bool is_or, std::vector<FilterInput> children) {
  return {true, "", "", {}, false, is_or, std::move(children), ""};
}
FilterInput And(std::vector<FilterInput> c) { return Group(false, std::move(c)); }
FilterInput Or(std::vector<FilterInput> c) { return Group(true, std::move(c)); }
SortInput Asc(std::string field) { return {std::move(field), false, "sort"}; }
SortInput Desc(std::string field) { return {std::move(field), true, "sort"}; }

ContactInput Ct(std::string ext, std::optional<std::string> name = {},
                std::optional<std::string> email = {}, std::optional<std::string> phone = {},
                Attrs attrs = {}) {
  ContactInput in;
  in.external_id.Set(std::move(ext));
  if (name) in.name.Set(std::move(*name));
  if (email) in.email.Set(std::move(*email));
  if (phone) in.phonenumber.Set(std::move(*phone));
  if (!attrs.empty()) in.custom_attributes.Set(std::move(attrs));
  return in;
}

std::string Filler(size_t i) {
  static constexpr char kChars[] = "!#$%&*:;=?";  // ascending ASCII, so fillers sort by number
  std::string s = "~";
  for (size_t div = 10000; div > 0; div /= 10) s.push_back(kChars[i / div % 10]);
  return s;
}

// One page of a search: external_ids in order, and the total.
struct Got {
  Ids ids;
  uint64_t total = 0;
  friend bool operator==(const Got&, const Got&) = default;
};
void PrintTo(const Got& g, std::ostream* os) {
  *os << "{total " << g.total << ",";
  for (const std::string& id : g.ids) *os << " " << id;
  *os << "}";
}

enum class Path { kScan, kIndexed };

class SearchTest : public ::testing::TestWithParam<Path> {
 protected:
  void SetUp() override {
    admin_ = h_.Auth(h_.NewWorkspace("acme"));
    h_.NewChatbot(admin_, "bot");
    for (auto [name, type] :
         {std::pair{"plan", "text"}, {"ltv", "number"}, {"vip", "boolean"}, {"renewal", "date"}}) {
      h_.Define(admin_, "bot", name, type);
    }
  }

  bool indexed() const { return GetParam() == Path::kIndexed; }
  uint64_t fillers() const { return indexed() ? search::kAccelerateAt : 0; }

  // Upserts `items` as one request; records their ids.
  void Write(std::vector<ContactInput> items) {
    auto r = h_.engine().UpsertContacts(admin_, "bot", std::move(items));
    ASSERT_OK(r);
    for (const Contact& c : r->contacts) id_[c.external_id] = c.id;
  }
  // Upserts each item in its own request, `step` seconds apart, then pads.
  void Seed(std::vector<ContactInput> items, int64_t step = 10) {
    for (ContactInput& in : items) {
      Write({std::move(in)});
      h_.clock().Advance(step);
    }
    Pad();
  }
  // On the indexed path: kAccelerateAt fillers, a long time after the test data.
  void Pad() { AddFillers(0, fillers()); }
  void AddFillers(size_t from, size_t n) {
    if (n == 0) return;
    const uint64_t before = Search({}).total;
    h_.clock().Advance(1000000);
    std::vector<ContactInput> batch;
    for (size_t i = from; i < from + n; ++i) {
      batch.push_back(Ct(Filler(i)));
      if (batch.size() < kMaxBatch && i + 1 < from + n) continue;
      ASSERT_NO_FATAL_FAILURE(Write(std::move(batch)));
      batch.clear();
    }
    ASSERT_EQ(Search({}).total, before + n);
  }
  void Update(const std::string& ext, ContactInput patch) {
    auto r = h_.engine().UpdateContact(admin_, "bot", ext, std::move(patch));
    ASSERT_OK(r);
    id_[r->contact.external_id] = r->contact.id;
  }

  Got Search(SearchInput in) {
    auto r = h_.engine().Search(admin_, "bot", in);
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      return {};
    }
    Got g{{}, r->total};
    for (const Contact& c : r->contacts) g.ids.push_back(c.external_id);
    return g;
  }
  // Filter (and q), sorted by `sort` (external_id ascending when empty), first kPage rows.
  Got Run(std::optional<FilterInput> f, std::string q = "", std::vector<SortInput> sort = {}) {
    SearchInput in;
    in.filter = std::move(f);
    in.q = std::move(q);
    in.sort = sort.empty() ? std::vector<SortInput>{Asc("external_id")} : std::move(sort);
    in.per_page = kPage;
    return Search(std::move(in));
  }
  Got Q(std::string q) { return Run(std::nullopt, std::move(q)); }
  // Every contact but the fillers, in the order of `sort`.
  Got Order(std::vector<SortInput> sort) {
    return Run(C("external_id", "<", {S("~")}), "", std::move(sort));
  }
  static Got Only(Ids ids) { return {ids, ids.size()}; }
  // `ids` and every filler (they come last by external_id).
  Got Fill(Ids ids) const {
    Got g{ids, ids.size() + fillers()};
    for (size_t i = 0; indexed() && g.ids.size() < kPage; ++i) g.ids.push_back(Filler(i));
    return g;
  }
  // A condition on field_.
  Got R(std::string op, std::vector<RawValue> v = {}) { return Run(C(field_, op, std::move(v))); }
  RawValue Id(const std::string& ext) { return N(static_cast<int64_t>(id_.at(ext))); }

  // Six people, created 10 s apart in this order (ids and created_at ascend):
  //   ext   name           email               phone              plan      ltv   vip    renewal
  //   ana   Ana Silva      ana@acme.com        +1 (415) 555-0100  Pro       10    true   01-15
  //   bob   Bob Stone      bob@example.org     415.555.0199       pro plus  9     false  01-15 08Z
  //   jose  José Núñez     jose@acme.com       +34 600 123 456    Básico    -1.5  true   01-01 01Z
  //   luk   Łukasz Søren   -                   (212) 555-7788     pro       100   -      -
  //   mul   MÜLLER Straße  muller@example.org  -                  -         2.0   -      02-01
  //   nil   -              -                   -                  -         -     -      -
  // Renewals are in 2026 (bob's and jose's written with other offsets). Stripe accounts:
  // ana {main, cus_A1, billing@acme.com}; jose {EU, cus_B2} and {Backup, jose.pay@acme.com}.
  void SeedPeople() {
    Attrs a{{"plan", S("Pro")}, {"ltv", N(10)}, {"vip", B(true)}, {"renewal", S("2026-01-15")}};
    ContactInput ana = Ct("ana", "Ana Silva", "ana@acme.com", "+1 (415) 555-0100", a);
    ana.stripe_accounts.Set({{"main", "cus_A1", "billing@acme.com"}});
    Attrs b{{"plan", S("pro plus")}, {"ltv", N(9)}, {"vip", B(false)}};
    b.push_back({"renewal", S("2026-01-15T10:00:00+02:00")});
    Attrs j{{"plan", S("Básico")}, {"ltv", F(-1.5)}, {"vip", B(true)}};
    j.push_back({"renewal", S("2025-12-31T23:00:00-02:00")});
    ContactInput jose = Ct("jose", "José Núñez", "jose@acme.com", "+34 600 123 456", j);
    jose.stripe_accounts.Set({{"EU", "cus_B2", std::nullopt}, {"Backup", {}, "jose.pay@acme.com"}});
    Attrs l{{"plan", S("pro")}, {"ltv", N(100)}};
    Attrs m{{"ltv", F(2.0)}, {"renewal", S("2026-02-01")}};
    Seed({ana, Ct("bob", "Bob Stone", "bob@example.org", "415.555.0199", b), jose,
          Ct("luk", "Łukasz Søren", {}, "(212) 555-7788", l),
          Ct("mul", "MÜLLER Straße", "muller@example.org", {}, m), Ct("nil")});
  }

  EngineHarness h_;
  Principal admin_;
  std::map<std::string, ContactId> id_;
  std::string field_;
};

TEST_P(SearchTest, NameOperators) {
  SeedPeople();
  field_ = "name";
  EXPECT_EQ(R("=", {S("ana silva")}), Only({"ana"}));
  EXPECT_EQ(R("!=", {S("Ana Silva")}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("bob stone"), S("muller strasse"), S("nobody")}), Only({"bob", "mul"}));
  EXPECT_EQ(R("NIN", {S("bob stone"), S("muller strasse")}), Fill({"ana", "jose", "luk", "nil"}));
  EXPECT_EQ(R(">", {S("jose nunez")}), Only({"luk", "mul"}));
  EXPECT_EQ(R("<", {S("bob")}), Only({"ana"}));
  EXPECT_EQ(R(">=", {S("Bob Stone")}), Only({"bob", "jose", "luk", "mul"}));
  EXPECT_EQ(R("<=", {S("ANA SILVA")}), Only({"ana"}));
  EXPECT_EQ(R("~", {S("ton")}), Only({"bob"}));
  EXPECT_EQ(R("!~", {S("ss")}), Fill({"ana", "bob", "jose", "luk", "nil"}));
  EXPECT_EQ(R("^", {S("LUK")}), Only({"luk"}));
  EXPECT_EQ(R("$", {S("SSE")}), Only({"mul"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "luk", "mul"}));
  EXPECT_EQ(R("not_exists"), Fill({"nil"}));
}

TEST_P(SearchTest, EmailOperators) {
  SeedPeople();
  field_ = "email";
  EXPECT_EQ(R("=", {S("ANA@ACME.COM")}), Only({"ana"}));
  EXPECT_EQ(R("!=", {S("ana@acme.com")}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("bob@example.org"), S("JOSE@acme.com")}), Only({"bob", "jose"}));
  EXPECT_EQ(R("NIN", {S("bob@example.org"), S("JOSE@acme.com")}),
            Fill({"ana", "luk", "mul", "nil"}));
  EXPECT_EQ(R(">", {S("bob@example.org")}), Only({"jose", "mul"}));
  EXPECT_EQ(R("<", {S("ana@acme.com")}), Only({}));
  EXPECT_EQ(R(">=", {S("m")}), Only({"mul"}));
  EXPECT_EQ(R("<=", {S("bob@example.org")}), Only({"ana", "bob"}));
  EXPECT_EQ(R("~", {S("example")}), Only({"bob", "mul"}));
  EXPECT_EQ(R("!~", {S("acme")}), Fill({"bob", "luk", "mul", "nil"}));
  EXPECT_EQ(R("^", {S("jo")}), Only({"jose"}));
  EXPECT_EQ(R("$", {S("@ACME.COM")}), Only({"ana", "jose"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "mul"}));
  EXPECT_EQ(R("not_exists"), Fill({"luk", "nil"}));
}

TEST_P(SearchTest, ExternalIdOperators) {
  SeedPeople();
  field_ = "external_id";
  EXPECT_EQ(R("=", {S("ANA")}), Only({"ana"}));
  EXPECT_EQ(R("!=", {S("ana")}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("bob"), S("nil"), S("nope")}), Only({"bob", "nil"}));
  EXPECT_EQ(R("NIN", {S("bob"), S("nil")}), Fill({"ana", "jose", "luk", "mul"}));
  EXPECT_EQ(R(">", {S("l")}), Fill({"luk", "mul", "nil"}));
  EXPECT_EQ(R("<", {S("b")}), Only({"ana"}));
  EXPECT_EQ(R(">=", {S("luk")}), Fill({"luk", "mul", "nil"}));
  EXPECT_EQ(R("<=", {S("bob")}), Only({"ana", "bob"}));
  EXPECT_EQ(R("~", {S("o")}), Only({"bob", "jose"}));
  EXPECT_EQ(R("!~", {S("o")}), Fill({"ana", "luk", "mul", "nil"}));
  EXPECT_EQ(R("^", {S("J")}), Only({"jose"}));
  EXPECT_EQ(R("$", {S("UL")}), Only({"mul"}));
  EXPECT_EQ(R("exists"), Fill({"ana", "bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("not_exists"), Only({}));
}

TEST_P(SearchTest, PhoneOperatorsCompareDigits) {
  SeedPeople();
  field_ = "phonenumber";
  EXPECT_EQ(R("=", {S("+1 415 555 0100")}), Only({"ana"}));
  EXPECT_EQ(R("=", {S("4155550100")}), Only({}));
  EXPECT_EQ(R("!=", {S("415-555-0199")}), Fill({"ana", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("(415) 555-0199"), S("+34600123456")}), Only({"bob", "jose"}));
  EXPECT_EQ(R("NIN", {S("(415) 555-0199"), S("+34600123456")}), Fill({"ana", "luk", "mul", "nil"}));
  EXPECT_EQ(R("~", {S("4155")}), Only({"ana", "bob"}));
  EXPECT_EQ(R("~", {S("(415) 555")}), Only({"ana", "bob"}));
  EXPECT_EQ(R("!~", {S("555")}), Fill({"jose", "mul", "nil"}));
  EXPECT_EQ(R("^", {S("415")}), Only({"bob"}));
  EXPECT_EQ(R("^", {S("+1 (415)")}), Only({"ana"}));
  EXPECT_EQ(R("$", {S("01-99")}), Only({"bob"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "luk"}));
  EXPECT_EQ(R("not_exists"), Fill({"mul", "nil"}));
}

TEST_P(SearchTest, CreatedAtAndIdOperators) {
  SeedPeople();  // created at kT0, +10, ... +50; fillers (and their ids) come after
  field_ = "created_at";
  EXPECT_EQ(R("=", {N(kT0 + 10)}), Only({"bob"}));
  EXPECT_EQ(R("!=", {N(kT0 + 10)}), Fill({"ana", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {N(kT0), N(kT0 + 50), N(5)}), Only({"ana", "nil"}));
  EXPECT_EQ(R("NIN", {N(kT0), N(kT0 + 50)}), Fill({"bob", "jose", "luk", "mul"}));
  EXPECT_EQ(R(">", {N(kT0 + 30)}), Fill({"mul", "nil"}));
  EXPECT_EQ(R("<", {N(kT0 + 20)}), Only({"ana", "bob"}));
  EXPECT_EQ(R(">=", {S("2025-11-21T00:00:30Z")}), Fill({"luk", "mul", "nil"}));
  EXPECT_EQ(R("<=", {S("2025-11-21T01:00:20+01:00")}), Only({"ana", "bob", "jose"}));
  EXPECT_EQ(R("exists"), Fill({"ana", "bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("not_exists"), Only({}));

  field_ = "id";
  const std::string bob = FormatContactId(id_.at("bob"));
  EXPECT_EQ(R("=", {S(bob)}), Only({"bob"}));
  EXPECT_EQ(R("=", {Id("jose")}), Only({"jose"}));
  EXPECT_EQ(R("!=", {S(bob)}), Fill({"ana", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {Id("ana"), S(FormatContactId(id_.at("nil"))), N(99999999)}),
            Only({"ana", "nil"}));
  EXPECT_EQ(R("NIN", {Id("ana"), Id("nil")}), Fill({"bob", "jose", "luk", "mul"}));
  EXPECT_EQ(R("<", {Id("jose")}), Only({"ana", "bob"}));
  EXPECT_EQ(R("<=", {Id("bob")}), Only({"ana", "bob"}));
  EXPECT_EQ(R(">", {Id("mul")}), Fill({"nil"}));
  EXPECT_EQ(R(">=", {Id("luk")}), Fill({"luk", "mul", "nil"}));
  EXPECT_EQ(R("exists").total, 6 + fillers());
}

TEST_P(SearchTest, TextAttributeOperators) {
  SeedPeople();
  field_ = kPlan;
  EXPECT_EQ(R("=", {S("PRO")}), Only({"ana", "luk"}));
  EXPECT_EQ(R("!=", {S("pro")}), Fill({"bob", "jose", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("basico"), S("Pro")}), Only({"ana", "jose", "luk"}));
  EXPECT_EQ(R("NIN", {S("basico"), S("Pro")}), Fill({"bob", "mul", "nil"}));
  EXPECT_EQ(R(">", {S("pro")}), Only({"bob"}));
  EXPECT_EQ(R("<", {S("pro")}), Only({"jose"}));
  EXPECT_EQ(R(">=", {S("pro")}), Only({"ana", "bob", "luk"}));
  EXPECT_EQ(R("<=", {S("pro plus")}), Only({"ana", "bob", "jose", "luk"}));
  EXPECT_EQ(R("~", {S("pro")}), Only({"ana", "bob", "luk"}));
  EXPECT_EQ(R("~", {S("Á")}), Only({"jose"}));
  EXPECT_EQ(R("!~", {S("pro")}), Fill({"jose", "mul", "nil"}));
  EXPECT_EQ(R("^", {S("pro ")}), Only({"bob"}));
  EXPECT_EQ(R("$", {S("CO")}), Only({"jose"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "luk"}));
  EXPECT_EQ(R("not_exists"), Fill({"mul", "nil"}));
}

TEST_P(SearchTest, NumberAttributeComparesNumerically) {
  SeedPeople();  // ltv: ana 10, bob 9, jose -1.5, luk 100, mul 2.0 (a double)
  field_ = kLtv;
  EXPECT_EQ(R("=", {N(2)}), Only({"mul"}));
  EXPECT_EQ(R("!=", {N(10)}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {N(9), N(100), N(7)}), Only({"bob", "luk"}));
  EXPECT_EQ(R("NIN", {N(9), F(100.0)}), Fill({"ana", "jose", "mul", "nil"}));
  EXPECT_EQ(R("<", {N(10)}), Only({"bob", "jose", "mul"}));  // 9 < 10
  EXPECT_EQ(R(">", {N(9)}), Only({"ana", "luk"}));
  EXPECT_EQ(R(">=", {N(9)}), Only({"ana", "bob", "luk"}));
  EXPECT_EQ(R("<=", {F(-1.5)}), Only({"jose"}));
  EXPECT_EQ(R(">", {F(-1.5)}), Only({"ana", "bob", "luk", "mul"}));
  EXPECT_EQ(R("<", {F(2.5)}), Only({"jose", "mul"}));  // -1.5 < 2
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "luk", "mul"}));
  EXPECT_EQ(R("not_exists"), Fill({"nil"}));
}

TEST_P(SearchTest, DateAttributeComparesChronologically) {
  SeedPeople();  // ana 01-15T00:00Z, bob 01-15T08:00Z, jose 2026-01-01T01:00Z, mul 02-01T00:00Z
  field_ = kRenewal;
  EXPECT_EQ(R(">", {S("2026-01-01")}), Only({"ana", "bob", "jose", "mul"}));
  EXPECT_EQ(R("<", {S("2026-01-01T02:00:00Z")}), Only({"jose"}));
  EXPECT_EQ(R("=", {S("2026-01-15T08:00:00Z")}), Only({"bob"}));
  EXPECT_EQ(R("=", {S("2026-01-15T02:00:00+02:00")}), Only({"ana"}));
  EXPECT_EQ(R("!=", {S("2026-02-01")}), Fill({"ana", "bob", "jose", "luk", "nil"}));
  EXPECT_EQ(R("IN", {S("2026-02-01"), S("2026-01-01T01:00:00Z")}), Only({"jose", "mul"}));
  EXPECT_EQ(R("NIN", {S("2026-02-01"), S("2026-01-01T01:00:00Z")}),
            Fill({"ana", "bob", "luk", "nil"}));
  EXPECT_EQ(R(">=", {S("2026-01-15T08:00:00Z")}), Only({"bob", "mul"}));
  EXPECT_EQ(R("<=", {S("2026-01-15")}), Only({"ana", "jose"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose", "mul"}));
  EXPECT_EQ(R("not_exists"), Fill({"luk", "nil"}));
}

TEST_P(SearchTest, BooleanAttributeOperators) {
  SeedPeople();  // ana true, bob false, jose true
  field_ = kVip;
  EXPECT_EQ(R("=", {B(true)}), Only({"ana", "jose"}));
  EXPECT_EQ(R("=", {N(0)}), Only({"bob"}));
  EXPECT_EQ(R("!=", {B(true)}), Fill({"bob", "luk", "mul", "nil"}));
  EXPECT_EQ(R("!=", {B(false)}), Fill({"ana", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {B(true), B(false)}), Only({"ana", "bob", "jose"}));
  EXPECT_EQ(R("NIN", {B(true)}), Fill({"bob", "luk", "mul", "nil"}));
  EXPECT_EQ(R("exists"), Only({"ana", "bob", "jose"}));
  EXPECT_EQ(R("not_exists"), Fill({"luk", "mul", "nil"}));
}

TEST_P(SearchTest, StripeAccountFields) {
  SeedPeople();
  field_ = "stripe_accounts";
  EXPECT_EQ(R("exists"), Only({"ana", "jose"}));
  EXPECT_EQ(R("not_exists"), Fill({"bob", "luk", "mul", "nil"}));
  field_ = "stripe_accounts.label";
  EXPECT_EQ(R("=", {S("eu")}), Only({"jose"}));
  EXPECT_EQ(R("!=", {S("MAIN")}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("IN", {S("main"), S("EU")}), Only({"ana", "jose"}));
  EXPECT_EQ(R("NIN", {S("main")}), Fill({"bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(R("~", {S("A")}), Only({"ana", "jose"}));
  EXPECT_EQ(R("<", {S("c")}), Only({"jose"}));  // backup
  EXPECT_EQ(R(">=", {S("main")}), Only({"ana"}));
  field_ = "stripe_accounts.stripe_id";
  EXPECT_EQ(R("^", {S("CUS_")}), Only({"ana", "jose"}));
  EXPECT_EQ(R("$", {S("a1")}), Only({"ana"}));
  EXPECT_EQ(R("exists"), Only({"ana", "jose"}));
  field_ = "stripe_accounts.stripe_email";
  EXPECT_EQ(R("~", {S("pay")}), Only({"jose"}));
  EXPECT_EQ(R("!~", {S("acme")}), Fill({"bob", "luk", "mul", "nil"}));
  EXPECT_EQ(R("not_exists"), Fill({"bob", "luk", "mul", "nil"}));
}

TEST_P(SearchTest, UnicodeFoldsCaseAndDiacritics) {
  SeedPeople();
  field_ = "name";
  EXPECT_EQ(R("=", {S("JOSÉ NÚÑEZ")}), Only({"jose"}));
  EXPECT_EQ(R("^", {S("müller")}), Only({"mul"}));
  EXPECT_EQ(R("^", {S("Mu\xCC\x88ller")}), Only({"mul"}));  // u + combining diaeresis
  EXPECT_EQ(R("$", {S("STRASSE")}), Only({"mul"}));
  EXPECT_EQ(R("=", {S("muller straße")}), Only({"mul"}));
  EXPECT_EQ(R("^", {S("ŁUKASZ")}), Only({"luk"}));
  EXPECT_EQ(R("~", {S("soren")}), Only({"luk"}));
  EXPECT_EQ(Q("JOSÉ"), Only({"jose"}));
  EXPECT_EQ(Q("Nú"), Only({"jose"}));
  EXPECT_EQ(Q("MÜLLER"), Only({"mul"}));
  EXPECT_EQ(Q("strasse"), Only({"mul"}));
  EXPECT_EQ(Q("straße"), Only({"mul"}));
  EXPECT_EQ(Q("lukasz"), Only({"luk"}));
  EXPECT_EQ(Q("SØR"), Only({"luk"}));
}

TEST_P(SearchTest, QSearchesNameEmailExternalIdAndPhoneDigits) {
  SeedPeople();
  EXPECT_EQ(Q("silva"), Only({"ana"}));               // name
  EXPECT_EQ(Q("example.org"), Only({"bob", "mul"}));  // email
  EXPECT_EQ(Q("NIL"), Only({"nil"}));                 // external_id
  EXPECT_EQ(Q("  stone "), Only({"bob"}));            // trimmed
  EXPECT_EQ(Q("4155"), Only({"ana", "bob"}));         // phone digits
  EXPECT_EQ(Q("(415) 555"), Only({"ana", "bob"}));
  EXPECT_EQ(Q("555-7788"), Only({"luk"}));
  EXPECT_EQ(Q("+34 600"), Only({"jose"}));
  EXPECT_EQ(Q("silva@acme"), Only({}));      // spans name and email: no field holds it
  EXPECT_EQ(Q("cus_a1"), Only({}));          // Stripe ids are not searched
  EXPECT_EQ(Q("pro"), Only({}));             // nor attributes
  EXPECT_EQ(Q("z"), Only({"jose", "luk"}));  // one and two characters
  EXPECT_EQ(Q("Ø"), Only({"ana", "bob", "jose", "luk", "mul"}));
  EXPECT_EQ(Q("xa"), Only({"bob", "mul"}));
  EXPECT_EQ(Q("ñe"), Only({"bob", "jose"}));
  EXPECT_EQ(Q("1"), Only({"ana", "bob", "jose", "luk"}));                  // phone digits only
  EXPECT_EQ(Run(C(kVip, "=", {B(true)}), "acme"), Only({"ana", "jose"}));  // and a filter
  EXPECT_EQ(Run(C(kLtv, ">", {N(9)}), "555"), Only({"ana", "luk"}));
}

TEST_P(SearchTest, NegationsAndNullIncludeMissingValues) {
  SeedPeople();
  EXPECT_EQ(Run(C("name", "=", {RawValue::Null()})), Fill({"nil"}));  // = null: not_exists
  EXPECT_EQ(Run(C("email", "!=", {RawValue::Null()})), Only({"ana", "bob", "jose", "mul"}));
  EXPECT_EQ(Run(C(kLtv, "=", {RawValue::Null()})), Fill({"nil"}));
  EXPECT_EQ(Run(C("stripe_accounts", "=", {RawValue::Null()})), Fill({"bob", "luk", "mul", "nil"}));
  EXPECT_EQ(Run(C(kPlan, "!~", {S("zzz")})), Fill({"ana", "bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(Run(C(kRenewal, "NIN", {S("2026-01-15")})), Fill({"bob", "jose", "luk", "mul", "nil"}));
}

TEST_P(SearchTest, MissingValuesSortLastInBothDirections) {
  SeedPeople();  // ids ascend ana, bob, jose, luk, mul, nil; missing values tie by id
  EXPECT_EQ(Order({Asc(kLtv)}), Only({"jose", "mul", "bob", "ana", "luk", "nil"}));
  EXPECT_EQ(Order({Desc(kLtv)}), Only({"luk", "ana", "bob", "mul", "jose", "nil"}));
  EXPECT_EQ(Order({Asc(kRenewal)}), Only({"jose", "ana", "bob", "mul", "luk", "nil"}));
  EXPECT_EQ(Order({Desc(kRenewal)}), Only({"mul", "bob", "ana", "jose", "nil", "luk"}));
  EXPECT_EQ(Order({Asc("name")}), Only({"ana", "bob", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(Order({Desc("name")}), Only({"mul", "luk", "jose", "bob", "ana", "nil"}));
  EXPECT_EQ(Order({Asc("phonenumber")}), Only({"ana", "luk", "jose", "bob", "mul", "nil"}));
  EXPECT_EQ(Order({Desc("phonenumber")}), Only({"bob", "jose", "luk", "ana", "nil", "mul"}));
  EXPECT_EQ(Order({Asc(kVip)}), Only({"bob", "ana", "jose", "luk", "mul", "nil"}));
  EXPECT_EQ(Order({Desc(kVip)}), Only({"jose", "ana", "bob", "nil", "mul", "luk"}));
  EXPECT_EQ(Order({Desc("email")}), Only({"mul", "jose", "bob", "ana", "nil", "luk"}));
}

// Values whose order keys are equal though the values differ: text beyond 8 bytes, integers
// beyond 2^53, dates apart by less than a microsecond.
TEST_P(SearchTest, ValuesSharingAnOrderKeyCompareExactly) {
  Seed({Ct("x-1", "Alexander Zed", {}, {},
           {{"ltv", N(9007199254740993)}, {"renewal", S("2026-03-01T00:00:00.0000002Z")}}),
        Ct("x-2", "Alexander Abe", {}, {},
           {{"ltv", N(9007199254740992)}, {"renewal", S("2026-03-01T00:00:00.0000001Z")}}),
        Ct("x-3", "Alexandra", {}, {},
           {{"ltv", F(9007199254740992.0)}, {"renewal", S("2026-03-01T00:00:00Z")}}),
        Ct("x-4", "alexander abe jr", {}, {},
           {{"ltv", F(1e300)}, {"renewal", S("2026-03-01T01:00:00.0000001+01:00")}})});
  field_ = "name";
  EXPECT_EQ(R(">", {S("alexander abe")}), Only({"x-1", "x-3", "x-4"}));
  EXPECT_EQ(R("<=", {S("Alexander B")}), Only({"x-2", "x-4"}));
  EXPECT_EQ(R("^", {S("alexander a")}), Only({"x-2", "x-4"}));
  EXPECT_EQ(R("=", {S("ALEXANDER ABE")}), Only({"x-2"}));
  EXPECT_EQ(Order({Asc("name")}), Only({"x-2", "x-4", "x-1", "x-3"}));
  EXPECT_EQ(Order({Desc("name")}), Only({"x-3", "x-1", "x-4", "x-2"}));
  field_ = kLtv;
  EXPECT_EQ(R("=", {N(9007199254740993)}), Only({"x-1"}));
  EXPECT_EQ(R("=", {N(9007199254740992)}), Only({"x-2", "x-3"}));
  EXPECT_EQ(R(">", {N(9007199254740992)}), Only({"x-1", "x-4"}));
  EXPECT_EQ(R("<", {N(9007199254740993)}), Only({"x-2", "x-3"}));
  EXPECT_EQ(R("<=", {N(9007199254740993)}), Only({"x-1", "x-2", "x-3"}));
  EXPECT_EQ(Order({Desc(kLtv)}), Only({"x-4", "x-1", "x-3", "x-2"}));
  EXPECT_EQ(Order({Asc(kLtv)}), Only({"x-2", "x-3", "x-1", "x-4"}));
  field_ = kRenewal;
  EXPECT_EQ(R(">", {S("2026-03-01T00:00:00.0000001Z")}), Only({"x-1"}));
  EXPECT_EQ(R("=", {S("2026-03-01T00:00:00.0000001Z")}), Only({"x-2", "x-4"}));
  EXPECT_EQ(R("<", {S("2026-03-01T00:00:00.0000002Z")}), Only({"x-2", "x-3", "x-4"}));
  EXPECT_EQ(R(">=", {S("2026-03-01T00:00:00.0000001Z")}), Only({"x-1", "x-2", "x-4"}));
  EXPECT_EQ(Order({Asc(kRenewal)}), Only({"x-3", "x-2", "x-4", "x-1"}));
}

TEST_P(SearchTest, TiesBreakByIdInTheFirstKeysDirection) {
  Write({Ct("t-1", {}, {}, {}, {{"plan", S("x")}}), Ct("t-2", {}, {}, {}, {{"plan", S("X")}}),
         Ct("t-3", {}, {}, {}, {{"plan", S("x")}}), Ct("t-4", {}, {}, {}, {{"plan", S("y")}})});
  Pad();
  EXPECT_EQ(Order({Asc(kPlan)}), Only({"t-1", "t-2", "t-3", "t-4"}));
  EXPECT_EQ(Order({Desc(kPlan)}), Only({"t-4", "t-3", "t-2", "t-1"}));
  EXPECT_EQ(Order({Asc("created_at")}), Only({"t-1", "t-2", "t-3", "t-4"}));
  EXPECT_EQ(Order({Desc("created_at")}), Only({"t-4", "t-3", "t-2", "t-1"}));
}

TEST_P(SearchTest, MultiKeySort) {
  auto m = [](std::string ext, std::string plan, std::optional<int64_t> ltv) {
    Attrs a{{"plan", S(std::move(plan))}};
    if (ltv) a.push_back({"ltv", N(*ltv)});
    return Ct(std::move(ext), {}, {}, {}, std::move(a));
  };
  Write({m("m-1", "a", 1), m("m-2", "b", 5), m("m-3", "a", 3), m("m-4", "a", 3), m("m-5", "b", {}),
         m("m-6", "b", 5)});
  Pad();
  EXPECT_EQ(Order({Asc(kPlan), Desc(kLtv)}), Only({"m-3", "m-4", "m-1", "m-2", "m-6", "m-5"}));
  EXPECT_EQ(Order({Desc(kPlan), Asc(kLtv)}), Only({"m-6", "m-2", "m-5", "m-1", "m-4", "m-3"}));
  EXPECT_EQ(Order({Asc(kPlan), Desc("id")}), Only({"m-4", "m-3", "m-1", "m-6", "m-5", "m-2"}));
  EXPECT_EQ(Order({Desc(kLtv), Asc(kPlan), Desc("external_id")}),
            Only({"m-6", "m-2", "m-4", "m-3", "m-1", "m-5"}));
}

TEST_P(SearchTest, DefaultOrderIsNewestFirstTiesByIdDescending) {
  Write({Ct("d-1"), Ct("d-2")});
  h_.clock().Advance(5);
  Write({Ct("d-3")});
  h_.clock().Advance(5);
  Write({Ct("d-4"), Ct("d-5")});
  Pad();
  SearchInput in;
  in.filter = C("external_id", "<", {S("~")});
  EXPECT_EQ(Search(in), Only({"d-5", "d-4", "d-3", "d-2", "d-1"}));
}

TEST_P(SearchTest, GroupsNestedTwoAndThreeLevels) {
  SeedPeople();
  EXPECT_EQ(
      Run(And({C(kPlan, "~", {S("pro")}), Or({C(kVip, "=", {B(true)}), C(kLtv, ">", {N(50)})})})),
      Only({"ana", "luk"}));
  EXPECT_EQ(Run(Or({And({C("email", "$", {S("example.org")}), C(kLtv, "<", {N(5)})}),
                    And({C(kVip, "=", {B(true)}), C(kLtv, "<", {N(0)})})})),
            Only({"jose", "mul"}));
  EXPECT_EQ(
      Run(Or({C("name", "not_exists"), And({C(kVip, "=", {B(true)}), C(kLtv, "<", {N(0)})})})),
      Fill({"jose", "nil"}));
  EXPECT_EQ(Run(Or({C("name", "^", {S("bob")}),
                    And({C("email", "$", {S("acme.com")}),
                         Or({C(kLtv, "<", {N(0)}), C("phonenumber", "~", {S("0100")})})})})),
            Only({"ana", "bob", "jose"}));
  EXPECT_EQ(Run(And({Or({C(kVip, "!=", {B(true)}),
                         And({C(kPlan, "not_exists"),
                              Or({C(kRenewal, "exists"), C("name", "~", {S("x")})})})}),
                     C(kLtv, "exists")})),
            Only({"bob", "luk", "mul"}));
  EXPECT_EQ(Run(And({C(kLtv, "!=", {N(9)}),
                     Or({C("name", "not_exists"),
                         And({C(kVip, "exists"), Or({C(kPlan, "^", {S("pro")}),
                                                     C(kRenewal, "<", {S("2026-01-02")})})})})})),
            Fill({"ana", "jose", "nil"}));
}

TEST_P(SearchTest, UpdatesChangeResults) {
  SeedPeople();
  h_.clock().Advance(5);
  ContactInput bob;
  bob.name.Set("Robert Stone");
  bob.phonenumber.Set("+44 20 7946 0958");
  bob.custom_attributes.Set({{"ltv", N(500)}});
  Update("bob", bob);
  field_ = "updated_at";
  EXPECT_EQ(R("=", {N(h_.clock().NowSeconds())}), Only({"bob"}));
  EXPECT_EQ(R("<", {N(kT0 + 20)}), Only({"ana"}));
  EXPECT_EQ(R("<=", {N(kT0 + 20)}), Only({"ana", "jose"}));
  EXPECT_EQ(R(">", {N(kT0 + 40)}), Fill({"bob", "nil"}));
  EXPECT_EQ(Run(C("created_at", "=", {N(kT0 + 10)})), Only({"bob"}));  // unchanged
  EXPECT_EQ(Run(C("name", "~", {S("robert")})), Only({"bob"}));
  EXPECT_EQ(Run(C("name", "~", {S("bob")})), Only({}));
  EXPECT_EQ(Q("bob"), Only({"bob"}));  // still in the email
  EXPECT_EQ(Q("robert"), Only({"bob"}));
  EXPECT_EQ(Run(C("phonenumber", "~", {S("4155")})), Only({"ana"}));
  EXPECT_EQ(Q("7946"), Only({"bob"}));
  EXPECT_EQ(Run(C(kLtv, ">", {N(50)})), Only({"bob", "luk"}));
  EXPECT_EQ(Run(C(kPlan, "not_exists")), Fill({"bob", "mul", "nil"}));
  EXPECT_EQ(Order({Asc("name")}), Only({"ana", "jose", "luk", "mul", "bob", "nil"}));
  ContactInput jose;  // attributes only: the text stays
  jose.custom_attributes.Set({{"ltv", N(1000)}});
  Update("jose", jose);
  EXPECT_EQ(Q("nunez"), Only({"jose"}));
  EXPECT_EQ(Run(C(kLtv, ">", {N(999)})), Only({"jose"}));
  ContactInput clear;
  clear.email.SetNull();
  Update("jose", clear);
  EXPECT_EQ(Run(C("email", "not_exists")), Fill({"jose", "luk", "nil"}));
  EXPECT_EQ(Q("jose@acme"), Only({}));
  for (std::string name : {"A1", "Ana Maria"}) {  // twice before any re-indexing
    ContactInput ana;
    ana.name.Set(name);
    Update("ana", ana);
  }
  EXPECT_EQ(Q("silva"), Only({}));
  EXPECT_EQ(Q("a1"), Only({}));
  EXPECT_EQ(Q("maria"), Only({"ana"}));
}

TEST_P(SearchTest, RenamedExternalIdIsFoundByItsNewName) {
  SeedPeople();
  ContactInput rename;
  rename.external_id.Set("robert");
  Update("bob", rename);
  EXPECT_EQ(Run(C("external_id", "=", {S("bob")})), Only({}));
  EXPECT_EQ(Run(C("external_id", "^", {S("rob")})), Only({"robert"}));
  EXPECT_EQ(Run(C("id", "=", {Id("robert")})), Only({"robert"}));
  EXPECT_EQ(Run(C("external_id", "~", {S("bo")})), Only({}));
  EXPECT_EQ(Q("bob"), Only({"robert"}));  // the email
  EXPECT_EQ(Q("robert"), Only({"robert"}));
  EXPECT_EQ(Q("stone"), Only({"robert"}));
  EXPECT_EQ(Order({Desc("created_at")}), Only({"nil", "mul", "luk", "jose", "robert", "ana"}));
}

TEST_P(SearchTest, DeleteAndReinsert) {
  SeedPeople();
  const RawValue old_id = Id("ana");
  ASSERT_OK(h_.engine().DeleteContact(admin_, "bot", "ana"));
  EXPECT_EQ(Q("silva"), Only({}));
  EXPECT_EQ(Run(C("email", "$", {S("acme.com")})), Only({"jose"}));
  EXPECT_EQ(Run(C("phonenumber", "~", {S("4155")})), Only({"bob"}));
  EXPECT_EQ(Run(C("stripe_accounts", "exists")), Only({"jose"}));
  EXPECT_EQ(Run(C(kPlan, "=", {S("pro")})), Only({"luk"}));
  EXPECT_EQ(Run(C("id", "=", {old_id})), Only({}));
  Write({Ct("ana", "Ana Costa", "ana@acme.com", {}, {{"plan", S("pro")}})});  // a new contact
  EXPECT_EQ(Q("costa"), Only({"ana"}));
  EXPECT_EQ(Run(C("id", "IN", {old_id, Id("ana")})), Only({"ana"}));
  EXPECT_EQ(Run(C("email", "$", {S("acme.com")})), Only({"ana", "jose"}));
  EXPECT_EQ(Run(C("phonenumber", "~", {S("0100")})), Only({}));
  EXPECT_EQ(Run(C(kPlan, "=", {S("pro")})), Only({"ana", "luk"}));
  EXPECT_EQ(Order({Desc("created_at")}), Only({"ana", "nil", "mul", "luk", "jose", "bob"}));
}

TEST_P(SearchTest, ManyWritesAfterUpdatesKeepResultsExact) {
  SeedPeople();
  ContactInput bob, luk;
  bob.name.Set("Robert Stone");
  luk.phonenumber.Set("+48 22 555 0000");
  Update("bob", bob);
  Update("luk", luk);
  AddFillers(5000, search::kMaxUnindexed);  // enough writes to index pending rows in bulk
  EXPECT_EQ(Run(C("name", "~", {S("robert")})), Only({"bob"}));
  EXPECT_EQ(Run(C("name", "~", {S("bob")})), Only({}));
  EXPECT_EQ(Run(C("phonenumber", "~", {S("4822")})), Only({"luk"}));
  EXPECT_EQ(Q("2125"), Only({}));
  EXPECT_EQ(Order({}).total, 6u);
  EXPECT_EQ(Run(C("name", "not_exists")).total, 1 + fillers() + search::kMaxUnindexed);
}

TEST_P(SearchTest, EmailDomainsSharedByManyContacts) {
  std::vector<ContactInput> big;
  for (int i = 0; i < 300; ++i) {
    const std::string ext = "f-" + std::to_string(1000 + i).substr(1);
    big.push_back(Ct(ext, {}, ext + "@bigco.io"));
  }
  Write(big);
  Pad();
  Ids first;
  for (int i = 0; i < 12; ++i) first.push_back(big[static_cast<size_t>(i)].external_id.value);
  EXPECT_EQ(Run(C("email", "~", {S("bigco")})), (Got{first, 300}));
  EXPECT_EQ(Q("@BIGCO.IO"), (Got{first, 300}));

  ContactInput moved;
  moved.email.Set("f-005@other.io");
  Update("f-005", moved);
  ASSERT_OK(h_.engine().DeleteContact(admin_, "bot", "f-007"));
  Ids now = {"f-000", "f-001", "f-002", "f-003", "f-004", "f-006",
             "f-008", "f-009", "f-010", "f-011", "f-012", "f-013"};
  EXPECT_EQ(Run(C("email", "~", {S("bigco")})), (Got{now, 298}));
  EXPECT_EQ(Run(C("email", "$", {S("@bigco.io")})), (Got{now, 298}));
  EXPECT_EQ(Q("bigco"), (Got{now, 298}));
  EXPECT_EQ(Q("other.io"), Only({"f-005"}));

  std::vector<ContactInput> later;  // a domain that becomes frequent after the index is built
  for (int i = 0; i < 260; ++i)
    later.push_back(Ct("g-" + std::to_string(1000 + i), {}, "g" + std::to_string(i) + "@later.io"));
  Write(later);
  EXPECT_EQ(Q("later.io").total, 260u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(h_.engine().DeleteContact(admin_, "bot", "g-" + std::to_string(1000 + i)));
  }
  EXPECT_EQ(Run(C("email", "~", {S("later")})).total, 250u);
  EXPECT_EQ(Q("bigco").total, 298u);
}

INSTANTIATE_TEST_SUITE_P(Paths, SearchTest, ::testing::Values(Path::kScan, Path::kIndexed),
                         [](const ::testing::TestParamInfo<Path>& info) {
                           return info.param == Path::kScan ? "Scan" : "Indexed";
                         });

// A phone's order key packs its first 16 digits. Validated numbers (E.164) have at most 15, but
// the index does not rely on it: a longer number makes the phone column's keys inexact, so that
// filters and sorts compare the digits themselves.
TEST(SearchIndexKeysTest, APhoneOverSixteenDigitsMakesThePhoneKeysInexact) {
  search::SearchIndex index;
  const search::FieldRef phone{.column = search::Column::kPhone, .kind = search::Kind::kPhone};
  Contact c;
  c.id = 1;
  c.external_id = "p1";
  c.phonenumber = "+123456789012345";  // 15 digits
  index.Put(0, search::SearchIndex::EntryOf(c));
  EXPECT_TRUE(index.KeysExact(phone));
  c.id = 2;
  c.external_id = "p2";
  c.phonenumber = "+12345678901234567";  // 17 digits
  index.Put(1, search::SearchIndex::EntryOf(c));
  EXPECT_FALSE(index.KeysExact(phone));
}

}  // namespace
}  // namespace contactd::testing
