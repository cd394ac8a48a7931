// Tests of custom-attribute values (engine/attr_value.h): the type rules of api-contract.md
// section 3 with their exact messages, and ISO 8601 dates.
#include "engine/attr_value.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tests/engine/test_printers.h"

namespace contactd {
namespace {

using Kind = RawValue::Kind;

AttrValue Ok(AttrType type, const RawValue& raw) {
  AttrValueOrError r = ToAttrValue(type, raw);
  EXPECT_TRUE(r.value.has_value()) << r.error;
  EXPECT_EQ(r.error, "");
  return r.value.value_or(AttrValue(std::string("<error>")));
}

std::string Error(AttrType type, const RawValue& raw) {
  AttrValueOrError r = ToAttrValue(type, raw);
  EXPECT_FALSE(r.value.has_value());
  return r.error;
}

// ---- text

TEST(ToAttrValueTest, TextAcceptsStrings) {
  EXPECT_EQ(Ok(AttrType::kText, RawValue::String("pro")), AttrValue(std::string("pro")));
  EXPECT_EQ(Ok(AttrType::kText, RawValue::String("")), AttrValue(std::string("")));
  EXPECT_EQ(Ok(AttrType::kText, RawValue::String("a\nb\tc\r")),
            AttrValue(std::string("a\nb\tc\r")));
  EXPECT_EQ(Ok(AttrType::kText, RawValue::String("Grüße 😀")), AttrValue(std::string("Grüße 😀")));
  const std::string max(kMaxTextBytes, 'x');
  EXPECT_EQ(Ok(AttrType::kText, RawValue::String(max)), AttrValue(max));
}

TEST(ToAttrValueTest, TextRejectsNonStrings) {
  EXPECT_EQ(Error(AttrType::kText, RawValue::Int(5)), "Expected string, received number");
  EXPECT_EQ(Error(AttrType::kText, RawValue::Double(1.5)), "Expected string, received number");
  EXPECT_EQ(Error(AttrType::kText, RawValue::Bool(true)), "Expected string, received boolean");
  EXPECT_EQ(Error(AttrType::kText, RawValue::Of(Kind::kObject)),
            "Expected string, received object");
  EXPECT_EQ(Error(AttrType::kText, RawValue::Of(Kind::kArray)), "Expected string, received array");
}

TEST(ToAttrValueTest, TextRejectsControlCharactersTooLongAndBadUtf8) {
  EXPECT_EQ(Error(AttrType::kText, RawValue::String(std::string("a\0b", 3))),
            "Text must not contain control characters");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String("bell\a")),
            "Text must not contain control characters");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String("esc\x1b[0m")),
            "Text must not contain control characters");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String("del\x7f")),
            "Text must not contain control characters");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String(std::string(kMaxTextBytes + 1, 'x'))),
            "Text must be at most 16384 bytes");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String("\xc3\x28")), "Text must be valid UTF-8");
  EXPECT_EQ(Error(AttrType::kText, RawValue::String("\xff")), "Text must be valid UTF-8");
}

// ---- number

TEST(ToAttrValueTest, NumberKeepsIntegersExactAndOthersAsDouble) {
  const AttrValue i = Ok(AttrType::kNumber, RawValue::Int(540));
  ASSERT_TRUE(std::holds_alternative<int64_t>(i));
  EXPECT_EQ(std::get<int64_t>(i), 540);
  EXPECT_EQ(Ok(AttrType::kNumber, RawValue::Int(std::numeric_limits<int64_t>::max())),
            AttrValue(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(Ok(AttrType::kNumber, RawValue::Int(std::numeric_limits<int64_t>::min())),
            AttrValue(std::numeric_limits<int64_t>::min()));
  const AttrValue d = Ok(AttrType::kNumber, RawValue::Double(-2.75));
  ASSERT_TRUE(std::holds_alternative<double>(d));
  EXPECT_EQ(std::get<double>(d), -2.75);
}

TEST(ToAttrValueTest, NumberRejectsStringsAndOtherKinds) {
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::String("540")), "Expected number, received string");
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::Bool(false)), "Expected number, received boolean");
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::Of(Kind::kArray)),
            "Expected number, received array");
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::Of(Kind::kObject)),
            "Expected number, received object");
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::Of(Kind::kOutOfRange)), "Number is out of range");
}

TEST(ToAttrValueTest, NumberRejectsNonFiniteDoubles) {
  EXPECT_FALSE(
      ToAttrValue(AttrType::kNumber, RawValue::Double(std::numeric_limits<double>::infinity()))
          .value);
  EXPECT_FALSE(
      ToAttrValue(AttrType::kNumber, RawValue::Double(std::numeric_limits<double>::quiet_NaN()))
          .value);
}

// ---- boolean

TEST(ToAttrValueTest, BooleanAcceptsExactlyTheContractForms) {
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::Bool(true)), AttrValue(true));
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::Bool(false)), AttrValue(false));
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::String("true")), AttrValue(true));
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::String("false")), AttrValue(false));
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::Int(1)), AttrValue(true));
  EXPECT_EQ(Ok(AttrType::kBoolean, RawValue::Int(0)), AttrValue(false));
}

