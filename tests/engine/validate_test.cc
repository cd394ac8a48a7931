// Tests of contact validation and change merging (engine/validate.h).
#include "engine/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/engine/test_printers.h"

namespace contactd {
namespace {

// ---- single-field rules

TEST(CheckEmailTest, AcceptsValidAddresses) {
  for (const char* s :
       {"sam@acme.com", "Sam.Rivera@Acme.COM", "a.b+tag@sub.example.co.uk", "o'brien@x.io",
        "user_name-1@a-b.com", "x@y.zz", "!#$%&'*+/=?^_`{|}~-@example.org", "müller@example.de",
        "jo@bücher.de", "1@2.3"}) {
    EXPECT_EQ(CheckEmail(s), "") << s;
  }
  const std::string local64(64, 'a');
  EXPECT_EQ(CheckEmail(local64 + "@example.com"), "");
  // 254 bytes in all: 64 + 1 + 189.
  std::string domain =
      std::string(63, 'd') + "." + std::string(63, 'd') + "." + std::string(57, 'd') + ".com";
  ASSERT_EQ(local64.size() + 1 + domain.size(), 254u);
  EXPECT_EQ(CheckEmail(local64 + "@" + domain), "");
}

TEST(CheckEmailTest, RejectsInvalidAddresses) {
  for (const char* s : {"",
                        "plain",
                        "@acme.com",
                        "sam@",
                        "sam@acme",
                        "sam@@acme.com",
                        "sam@acme@x.com",
                        ".sam@acme.com",
                        "sam.@acme.com",
                        "sa..m@acme.com",
                        "sam@acme..com",
                        "sam@.acme.com",
                        "sam@acme.com.",
                        "sam@-acme.com",
                        "sam@acme-.com",
                        "sam @acme.com",
                        "sam@acme .com",
                        "sam@acme_x.com",
                        "sam(x)@acme.com",
                        "\"sam\"@acme.com",
                        "sam@[127.0.0.1]"}) {
    EXPECT_EQ(CheckEmail(s), "Invalid email") << s;
  }
  EXPECT_EQ(CheckEmail(std::string(65, 'a') + "@example.com"), "Invalid email");
  EXPECT_EQ(CheckEmail("a@" + std::string(64, 'b') + ".com"), "Invalid email");  // label > 63
  EXPECT_EQ(CheckEmail("a@" + std::string(250, 'b') + ".com"), "Must be at most 254 bytes");
  EXPECT_EQ(CheckEmail("sam\n@acme.com"), "Must not contain control characters");
  EXPECT_EQ(CheckEmail("sam\xff@acme.com"), "Must be valid UTF-8");
}

// Every printable ASCII byte inside the local part and inside a domain label, against the rule:
// the local part takes letters, digits and !#$%&'*+/=?^_`{|}~.- (no two dots in a row), a label
// letters, digits and - (dots separate labels). UTF-8 letters are allowed in both.
TEST(CheckEmailTest, EveryPrintableByteInTheLocalPartAndTheDomainAsTheRuleSays) {
  const std::string specials = "!#$%&'*+/=?^_`{|}~.-";
  for (int b = 0x20; b < 0x7f; ++b) {
    const char c = static_cast<char>(b);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool in_local = alnum || specials.find(c) != std::string::npos;
    const bool in_label = alnum || c == '-' || c == '.';
    const std::string local = std::string("a") + c + "b@example.com";
    const std::string domain = std::string("ab@ex") + c + "ample.com";
    EXPECT_EQ(CheckEmail(local), in_local ? "" : "Invalid email") << local;
    EXPECT_EQ(CheckEmail(domain), in_label ? "" : "Invalid email") << domain;
  }
  EXPECT_EQ(CheckEmail("Zo\xC3\xAB@b\xC3\xBC"
                       "cher.de"),
            "");  // UTF-8 in both parts
}

TEST(CheckPhoneTest, AcceptsValidNumbers) {
  for (const char* s :
       {"+14155550100", "415-555-0100", "(415) 555-0100", "+44 20 7946 0958", "123", "415.555.0100",
        "415/555/0100", " +1 415 555 0100", "555-1234 x12", "555-1234 ext. 12", "555-1234 ext 12",
        "555-1234ext12", "555-1234 #12", "555-1234 x1234567890", "12345678901234567890"}) {
    EXPECT_EQ(CheckPhone(s), "") << s;
  }
}

TEST(CheckPhoneTest, RejectsInvalidNumbers) {
  const std::string invalid =
      "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) between";
  for (const char* s :
       {"", "+", "12", "1-2", "abc", "1-800-FLOWERS", "++14155550100", "1+4155550100",
        "123456789012345678901", "555 x", "555 ext", "555-1234 x12345678901", "555-1234 ext. 12a",
        "555-1234 y12", "555-1234 x 1 2", "+1\t415"}) {
    EXPECT_EQ(CheckPhone(s), invalid) << s;
  }
  EXPECT_EQ(CheckPhone(std::string(65, '1')), "Must be at most 64 bytes");
}

TEST(CheckExternalIdTest, AcceptsAndRejects) {
  EXPECT_EQ(CheckExternalId("user_8821"), "");
  EXPECT_EQ(CheckExternalId("with space and ünïcode 😀"), "");
  EXPECT_EQ(CheckExternalId(std::string(256, 'x')), "");
  EXPECT_EQ(CheckExternalId(""), "Must not be empty");
  EXPECT_EQ(CheckExternalId(std::string(257, 'x')), "Must be at most 256 bytes");
  EXPECT_EQ(CheckExternalId("a\tb"), "Must not contain control characters");
  EXPECT_EQ(CheckExternalId("a\nb"), "Must not contain control characters");
  EXPECT_EQ(CheckExternalId("\xc0\x80"), "Must be valid UTF-8");
}

TEST(CheckPublicIdTest, AcceptsAndRejects) {
  EXPECT_EQ(CheckPublicId("bot_1-A"), "");
  EXPECT_EQ(CheckPublicId(std::string(64, 'a')), "");
  const std::string bad = "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -";
  EXPECT_EQ(CheckPublicId(""), bad);
  EXPECT_EQ(CheckPublicId(std::string(65, 'a')), bad);
  EXPECT_EQ(CheckPublicId("a b"), bad);
  EXPECT_EQ(CheckPublicId("a/b"), bad);
}

// ---- ValidateContactInput

Schema TestSchema() {
  return Schema({{1, "plan", AttrType::kText, "plan", "", false, 0},
                 {2, "ltv", AttrType::kNumber, "ltv", "", false, 0},
                 {3, "vip", AttrType::kBoolean, "vip", "", false, 0},
                 {4, "renewal", AttrType::kDate, "renewal", "", false, 0},
                 {5, "legacy", AttrType::kText, "legacy", "", true, 0}});
}

using Attrs = std::vector<std::pair<std::string, RawValue>>;

std::vector<Issue> Validate(const ContactInput& in, std::string_view prefix,
                            ContactChange* out = nullptr) {
  ContactChange local;
  std::vector<Issue> issues;
  ValidateContactInput(TestSchema(), in, prefix, &issues, out ? out : &local);
  return issues;
}

TEST(ValidateContactInputTest, AcceptsAValidContact) {
  ContactInput in;
  in.external_id.Set("user_1");
  in.name.Set("Sam");
  in.email.Set("sam@acme.com");
  in.phonenumber.SetNull();
  in.stripe_accounts.Set({{"main", "cus_1", std::nullopt}});
  in.custom_attributes.Set(Attrs{{"ltv", RawValue::Int(540)},
                                 {"plan", RawValue::String("pro")},
                                 {"renewal", RawValue::String("2026-11-21")},
                                 {"vip", RawValue::String("true")},
                                 {"legacy", RawValue::Null()}});
  ContactChange out;
  EXPECT_EQ(Validate(in, "[0].", &out), std::vector<Issue>{});
  EXPECT_TRUE(out.external_id.is_set());
  EXPECT_EQ(out.external_id.value, "user_1");
  EXPECT_EQ(out.name.value, "Sam");
  EXPECT_EQ(out.email.value, "sam@acme.com");
  EXPECT_TRUE(out.phonenumber.is_null());
  EXPECT_EQ(out.stripe_accounts.value, (std::vector<StripeAccount>{{"main", "cus_1", {}}}));
  ASSERT_TRUE(out.attrs.is_set());
  const std::vector<AttrEntry> want = {
      {1, std::string("pro")}, {2, int64_t{540}}, {3, true}, {4, DateTime{1795219200, 0, 0, true}}};
  EXPECT_EQ(out.attrs.value, want);  // sorted by attribute number
  EXPECT_EQ(out.attrs_cleared, std::vector<AttrNo>{5});
}

TEST(ValidateContactInputTest, AbsentFieldsStayAbsent) {
  ContactChange out;
  EXPECT_TRUE(Validate(ContactInput{}, "", &out).empty());
  EXPECT_TRUE(out.external_id.absent());
  EXPECT_TRUE(out.name.absent());
  EXPECT_TRUE(out.email.absent());
  EXPECT_TRUE(out.phonenumber.absent());
  EXPECT_TRUE(out.stripe_accounts.absent());
  EXPECT_TRUE(out.attrs.absent());
}

TEST(ValidateContactInputTest, PrefixesIssueFields) {
  ContactInput in;
  in.email.Set("not-an-email");
  EXPECT_EQ(Validate(in, "[3]."), (std::vector<Issue>{{"[3].email", "Invalid email"}}));
  EXPECT_EQ(Validate(in, ""), (std::vector<Issue>{{"email", "Invalid email"}}));

  ContactInput attrs;
  attrs.custom_attributes.Set(Attrs{{"ltv", RawValue::String("540")}});
  EXPECT_EQ(
      Validate(attrs, "[2]."),
      (std::vector<Issue>{{"[2].custom_attributes.ltv", "Expected number, received string"}}));
}

TEST(ValidateContactInputTest, StripeAccountIssues) {
  ContactInput in;
  in.stripe_accounts.Set({{"main", "cus_1", std::nullopt},
                          {"", "cus_2", std::nullopt},
                          {"none", std::nullopt, std::nullopt},
                          {"bad", "", "nope"},
                          {std::string(201, 'l'), std::nullopt, "ok@x.io"}});
  EXPECT_EQ(Validate(in, "[0]."),
            (std::vector<Issue>{
                {"[0].stripe_accounts[1].label", "Required"},
                {"[0].stripe_accounts[2]", "Needs a stripe_id or a stripe_email"},
                {"[0].stripe_accounts[3].stripe_id", "Must not be empty"},
                {"[0].stripe_accounts[3].stripe_email", "Invalid email"},
                {"[0].stripe_accounts[4].label", "Must be at most 200 bytes"},
            }));

  ContactInput many;
  many.stripe_accounts.Set(std::vector<StripeAccount>(51, {"l", "cus", std::nullopt}));
  EXPECT_EQ(Validate(many, "[1]."),
            (std::vector<Issue>{{"[1].stripe_accounts", "At most 50 accounts"}}));
  many.stripe_accounts.value.resize(50);
  EXPECT_TRUE(Validate(many, "[1].").empty());
}

TEST(ValidateContactInputTest, CustomAttributeIssues) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"ltv", RawValue::Bool(true)},
                                 {"nope", RawValue::Int(1)},
                                 {"legacy", RawValue::String("old")},
                                 {"vip", RawValue::Int(2)},
                                 {"renewal", RawValue::String("2026-02-30")},
                                 {"plan", RawValue::Of(RawValue::Kind::kObject)},
                                 {"Plan", RawValue::String("case matters")}});
  EXPECT_EQ(Validate(in, "[0]."),
            (std::vector<Issue>{
                {"[0].custom_attributes.ltv", "Expected number, received boolean"},
                {"[0].custom_attributes.nope", "Unknown custom attribute; define it first"},
                {"[0].custom_attributes.legacy", "Attribute is archived; only null is accepted"},
                {"[0].custom_attributes.vip", "Expected boolean, received number"},
                {"[0].custom_attributes.renewal",
                 "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z"},
                {"[0].custom_attributes.plan", "Expected string, received object"},
                {"[0].custom_attributes.Plan", "Unknown custom attribute; define it first"},
            }));
}

