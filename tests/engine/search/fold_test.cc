#include "engine/search/fold.h"

#include <gtest/gtest.h>

#include <string>

namespace contactd::search {
namespace {

TEST(FoldTest, AsciiIsLowerCased) {
  EXPECT_EQ(Fold("Sam Rivera"), "sam rivera");
  EXPECT_EQ(Fold("SAM@ACME.COM"), "sam@acme.com");
  EXPECT_EQ(Fold(""), "");
}

TEST(FoldTest, CaseAndDiacriticsFold) {
  EXPECT_EQ(Fold("José"), "jose");
  EXPECT_EQ(Fold("MÜLLER"), "muller");
  EXPECT_EQ(Fold("Müller"), "muller");
  EXPECT_EQ(Fold("Nguyễn"), "nguyen");
  EXPECT_EQ(Fold("ÇAĞLA"), "cagla");
  EXPECT_EQ(Fold("Amélie"), "amelie");
}

TEST(FoldTest, DecomposedAndComposedFormsFoldAlike) {
  EXPECT_EQ(Fold("Mu\xCC\x88ller"), Fold("M\xC3\xBCller"));  // u + combining diaeresis vs ü
}

TEST(FoldTest, CompatibilityAndSpecialLetters) {
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("ﬁle"), "file");
  EXPECT_EQ(Fold("Ｆｕｌｌ"), "full");
  EXPECT_EQ(Fold("Łukasz"), "lukasz");
  EXPECT_EQ(Fold("Søren"), "soren");
  EXPECT_EQ(Fold("Đorđe"), "dorde");
}

TEST(FoldTest, ScriptsWithoutCaseStay) { EXPECT_EQ(Fold("東京"), "東京"); }

// U+FDFA is 3 bytes that decompose to 18 code points, so long runs of it outgrow any buffer sized
// from the input (and the one kept between calls), and short texts after them fold as before.
TEST(FoldTest, TextsThatGrowManyTimesFoldWhole) {
  const std::string one = Fold("\uFDFA");
  ASSERT_EQ(one,
            "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064A\u0647 "
            "\u0648\u0633\u0644\u0645");
  for (const size_t k : {1, 100, 5000, 3}) {
    std::string text, expected;
    for (size_t i = 0; i < k; ++i) {
      text += "\uFDFA";
      expected += one;
    }
    EXPECT_EQ(Fold("É" + text), "e" + expected) << k;
  }
  EXPECT_EQ(Fold("José"), "jose");
}

TEST(FoldTest, DigitsKeepsAsciiDigits) {
  EXPECT_EQ(Digits("+1 (415) 555-0100"), "14155550100");
  EXPECT_EQ(Digits("ext. 12"), "12");
  EXPECT_EQ(Digits("none"), "");
}

TEST(FoldTest, LooksLikePhone) {
  EXPECT_TRUE(LooksLikePhone("4155"));
  EXPECT_TRUE(LooksLikePhone("+1 415-555"));
  EXPECT_TRUE(LooksLikePhone("(415) 555.01"));
  EXPECT_FALSE(LooksLikePhone("sam4155"));
  EXPECT_FALSE(LooksLikePhone("+-"));
  EXPECT_FALSE(LooksLikePhone(""));
}

}  // namespace
}  // namespace contactd::search
