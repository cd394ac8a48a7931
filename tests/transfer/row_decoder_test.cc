// RowDecoder: typed attributes, bad numbers and booleans, YAML and JSON stripe cells, formula
// unescaping, names joined from parts, cell count problems.
#include "engine/transfer/row_decoder.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/transfer/attr_def.h"

namespace contactd::transfer {
namespace {

std::shared_ptr<const Schema> TestSchema() {
  return std::make_shared<const Schema>(std::vector<AttrDef>{
      Def(1, "plan", AttrType::kText),
      Def(2, "ltv", AttrType::kNumber),
      Def(3, "vip", AttrType::kBoolean),
      Def(4, "since", AttrType::kDate),
  });
}

class RowDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Use({"external_id", "name", "email", "phone", "stripe_accounts", "plan", "ltv", "vip", "since",
         "ignored me"});
  }

  void Use(const std::vector<std::string>& header) {
    Result<ColumnMap> map = MapColumns(header, {}, *schema_);
    ASSERT_TRUE(map.ok()) << map.status().ToString();
    decoder_ = std::make_unique<RowDecoder>(std::move(*map), schema_);
  }

  bool Decode(std::vector<std::string> cells) {
    CsvRecord record;
    record.fields = std::move(cells);
    issues_.clear();
    return decoder_->Decode(record, &in_, &issues_);
  }

  const RawValue* Attr(std::string_view name) const {
    if (!in_.custom_attributes.is_set()) return nullptr;
    for (const auto& [n, v] : in_.custom_attributes.value) {
      if (n == name) return &v;
    }
    return nullptr;
  }

  std::shared_ptr<const Schema> schema_ = TestSchema();
  std::unique_ptr<RowDecoder> decoder_;
  ContactInput in_;
  std::vector<Issue> issues_;
};

TEST_F(RowDecoderTest, CoreFieldsAndTypedAttributes) {
  ASSERT_TRUE(Decode({" u1 ", "Sam Rivera", "sam@acme.com", "'+1 415 555 0100", "", "'-pro", "12.5",
                      "YES", "2026-11-21", "whatever"}));
  EXPECT_TRUE(in_.merge_custom_attributes);
  EXPECT_EQ(in_.external_id.value, "u1");  // trimmed
  EXPECT_EQ(in_.name.value, "Sam Rivera");
  EXPECT_EQ(in_.email.value, "sam@acme.com");
  EXPECT_EQ(in_.phonenumber.value, "+1 415 555 0100");  // unescaped, not normalized here
  EXPECT_TRUE(in_.stripe_accounts.absent());
  ASSERT_NE(Attr("plan"), nullptr);
  EXPECT_EQ(Attr("plan")->s, "-pro");
  EXPECT_EQ(Attr("ltv")->kind, RawValue::Kind::kDouble);
  EXPECT_EQ(Attr("ltv")->d, 12.5);
  EXPECT_EQ(Attr("vip")->kind, RawValue::Kind::kBool);
  EXPECT_TRUE(Attr("vip")->b);
  EXPECT_EQ(Attr("since")->kind, RawValue::Kind::kString);
  EXPECT_EQ(Attr("since")->s, "2026-11-21");
}

TEST_F(RowDecoderTest, NumbersAndBooleans) {
  struct Case {
    std::string cell;
    RawValue::Kind kind;
    int64_t i;
    double d;
  };
  for (const Case& c :
       {Case{"42", RawValue::Kind::kInt, 42, 0},
        Case{"'-7", RawValue::Kind::kInt, -7, 0},  // exported as '-7
        Case{"-7", RawValue::Kind::kInt, -7, 0}, Case{"+3", RawValue::Kind::kInt, 3, 0},
        Case{"1e3", RawValue::Kind::kDouble, 0, 1000}, Case{"0.1", RawValue::Kind::kDouble, 0, 0.1},
        Case{"99999999999999999999", RawValue::Kind::kDouble, 0, 1e20}}) {
    ASSERT_TRUE(Decode({"u", "", "", "", "", "", c.cell})) << c.cell;
    ASSERT_NE(Attr("ltv"), nullptr) << c.cell;
    EXPECT_EQ(Attr("ltv")->kind, c.kind) << c.cell;
    if (c.kind == RawValue::Kind::kInt) {
      EXPECT_EQ(Attr("ltv")->i, c.i) << c.cell;
    } else {
      EXPECT_EQ(Attr("ltv")->d, c.d) << c.cell;
    }
  }
  for (const char* bad : {"12abc", "1,5", "abc", "1e999", "nan", "inf", "++1", "0x10", "-"}) {
    EXPECT_FALSE(Decode({"u", "", "", "", "", "", bad})) << bad;
    ASSERT_EQ(issues_.size(), 1u) << bad;
    EXPECT_EQ(issues_[0].field, "custom_attributes.ltv");
    EXPECT_EQ(issues_[0].message, "Expected a number, received '" + std::string(bad) + "'");
  }
  for (const auto& [cell, want] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                            {"False", false},
                                                                            {"yes", true},
                                                                            {"NO", false},
                                                                            {"1", true},
                                                                            {"0", false}}) {
    ASSERT_TRUE(Decode({"u", "", "", "", "", "", "", cell})) << cell;
    EXPECT_EQ(Attr("vip")->b, want) << cell;
  }
  EXPECT_FALSE(Decode({"u", "", "", "", "", "", "", "maybe"}));
  ASSERT_EQ(issues_.size(), 1u);
  EXPECT_EQ(issues_[0].field, "custom_attributes.vip");
  EXPECT_EQ(issues_[0].message, "Expected true/false, yes/no or 1/0, received 'maybe'");
  // Several problems in one row: all reported.
  EXPECT_FALSE(Decode({"u", "", "", "", "[1", "", "x", "y"}));
  EXPECT_EQ(issues_.size(), 3u);
}