TEST(ValidateContactInputTest, DuplicateCustomAttributeKeyIsAnIssue) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"plan", RawValue::String("a")}, {"plan", RawValue::String("b")}});
  EXPECT_EQ(Validate(in, "[0]."),
            (std::vector<Issue>{{"[0].custom_attributes.plan", "Duplicate key"}}));
  ContactInput set_and_null;
  set_and_null.custom_attributes.Set(
      Attrs{{"plan", RawValue::String("a")}, {"plan", RawValue::Null()}});
  EXPECT_EQ(Validate(set_and_null, ""),
            (std::vector<Issue>{{"custom_attributes.plan", "Duplicate key"}}));
}

TEST(ValidateContactInputTest, ListsEveryProblemAtOnceAndFillsNothing) {
  ContactInput in;
  in.external_id.SetNull();
  in.name.Set(std::string(1001, 'n'));
  in.email.Set("bad");
  in.phonenumber.Set("12");
  in.stripe_accounts.Set({{"", std::nullopt, std::nullopt}});
  in.custom_attributes.Set(Attrs{{"ltv", RawValue::String("x")}});
  ContactChange out;
  out.name.Set("stale");
  EXPECT_EQ(
      Validate(in, "[7].", &out),
      (std::vector<Issue>{
          {"[7].external_id", "Must not be null"},
          {"[7].name", "Must be at most 1000 bytes"},
          {"[7].email", "Invalid email"},
          {"[7].phonenumber",
           "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) "
           "between"},
          {"[7].stripe_accounts[0].label", "Required"},
          {"[7].stripe_accounts[0]", "Needs a stripe_id or a stripe_email"},
          {"[7].custom_attributes.ltv", "Expected number, received string"},
      }));
  EXPECT_TRUE(out.name.absent());
  EXPECT_TRUE(out.attrs.absent());
}