TEST(ToAttrValueTest, BooleanRejectsEverythingElse) {
  for (const char* s : {"TRUE", "True", "yes", "1", "0", "", " true", "false "}) {
    EXPECT_EQ(Error(AttrType::kBoolean, RawValue::String(s)), "Expected boolean, received string")
        << s;
  }
  EXPECT_EQ(Error(AttrType::kBoolean, RawValue::Int(2)), "Expected boolean, received number");
  EXPECT_EQ(Error(AttrType::kBoolean, RawValue::Int(-1)), "Expected boolean, received number");
  EXPECT_EQ(Error(AttrType::kBoolean, RawValue::Double(1.0)), "Expected boolean, received number");
  EXPECT_EQ(Error(AttrType::kBoolean, RawValue::Of(Kind::kObject)),
            "Expected boolean, received object");
}

// ---- date

TEST(ToAttrValueTest, DateAcceptsIsoStrings) {
  EXPECT_EQ(Ok(AttrType::kDate, RawValue::String("2026-11-21")),
            AttrValue(DateTime{1795219200, 0, 0, true}));
  EXPECT_EQ(Ok(AttrType::kDate, RawValue::String("2026-11-21T10:00:00Z")),
            AttrValue(DateTime{1795255200, 0, 0, false}));
}

TEST(ToAttrValueTest, DateRejectsNonStringsAndGarbage) {
  EXPECT_EQ(Error(AttrType::kDate, RawValue::Int(1795219200)), "Expected date, received number");
  EXPECT_EQ(Error(AttrType::kDate, RawValue::Bool(true)), "Expected date, received boolean");
  const std::string invalid =
      "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z";
  EXPECT_EQ(Error(AttrType::kDate, RawValue::String("tomorrow")), invalid);
  EXPECT_EQ(Error(AttrType::kDate, RawValue::String("2026-02-30")), invalid);
}

TEST(ToAttrValueTest, NullIsNeverAValue) {
  for (AttrType t : {AttrType::kText, AttrType::kNumber, AttrType::kBoolean, AttrType::kDate}) {
    EXPECT_FALSE(ToAttrValue(t, RawValue::Null()).value.has_value());
  }
  EXPECT_EQ(Error(AttrType::kNumber, RawValue::Null()), "Expected number, received null");
}

// ---- ParseIsoDate

struct DateCase {
  const char* text;
  DateTime want;
};

class ParseIsoDateValid : public ::testing::TestWithParam<DateCase> {};

TEST_P(ParseIsoDateValid, Parses) {
  std::optional<DateTime> t = ParseIsoDate(GetParam().text);
  ASSERT_TRUE(t.has_value()) << GetParam().text;
  EXPECT_EQ(*t, GetParam().want) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseIsoDateValid,
    ::testing::Values(DateCase{"2026-11-21", {1795219200, 0, 0, true}},
                      DateCase{"2026-11-21T10:00:00Z", {1795255200, 0, 0, false}},
                      DateCase{"2026-11-21t10:00:00z", {1795255200, 0, 0, false}},
                      DateCase{"2026-11-21T10:00:00", {1795255200, 0, 0, false}},  // no offset: UTC
                      DateCase{"2026-11-21T10:00", {1795255200, 0, 0, false}},
                      DateCase{"2026-11-21T10:00Z", {1795255200, 0, 0, false}},
                      DateCase{"2026-11-21T10:00:00.5Z", {1795255200, 500000000, 0, false}},
                      DateCase{"2026-11-21T10:00:00,25Z", {1795255200, 250000000, 0, false}},
                      DateCase{"2026-11-21T10:00:00.123456789Z", {1795255200, 123456789, 0, false}},
                      DateCase{"2026-11-21T10:00:00.000000001Z", {1795255200, 1, 0, false}},
                      DateCase{"2026-11-21T10:00:00+02:00", {1795248000, 0, 120, false}},
                      DateCase{"2026-11-21T10:00:00+0200", {1795248000, 0, 120, false}},
                      DateCase{"2026-11-21T10:00:00+02", {1795248000, 0, 120, false}},
                      DateCase{"2026-11-21T10:00:00-05:30", {1795275000, 0, -330, false}},
                      DateCase{"2026-11-21T10:00:00.75-05:30",
                               {1795275000, 750000000, -330, false}},
                      DateCase{"2026-11-21T10:00:00+00:00", {1795255200, 0, 0, false}},
                      DateCase{"2024-02-29", {1709164800, 0, 0, true}},
                      DateCase{"2000-02-29", {951782400, 0, 0, true}},
                      DateCase{"1970-01-01", {0, 0, 0, true}},
                      DateCase{"1969-12-31T23:59:59Z", {-1, 0, 0, false}},
                      DateCase{"1969-07-20T20:17:40Z", {-14182940, 0, 0, false}},
                      DateCase{"1900-01-01", {-2208988800, 0, 0, true}},
                      DateCase{"0001-01-01", {-62135596800, 0, 0, true}},
                      DateCase{"9999-12-31T23:59:59Z", {253402300799, 0, 0, false}},
                      DateCase{"1970-01-01T00:00:00+23:59", {-86340, 0, 1439, false}}));

