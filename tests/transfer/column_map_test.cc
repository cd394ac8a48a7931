// column_map: automatic mapping of real export headers (Google Contacts, Outlook, HubSpot,
// Chatwoot), custom attributes by name and label, explicit overrides and their errors, and the
// export header mapping back completely.
#include "engine/transfer/column_map.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/transfer/contact_csv.h"
#include "engine/transfer/csv_reader.h"
#include "tests/transfer/attr_def.h"

namespace contactd::transfer {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Names = std::vector<std::string>;

Schema TestSchema() {
  return Schema({
      Def(1, "plan", AttrType::kText, "Subscription plan"),
      Def(2, "ltv", AttrType::kNumber, "Lifetime value"),
      Def(3, "vip", AttrType::kBoolean),
      Def(4, "mobile", AttrType::kText, "Mobile (work)"),
      Def(5, "old_flag", AttrType::kText, "", true),
  });
}

// Splits a header line as the importer does.
Names Header(const std::string& line) {
  size_t pos = 0;
  CsvReader reader([&](char* buf, size_t size) -> ptrdiff_t {
    const size_t n = std::min(size, line.size() - pos);
    line.copy(buf, n, pos);
    pos += n;
    return static_cast<ptrdiff_t>(n);
  });
  CsvRecord r;
  EXPECT_TRUE(reader.Next(&r));
  return r.fields;
}

ColumnMap Map(const std::string& line, const Pairs& explicit_map = {}) {
  Result<ColumnMap> m = MapColumns(Header(line), explicit_map, TestSchema());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : ColumnMap{};
}

TEST(ColumnMap, GoogleContacts) {
  const ColumnMap m = Map(
      "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last "
      "Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
      "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
      "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 "
      "- Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
      "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address "
      "1 - Extended Address,Website 1 - Label,Website 1 - Value");
  EXPECT_EQ(m.mapped, (Pairs{{"First Name", "first_name"},
                             {"Middle Name", "middle_name"},
                             {"Last Name", "last_name"},
                             {"E-mail 1 - Value", "email"},
                             {"Phone 1 - Value", "phonenumber"}}));
  EXPECT_EQ(m.unmapped.size(), 31u);
  EXPECT_TRUE(m.ignored.empty());
  EXPECT_EQ(m.columns[18].target, Target::kEmail);
}

TEST(ColumnMap, GoogleContactsLegacy) {
  const ColumnMap m = Map(
      "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name "
      "Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,"
      "Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,"
      "Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail "
      "1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value");
  EXPECT_EQ(m.mapped, (Pairs{{"Name", "name"},
                             {"Given Name", "first_name"},
                             {"Additional Name", "middle_name"},
                             {"Family Name", "last_name"},
                             {"E-mail 1 - Value", "email"},
                             {"Phone 1 - Value", "phonenumber"}}));
}

TEST(ColumnMap, Outlook) {
  const ColumnMap m = Map(
      "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail "
      "Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business "
      "Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,Other "
      "Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,"
      "Department,Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,"
      "Company Yomi,Business Street,Business City,Business State,Business Postal Code,Business "
      "Country/Region,Home Street,Home City,Home State,Home Postal Code,Home Country/Region,Other "
      "Street,Other City,Other State,Other Postal Code,Other Country/Region,Personal Web Page,"
      "Spouse,Schools,Hobby,Location,Web Page,Birthday,Anniversary,Notes");
  // "Mobile Phone" beats the earlier "Home Phone" and "Business Phone" (vaguer spellings).
  EXPECT_EQ(m.mapped, (Pairs{{"First Name", "first_name"},
                             {"Middle Name", "middle_name"},
                             {"Last Name", "last_name"},
                             {"E-mail Address", "email"},
                             {"Mobile Phone", "phonenumber"}}));
  EXPECT_EQ(m.columns[11].target, Target::kUnmapped);  // Home Phone
}

TEST(ColumnMap, HubSpot) {
  const ColumnMap m =
      Map("Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Associated Company,Last "
          "Activity Date,Lead Status,Marketing contact status,Create Date,Mobile Phone Number,"
          "Lifecycle Stage,Lifetime value");
  EXPECT_EQ(m.mapped, (Pairs{{"Record ID", "external_id"},
                             {"First Name", "first_name"},
                             {"Last Name", "last_name"},
                             {"Email", "email"},
                             {"Phone Number", "phonenumber"},
                             {"Lifetime value", "custom_attributes.ltv"}}));
  EXPECT_EQ(m.unmapped, (Names{"Contact owner", "Associated Company", "Last Activity Date",
                               "Lead Status", "Marketing contact status", "Create Date",
                               "Mobile Phone Number", "Lifecycle Stage"}));
}

TEST(ColumnMap, Chatwoot) {
  const ColumnMap m =
      Map("id,name,email,phone_number,identifier,company_name,city,country_code,created_at,"
          "last_activity_at,plan");
  // "identifier" (the client's id) beats Chatwoot's own numeric "id".
  EXPECT_EQ(m.mapped, (Pairs{{"name", "name"},
                             {"email", "email"},
                             {"phone_number", "phonenumber"},
                             {"identifier", "external_id"},
                             {"plan", "custom_attributes.plan"}}));
  EXPECT_EQ(m.unmapped, (Names{"id", "company_name", "city", "country_code", "created_at",
                               "last_activity_at"}));
}

TEST(ColumnMap, GenericSpellings) {
  const ColumnMap m = Map("User ID,Full Name,E-mail,Mobile Number");
  EXPECT_EQ(m.mapped, (Pairs{{"User ID", "external_id"},
                             {"Full Name", "name"},
                             {"E-mail", "email"},
                             {"Mobile Number", "phonenumber"}}));
  EXPECT_EQ(Map("Customer ID,Phone").mapped,
            (Pairs{{"Customer ID", "external_id"}, {"Phone", "phonenumber"}}));
  EXPECT_EQ(Map("ID,Telephone").mapped,
            (Pairs{{"ID", "external_id"}, {"Telephone", "phonenumber"}}));
}

TEST(ColumnMap, ExternalIdColumnBeatsAliasesAndMakesServerFieldsIgnored) {
  const ColumnMap m = Map("id,user_id,External ID,created_at,updated_at,email,Email Address");
  EXPECT_EQ(m.mapped, (Pairs{{"External ID", "external_id"}, {"email", "email"}}));
  EXPECT_EQ(m.ignored, (Names{"id", "created_at", "updated_at"}));
  EXPECT_EQ(m.unmapped, (Names{"user_id", "Email Address"}));  // later columns of one field
}

TEST(ColumnMap, AttributesByNameAndLabel) {
  const ColumnMap m = Map("external_id,PLAN,lifetime VALUE,vip,Mobile,old_flag,Mobile (work)");
  // An attribute's exact name beats a core alias ("mobile" is an attribute here); the label
  // column of the same attribute comes second and stays unmapped.
  EXPECT_EQ(m.mapped, (Pairs{{"external_id", "external_id"},
                             {"PLAN", "custom_attributes.plan"},
                             {"lifetime VALUE", "custom_attributes.ltv"},
                             {"vip", "custom_attributes.vip"},
                             {"Mobile", "custom_attributes.mobile"},
                             {"old_flag", "custom_attributes.old_flag"}}));
  EXPECT_EQ(m.unmapped, (Names{"Mobile (work)"}));
  EXPECT_EQ(m.columns[1].target, Target::kAttribute);
  EXPECT_EQ(m.columns[1].attr, 1);
}

TEST(ColumnMap, ExplicitOverrides) {
  const ColumnMap m =
      Map("Customer,E-mail,Cell,Notes,Tier,Phone", {{"Customer", "external_id"},
                                                    {"Cell", "phonenumber"},
                                                    {"Notes", ""},
                                                    {"tier", "custom_attributes.plan"}});
  EXPECT_EQ(m.mapped, (Pairs{{"Customer", "external_id"},
                             {"E-mail", "email"},
                             {"Cell", "phonenumber"},
                             {"Tier", "custom_attributes.plan"}}));
  EXPECT_EQ(m.ignored, (Names{"Notes"}));
  EXPECT_EQ(m.unmapped, (Names{"Phone"}));  // its field was taken explicitly
  // An attribute by its bare name, and an explicit mapping of an automatic column elsewhere.
  const ColumnMap n = Map("email,x", {{"x", "LTV"}, {"email", "name"}});
  EXPECT_EQ(n.mapped, (Pairs{{"email", "name"}, {"x", "custom_attributes.ltv"}}));
}

TEST(ColumnMap, Errors) {
  const Schema schema = TestSchema();
  Result<ColumnMap> r = MapColumns(
      Header("a,b,c"),
      {{"missing", "email"}, {"a", "no_such_field"}, {"b", "email"}, {"c", "email"}}, schema);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const Status status = r.status();
  const std::vector<Issue>& issues = status.issues();
  ASSERT_EQ(issues.size(), 3u) << r.status().ToString();
  EXPECT_EQ(issues[0].field, "map[missing]");
  EXPECT_EQ(issues[0].message, "The header has no column 'missing'");
  EXPECT_EQ(issues[1].field, "map[a]");
  EXPECT_EQ(issues[1].message.rfind("Unknown field 'no_such_field'", 0), 0u);
  EXPECT_EQ(issues[2].field, "map[c]");
  EXPECT_EQ(issues[2].message, "Field 'email' is already mapped from column 'b'");

  Result<ColumnMap> twice = MapColumns(Header("a"), {{"a", "email"}, {"a", "name"}}, schema);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().issues().at(0).message, "Column 'a' is mapped twice");

  for (const Names& empty : {Names{}, Names{""}, Names{"  "}}) {
    Result<ColumnMap> e = MapColumns(empty, {}, schema);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.status().issues().at(0).field, "header");
  }
}

TEST(ColumnMap, ExportHeaderMapsBackCompletely) {
  const Schema schema = TestSchema();
  std::string header = CsvHeader(schema);
  ASSERT_EQ(header.substr(header.size() - 2), "\r\n");
  const ColumnMap m = Map(header);
  EXPECT_TRUE(m.unmapped.empty()) << ::testing::PrintToString(m.unmapped);
  EXPECT_EQ(m.ignored, (Names{"id", "created_at", "updated_at"}));
  EXPECT_EQ(m.mapped, (Pairs{{"external_id", "external_id"},
                             {"name", "name"},
                             {"email", "email"},
                             {"phonenumber", "phonenumber"},
                             {"stripe_accounts", "stripe_accounts"},
                             {"plan", "custom_attributes.plan"},
                             {"ltv", "custom_attributes.ltv"},
                             {"vip", "custom_attributes.vip"},
                             {"mobile", "custom_attributes.mobile"},
                             {"old_flag", "custom_attributes.old_flag"}}));
}

}  // namespace
}  // namespace contactd::transfer