TEST(ValidateContactInputTest, AppendsToExistingIssues) {
  std::vector<Issue> issues = {{"[0].email", "earlier"}};
  ContactInput in;
  in.name.Set("tab\tin name");
  ContactChange out;
  ValidateContactInput(TestSchema(), in, "[1].", &issues, &out);
  EXPECT_EQ(issues, (std::vector<Issue>{{"[0].email", "earlier"},
                                        {"[1].name", "Must not contain control characters"}}));
}

TEST(ValidateContactInputTest, NullCustomAttributesClearsAll) {
  ContactInput in;
  in.custom_attributes.SetNull();
  ContactChange out;
  EXPECT_TRUE(Validate(in, "", &out).empty());
  EXPECT_TRUE(out.attrs.is_null());
  EXPECT_TRUE(out.attrs_cleared.empty());
}

// ---- ApplyChange

Contact BaseContact() {
  Contact c;
  c.id = 17;
  c.created_at = 100;
  c.updated_at = 200;
  c.external_id = "user_1";
  c.name = "Sam";
  c.email = "sam@acme.com";
  c.phonenumber = "+14155550100";
  c.stripe_accounts = {{"main", "cus_1", std::nullopt}};
  c.attrs = {{1, std::string("pro")}, {2, int64_t{540}}, {5, std::string("kept")}};
  return c;
}