class ParseIsoDateInvalid : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseIsoDateInvalid, Rejects) { EXPECT_EQ(ParseIsoDate(GetParam()), std::nullopt); }

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseIsoDateInvalid,
    ::testing::Values("", "2026", "2026-11", "2026-11-2", "26-11-21", "2026/11/21", "20261121",
                      "2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01",
                      "2026-00-10", "2026-11-00", "2026-11-32", "2026-11-21T", "2026-11-21T10",
                      "2026-11-21T25:00", "2026-11-21T24:00:00Z", "2026-11-21T10:60",
                      "2026-11-21T10:00:60Z", "2026-11-21T10:00:00.Z",
                      "2026-11-21T10:00:00.1234567891Z", "2026-11-21T10:00:00+2",
                      "2026-11-21T10:00:00+02:0", "2026-11-21T10:00:00+02:",
                      "2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00+02:60",
                      "2026-11-21T10:00:00Z+02:00", "2026-11-21T10:00:00ZZ", "2026-11-21Z",
                      "2026-11-21 10:00:00", "2026-11-21T10:00:00 ", " 2026-11-21", "-2026-11-21",
                      "+2026-11-21", "2026-1a-21", "garbage", "2026-11-21T10:00:00UTC"));

// ---- FormatIsoDate

TEST(FormatIsoDateTest, FormatsEachForm) {
  EXPECT_EQ(FormatIsoDate({1795219200, 0, 0, true}), "2026-11-21");
  EXPECT_EQ(FormatIsoDate({1795255200, 0, 0, false}), "2026-11-21T10:00:00Z");
  EXPECT_EQ(FormatIsoDate({1795255200, 500000000, 0, false}), "2026-11-21T10:00:00.5Z");
  EXPECT_EQ(FormatIsoDate({1795255200, 1, 0, false}), "2026-11-21T10:00:00.000000001Z");
  EXPECT_EQ(FormatIsoDate({1795248000, 0, 120, false}), "2026-11-21T10:00:00+02:00");
  EXPECT_EQ(FormatIsoDate({1795275000, 0, -330, false}), "2026-11-21T10:00:00-05:30");
  EXPECT_EQ(FormatIsoDate({-1, 0, 0, false}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoDate({-86400, 0, 0, true}), "1969-12-31");
  EXPECT_EQ(FormatIsoDate({-62135596800, 0, 0, true}), "0001-01-01");
  EXPECT_EQ(FormatIsoDate({0, 0, -60, false}), "1969-12-31T23:00:00-01:00");
}

// Text in canonical form reads back unchanged; other accepted spellings read back canonical.
TEST(FormatIsoDateTest, RoundTripsCanonicalText) {
  for (const char* s :
       {"2026-11-21", "2026-11-21T10:00:00Z", "2024-02-29", "2024-02-29T23:59:59.999999999Z",
        "2000-02-29T12:00:00+05:45", "1969-12-31T23:59:59Z", "1969-12-31T18:00:00-06:00",
        "1900-01-01", "1600-02-29", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "1970-01-01T00:00:00.1-00:30", "2026-03-29T02:30:00+01:00"}) {
    std::optional<DateTime> t = ParseIsoDate(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(FormatIsoDate(*t), s);
  }
}

TEST(FormatIsoDateTest, NonCanonicalSpellingsReadBackCanonical) {
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21T10:00")), "2026-11-21T10:00:00Z");
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21t10:00:00z")), "2026-11-21T10:00:00Z");
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21T10:00:00+0200")), "2026-11-21T10:00:00+02:00");
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21T10:00:00-02")), "2026-11-21T10:00:00-02:00");
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21T10:00:00,500Z")), "2026-11-21T10:00:00.5Z");
  EXPECT_EQ(FormatIsoDate(*ParseIsoDate("2026-11-21T10:00:00.000Z")), "2026-11-21T10:00:00Z");
}

// Dates from 0000-01-01 to 9999-12-31 (every day near the epoch, every eleventh day elsewhere)
// format and parse back to the same instant.
TEST(FormatIsoDateTest, DaysRoundTripAcrossFourDigitYears) {
  constexpr int64_t kFirst = -719528;  // 0000-01-01
  constexpr int64_t kLast = 2932896;   // 9999-12-31
  EXPECT_EQ(FormatIsoDate({kFirst * 86400, 0, 0, true}), "0000-01-01");
  EXPECT_EQ(FormatIsoDate({kLast * 86400, 0, 0, true}), "9999-12-31");
  for (int64_t days = kFirst; days <= kLast; ++days) {
    if (days % 11 != 0 && (days < -1000 || days > 1000)) continue;
    const DateTime t{days * 86400, 0, 0, true};
    const std::string s = FormatIsoDate(t);
    std::optional<DateTime> back = ParseIsoDate(s);
    ASSERT_TRUE(back.has_value()) << s;
    ASSERT_EQ(*back, t) << s;
  }
}

}  // namespace
}  // namespace contactd
