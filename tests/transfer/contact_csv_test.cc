// contact_csv: the export header and rows, stripe accounts as YAML both ways, and the round trip
// Contact -> AppendCsvRow -> CsvReader -> MapColumns -> RowDecoder -> the same fields.
#include "engine/transfer/contact_csv.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/attr_value.h"
#include "engine/transfer/column_map.h"
#include "engine/transfer/csv_reader.h"
#include "engine/transfer/row_decoder.h"
#include "tests/transfer/attr_def.h"

namespace contactd::transfer {
namespace {

std::shared_ptr<const Schema> TestSchema() {
  return std::make_shared<const Schema>(std::vector<AttrDef>{
      Def(1, "plan", AttrType::kText),
      Def(2, "ltv", AttrType::kNumber),
      Def(3, "vip", AttrType::kBoolean),
      Def(4, "since", AttrType::kDate),
      Def(5, "old", AttrType::kText, "", true),
  });
}

DateTime Date(std::string_view s) {
  std::optional<DateTime> d = ParseIsoDate(s);
  EXPECT_TRUE(d) << s;
  return d.value_or(DateTime{});
}

TEST(ContactCsv, HeaderAndRow) {
  const auto schema = TestSchema();
  EXPECT_EQ(CsvHeader(*schema),
            "id,external_id,name,email,phonenumber,stripe_accounts,created_at,updated_at,plan,"
            "ltv,vip,since,old\r\n");
  Contact c;
  c.id = 42;
  c.created_at = 1763700000;
  c.updated_at = 1763700001;
  c.external_id = "user_8821";
  c.name = "Rivera, Sam";
  c.email = "sam@acme.com";
  c.phonenumber = "+14155550100";
  c.stripe_accounts = {{"main", "cus_123", std::nullopt}};
  c.attrs = {{1, AttrValue{std::string("=HYPERLINK(\"x\")")}},
             {2, AttrValue{int64_t{-5}}},
             {3, AttrValue{false}},
             {4, AttrValue{Date("2026-11-21")}}};
  std::string row;
  AppendCsvRow(*schema, c, &row);
  // The YAML cell starts with '-', so it is escaped like any other such cell.
  EXPECT_EQ(row,
            "contact_42,user_8821,\"Rivera, Sam\",sam@acme.com,'+14155550100,\"'- label: main\n"
            "  stripe_id: cus_123\n\",1763700000,1763700001,\"'=HYPERLINK(\"\"x\"\")\",'-5,"
            "false,2026-11-21,\r\n");
  Contact empty;
  empty.id = 1;
  empty.external_id = "e";
  row.clear();
  AppendCsvRow(*schema, empty, &row);
  EXPECT_EQ(row, "contact_1,e,,,,,0,0,,,,,\r\n");
}

TEST(ContactCsv, StripeYaml) {
  EXPECT_EQ(StripeAccountsToYaml({}), "");
  const std::vector<StripeAccount> accounts = {{"main", "cus_123", "billing@acme.com"},
                                               {"eu: \"quoted\"", std::nullopt, "x@y.z"},
                                               {"null", "~", std::nullopt},
                                               {"- dash", "line\nbreak", "  spaces  "},
                                               {"", std::nullopt, std::nullopt}};
  const std::string yaml = StripeAccountsToYaml(accounts);
  EXPECT_EQ(
      yaml.rfind("- label: main\n  stripe_id: cus_123\n  stripe_email: billing@acme.com\n", 0), 0u)
      << yaml;
  Result<std::vector<StripeAccount>> back = StripeAccountsFromYaml(yaml);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, accounts) << yaml;

  Result<std::vector<StripeAccount>> json =
      StripeAccountsFromYaml(R"([{"label": "a", "stripe_id": null}, {"label": "b"}])");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, (std::vector<StripeAccount>{{"a", {}, {}}, {"b", {}, {}}}));
  EXPECT_TRUE(StripeAccountsFromYaml("").ok());
  EXPECT_TRUE(StripeAccountsFromYaml("").value().empty());
  EXPECT_TRUE(StripeAccountsFromYaml("[]").value().empty());