Contact Apply(const ContactInput& in, const Contact& base = BaseContact()) {
  ContactChange change;
  std::vector<Issue> issues;
  ValidateContactInput(TestSchema(), in, "", &issues, &change);
  EXPECT_TRUE(issues.empty());
  return ApplyChange(TestSchema(), base, change);
}

TEST(ApplyChangeTest, AbsentFieldsAreLeftAlone) { EXPECT_EQ(Apply(ContactInput{}), BaseContact()); }

TEST(ApplyChangeTest, NullClearsAndSetReplacesScalars) {
  ContactInput in;
  in.name.SetNull();
  in.email.Set("new@acme.com");
  in.phonenumber.SetNull();
  in.external_id.Set("user_2");
  Contact want = BaseContact();
  want.name.reset();
  want.email = "new@acme.com";
  want.phonenumber.reset();
  want.external_id = "user_2";
  EXPECT_EQ(Apply(in), want);
}

TEST(ApplyChangeTest, DoesNotTouchIdOrTimestamps) {
  ContactInput in;
  in.name.Set("Other");
  const Contact c = Apply(in);
  EXPECT_EQ(c.id, 17u);
  EXPECT_EQ(c.created_at, 100);
  EXPECT_EQ(c.updated_at, 200);
}

TEST(ApplyChangeTest, StripeAccountsAreReplacedOrCleared) {
  ContactInput in;
  in.stripe_accounts.Set({{"second", std::nullopt, "b@acme.com"}});
  EXPECT_EQ(Apply(in).stripe_accounts,
            (std::vector<StripeAccount>{{"second", std::nullopt, "b@acme.com"}}));
  ContactInput clear;
  clear.stripe_accounts.SetNull();
  EXPECT_TRUE(Apply(clear).stripe_accounts.empty());
  ContactInput empty;
  empty.stripe_accounts.Set({});
  EXPECT_TRUE(Apply(empty).stripe_accounts.empty());
}

