#include "engine/search/fold.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

std::string Utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | c >> 6));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | c >> 12));
    out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | c >> 18));
    out.push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return out;
}

std::string FoldedByUtf8proc(std::string_view s) {
  std::string out;
  FoldToWithoutTable(s, &out);
  return out;
}

// The Latin table's code points, and ASCII letters, digits and punctuation around them.
std::vector<std::string> LatinAndAscii() {
  std::vector<std::string> out;
  for (char32_t c = 0x20; c < 0x250; ++c) out.push_back(Utf8(c));
  for (char32_t c = 0x1E00; c < 0x1F00; ++c) out.push_back(Utf8(c));
  return out;
}

// The table folds one code point at a time: this holds only if no pair of its code points folds
// differently together (composition, context-dependent case), checked here against utf8proc.
TEST(FoldTest, EveryPairOfLatinCodePointsFoldsAsUtf8procFoldsIt) {
  const std::vector<std::string> cps = LatinAndAscii();
  size_t checked = 0;
  for (const std::string& a : cps) {
    EXPECT_EQ(Fold(a), FoldedByUtf8proc(a));
    for (const std::string& b : cps) {
      const std::string ab = a + b;
      ASSERT_EQ(Fold(ab), FoldedByUtf8proc(ab)) << ab;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 816u * 816u);  // U+0020-U+024F and U+1E00-U+1EFF
}

// Random texts mixing ASCII, the Latin table, combining marks (which send a text to utf8proc),
// other scripts and 4-byte code points fold as utf8proc folds them, and some take the table.
TEST(FoldTest, MixedTextsFoldAsUtf8procFoldsThem) {
  const std::vector<std::string> latin = LatinAndAscii();
  const std::vector<std::string> others = {Utf8(0x0301), Utf8(0x0308),  Utf8(0x0327), Utf8(0x03A3),
                                           Utf8(0x03C2), Utf8(0x0130),  Utf8(0x1E9E), Utf8(0xFB01),
                                           Utf8(0x6771), Utf8(0x1F600), Utf8(0xFF26), Utf8(0x00DF)};
  std::mt19937_64 rng(6);
  size_t all_latin = 0;
  for (int i = 0; i < 200000; ++i) {
    const size_t n = rng() % 12;
    const bool plain = rng() % 2 == 0;  // half the texts use the table alone
    std::string text;
    for (size_t k = 0; k < n; ++k) {
      text += plain || rng() % 4 != 0 ? latin[rng() % latin.size()] : others[rng() % others.size()];
    }
    all_latin += plain;
    ASSERT_EQ(Fold(text), FoldedByUtf8proc(text)) << text;
  }
  EXPECT_GT(all_latin, 90000u);
}

// Bytes that are not UTF-8 are never read past, and fold as utf8proc leaves them.
TEST(FoldTest, MalformedBytesFoldAsUtf8procLeavesThem) {
  for (const std::string text : {"\xC3", "a\xE1\xB8", "\x80", "\xC0\x80", "\xE1\xB8\x41",
                                 "\xC3\xA9\xC3", "\xE1\xBC\x80", "\xF0\x9F\x98"}) {
    EXPECT_EQ(Fold(text), FoldedByUtf8proc(text));
  }
  EXPECT_EQ(Fold("\xC3\xA9\xC3"), "\xC3\xA9\xC3");  // utf8proc rejects it: kept as it is
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