  for (const char* bad : {"{", "label: a", "- 1", "- [a]", "- {label: a, id: b}",
                          "- {label: {x: 1}}", "plain text"}) {
    Result<std::vector<StripeAccount>> r = StripeAccountsFromYaml(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
  // Deep nesting is an error, not a stack overflow.
  EXPECT_FALSE(StripeAccountsFromYaml(std::string(200000, '[')).ok());
  std::string dashes;
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  EXPECT_FALSE(StripeAccountsFromYaml(dashes).ok());
  EXPECT_EQ(StripeAccountsFromYaml("- {label: a, id: b}").status().message(),
            "stripe_accounts must be a YAML or JSON list of {label, stripe_id, stripe_email}: "
            "unknown key 'id'");
}

// Reads `text` (header + rows) back into ContactInputs.
std::vector<ContactInput> Import(const std::string& text, std::shared_ptr<const Schema> schema) {
  size_t pos = 0;
  CsvReader reader([&](char* buf, size_t size) -> ptrdiff_t {
    const size_t n = std::min({size, size_t{7}, text.size() - pos});
    std::memcpy(buf, text.data() + pos, n);
    pos += n;
    return static_cast<ptrdiff_t>(n);
  });
  CsvRecord r;
  EXPECT_TRUE(reader.Next(&r));
  Result<ColumnMap> map = MapColumns(r.fields, {}, *schema);
  EXPECT_TRUE(map.ok());
  EXPECT_TRUE(map->unmapped.empty());
  RowDecoder decoder(std::move(*map), schema);
  std::vector<ContactInput> out;
  while (reader.Next(&r)) {
    ContactInput in;
    std::vector<Issue> issues;
    EXPECT_TRUE(decoder.Decode(r, &in, &issues)) << ::testing::PrintToString(r.fields);
    out.push_back(std::move(in));
  }
  EXPECT_FALSE(reader.error());
  return out;
}

void ExpectSameFields(const Schema& schema, const Contact& c, const ContactInput& in) {
  EXPECT_EQ(in.external_id.value, c.external_id);
  auto same = [](const FieldPatch<std::string>& f, const std::optional<std::string>& v) {
    return v ? f.is_set() && f.value == *v : f.absent();
  };
  EXPECT_TRUE(same(in.name, c.name)) << in.name.value;
  EXPECT_TRUE(same(in.email, c.email)) << in.email.value;
  EXPECT_TRUE(same(in.phonenumber, c.phonenumber)) << in.phonenumber.value;
  if (c.stripe_accounts.empty()) {
    EXPECT_TRUE(in.stripe_accounts.absent());
  } else {
    EXPECT_EQ(in.stripe_accounts.value, c.stripe_accounts);
  }
  // Each attribute converts back (with the engine's own rules) to the value it had.
  std::vector<AttrEntry> back;
  if (in.custom_attributes.is_set()) {
    for (const auto& [name, raw] : in.custom_attributes.value) {
      const AttrDef* def = schema.Find(name);
      ASSERT_NE(def, nullptr) << name;
      AttrValueOrError v = ToAttrValue(def->type, raw);
      ASSERT_TRUE(v.value) << name << ": " << v.error;
      back.push_back({def->no, *v.value});
    }
  }
  EXPECT_EQ(back, c.attrs) << c.external_id;
}

TEST(ContactCsv, RoundTrip) {
  const auto schema = TestSchema();
  std::vector<Contact> contacts;
  auto add = [&](std::string external_id) -> Contact& {
    Contact& c = contacts.emplace_back();
    c.id = contacts.size();
    c.created_at = 1763700000 + static_cast<int64_t>(contacts.size());
    c.updated_at = c.created_at + 5;
    c.external_id = std::move(external_id);
    return c;
  };
  Contact& a = add("user_1");
  a.name = "Sam \"the man\" Rivera, Jr.";
  a.email = "sam@acme.com";
  a.phonenumber = "+14155550100";
  a.stripe_accounts = {{"main", "cus_1", "s@acme.com"}, {"=eu", std::nullopt, std::nullopt}};
  a.attrs = {{1, std::string("multi\nline\r\nplan")},
             {2, int64_t{std::numeric_limits<int64_t>::min()}},
             {3, true},
             {4, Date("2026-11-21T10:00:00.5+02:00")},
             {5, std::string("archived value")}};
  Contact& b = add("=cmd|' /C calc'!A0");
  b.name = "@everyone";
  b.email = "-@x.io";
  b.attrs = {{1, std::string("'=already quoted")}, {2, 0.1}, {3, false}, {4, Date("1999-12-31")}};
  Contact& c = add("+441234");
  c.name = "'''+apostrophes";
  c.attrs = {{1, std::string("\ttab first")}, {2, -1.5e300}};
  add("plain");  // nothing but the id
  Contact& e = add("utf8");
  e.name = "Zoë Ünicode 🙂";
  e.attrs = {{1, std::string("it's, \"fine\"")}, {2, int64_t{9007199254740993}}};

  std::string text = CsvHeader(*schema);
  for (const Contact& contact : contacts) AppendCsvRow(*schema, contact, &text);
  const std::vector<ContactInput> inputs = Import(text, schema);
  ASSERT_EQ(inputs.size(), contacts.size());
  for (size_t i = 0; i < contacts.size(); ++i) {
    SCOPED_TRACE(contacts[i].external_id);
    ExpectSameFields(*schema, contacts[i], inputs[i]);
  }
}

}  // namespace
}  // namespace contactd::transfer