TEST(ApplyChangeTest, CustomAttributesAreReplacedButArchivedValuesKept) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"vip", RawValue::Bool(true)}});
  EXPECT_EQ(Apply(in).attrs,
            (std::vector<AttrEntry>{{3, true}, {5, std::string("kept")}}));  // plan, ltv gone
}

TEST(ApplyChangeTest, EmptyOrNullCustomAttributesKeepArchivedValues) {
  ContactInput empty;
  empty.custom_attributes.Set({});
  EXPECT_EQ(Apply(empty).attrs, (std::vector<AttrEntry>{{5, std::string("kept")}}));
  ContactInput null;
  null.custom_attributes.SetNull();
  EXPECT_EQ(Apply(null).attrs, (std::vector<AttrEntry>{{5, std::string("kept")}}));
}

TEST(ApplyChangeTest, ExplicitNullRemovesArchivedValue) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"legacy", RawValue::Null()}, {"plan", RawValue::String("x")}});
  EXPECT_EQ(Apply(in).attrs, (std::vector<AttrEntry>{{1, std::string("x")}}));
}

TEST(ApplyChangeTest, NullForActiveAttributeRemovesIt) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"ltv", RawValue::Null()}, {"plan", RawValue::String("pro")}});
  EXPECT_EQ(Apply(in).attrs,
            (std::vector<AttrEntry>{{1, std::string("pro")}, {5, std::string("kept")}}));
}

TEST(ApplyChangeTest, WritingAnArchivedAttributeIsRejected) {
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"legacy", RawValue::String("new")}});
  EXPECT_EQ(Validate(in, ""),
            (std::vector<Issue>{
                {"custom_attributes.legacy", "Attribute is archived; only null is accepted"}}));
}

TEST(ApplyChangeTest, ResultIsSortedByAttributeNumber) {
  Contact base = BaseContact();
  base.attrs = {{5, std::string("kept")}};
  ContactInput in;
  in.custom_attributes.Set(Attrs{{"renewal", RawValue::String("2026-11-21T10:00:00Z")},
                                 {"plan", RawValue::String("a")},
                                 {"ltv", RawValue::Double(1.5)}});
  const Contact c = Apply(in, base);
  ASSERT_EQ(c.attrs.size(), 4u);
  EXPECT_EQ(c.attrs[0].attr, 1);
  EXPECT_EQ(c.attrs[1].attr, 2);
  EXPECT_EQ(c.attrs[2].attr, 4);
  EXPECT_EQ(c.attrs[3].attr, 5);
}

}  // namespace
}  // namespace contactd