TEST_F(RowDecoderTest, BlankCellsLeaveFieldsAbsent) {
  ASSERT_TRUE(Decode({"u", "", "  ", "", "", "", "", "", ""}));
  EXPECT_TRUE(in_.name.absent());
  EXPECT_TRUE(in_.email.absent());
  EXPECT_TRUE(in_.phonenumber.absent());
  EXPECT_TRUE(in_.custom_attributes.absent());
  ASSERT_TRUE(Decode({""}));  // fewer cells than columns: the rest are empty
  EXPECT_TRUE(in_.external_id.absent());
}

TEST_F(RowDecoderTest, QuotedCellsKeepTheirSpaces) {
  CsvRecord record;
  record.fields = {" u1 ", "  spaced  ", " a@b.co "};
  record.quoted = {0, 1, 0};
  ASSERT_TRUE(decoder_->Decode(record, &in_, &issues_));
  EXPECT_EQ(in_.external_id.value, "u1");
  EXPECT_EQ(in_.name.value, "  spaced  ");
  EXPECT_EQ(in_.email.value, "a@b.co");
  record.fields = {"u1", "   "};
  record.quoted = {0, 1};  // a quoted blank is still a value
  ASSERT_TRUE(decoder_->Decode(record, &in_, &issues_));
  EXPECT_EQ(in_.name.value, "   ");
}

TEST_F(RowDecoderTest, StripeAccountsYamlAndJson) {
  ASSERT_TRUE(Decode({"u", "", "", "", "- label: main\n  stripe_id: cus_1\n- label: eu\n"}));
  ASSERT_TRUE(in_.stripe_accounts.is_set());
  EXPECT_EQ(in_.stripe_accounts.value,
            (std::vector<StripeAccount>{{"main", "cus_1", std::nullopt}, {"eu", {}, {}}}));
  ASSERT_TRUE(Decode(
      {"u", "", "", "", R"([{"label":"main","stripe_id":"cus_1","stripe_email":"a@b.c"}])"}));
  EXPECT_EQ(in_.stripe_accounts.value, (std::vector<StripeAccount>{{"main", "cus_1", "a@b.c"}}));
  for (const char* bad :
       {"[1", "label: main", "- just text", "- {label: a, colour: red}", "- label: [a, b]"}) {
    EXPECT_FALSE(Decode({"u", "", "", "", bad})) << bad;
    ASSERT_EQ(issues_.size(), 1u) << bad;
    EXPECT_EQ(issues_[0].field, "stripe_accounts");
    EXPECT_EQ(issues_[0].message.rfind("stripe_accounts must be a YAML or JSON list", 0), 0u)
        << issues_[0].message;
  }
}

TEST_F(RowDecoderTest, NameFromParts) {
  Use({"id", "First Name", "Middle Name", "Last Name", "Full Name"});
  ASSERT_TRUE(Decode({"u", "Ana", "", "Lima", ""}));
  EXPECT_EQ(in_.name.value, "Ana Lima");
  ASSERT_TRUE(Decode({"u", "Ana", "Maria", "Lima", ""}));
  EXPECT_EQ(in_.name.value, "Ana Maria Lima");
  ASSERT_TRUE(Decode({"u", "", "", "Lima", ""}));
  EXPECT_EQ(in_.name.value, "Lima");
  ASSERT_TRUE(Decode({"u", "Ana", "", "Lima", "Dr. Ana Lima"}));  // a full name wins
  EXPECT_EQ(in_.name.value, "Dr. Ana Lima");
  ASSERT_TRUE(Decode({"u", "", "", "", ""}));
  EXPECT_TRUE(in_.name.absent());
}

TEST_F(RowDecoderTest, TooManyCells) {
  Use({"id", "email"});
  EXPECT_FALSE(Decode({"u", "a@b.c", "extra"}));
  ASSERT_EQ(issues_.size(), 1u);
  EXPECT_EQ(issues_[0].field, "row");
  EXPECT_EQ(issues_[0].message, "The row has 3 cells but the header has 2 columns");
}

}  // namespace
}  // namespace contactd::transfer
