// engine/text: ReplaceInvalidUtf8 against IsValidUtf8, and the 8-bytes-at-a-time ASCII helpers
// against byte-by-byte answers (the other helpers are covered through validation and search).
#include "engine/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace contactd::text {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(ReplaceInvalidUtf8, KeepsValidTextAsItIs) {
  for (const std::string s : {"", "Sam", "Zoë Müller", "日本語", "emoji 😀", "a\tb\nc"}) {
    EXPECT_EQ(ReplaceInvalidUtf8(s), s);
  }
}

TEST(ReplaceInvalidUtf8, ReplacesEachByteThatStartsNoValidSequence) {
  EXPECT_EQ(ReplaceInvalidUtf8("Ren\xE9"
                               "e"),
            "Ren" + kReplacement + "e");  // Latin-1 é
  EXPECT_EQ(ReplaceInvalidUtf8("\xFF\xFE"
                               "a"),
            kReplacement + kReplacement + "a");                            // UTF-16 BOM
  EXPECT_EQ(ReplaceInvalidUtf8("\xC3"), kReplacement);                     // truncated é
  EXPECT_EQ(ReplaceInvalidUtf8("\xC0\xAF"), kReplacement + kReplacement);  // overlong '/'
  EXPECT_EQ(ReplaceInvalidUtf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(ReplaceInvalidUtf8("\xF4\x90\x80\x80x").substr(12), "x");  // above U+10FFFF
}

TEST(ReplaceInvalidUtf8, OutputIsAlwaysValid) {
  std::mt19937 rng(3);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 2 ? 0x80 + rng() % 0x80 : rng() % 0x80);
    const std::string out = ReplaceInvalidUtf8(s);
    ASSERT_TRUE(IsValidUtf8(out)) << ::testing::PrintToString(s);
    if (IsValidUtf8(s)) {
      ASSERT_EQ(out, s);
    }
  }
}

// Every byte value at every position of texts of 0-19 bytes (around the 8-byte words), over a
// background of each kind of byte.
TEST(AsciiHelpers, EveryByteAtEveryPositionAsByteByByte) {
  for (const char background : {'a', 'Z', '@', '\x7f', '\0'}) {
    for (size_t n = 0; n < 20; ++n) {
      for (size_t at = 0; at < std::max<size_t>(n, 1); ++at) {
        for (int b = 0; b < 256; ++b) {
          std::string s(n, background);
          if (at < n) s[at] = static_cast<char>(b);
          size_t prefix = 0;
          while (prefix < n && static_cast<unsigned char>(s[prefix]) < 0x80) ++prefix;
          ASSERT_EQ(AsciiPrefix(s), prefix) << n << " " << at << " " << b;
          std::string lowered = s;
          for (char& c : lowered) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
          }
          LowerAscii(s.data(), s.size());
          ASSERT_EQ(s, lowered) << n << " " << at << " " << b;
        }
      }
    }
  }
}

TEST(AsciiHelpers, LowersOnlyTheLettersAToZ) {
  std::string s = "@AZ[`az{ MÜLLER\xC3\x9C 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  LowerAscii(s.data(), s.size());
  EXPECT_EQ(s, "@az[`az{ m\xC3\x9Cller\xC3\x9C 0123456789 abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(AsciiPrefix("abc\xC3\xA9"), 3u);
  EXPECT_EQ(AsciiPrefix("0123456789abcdef\xC3\xA9"), 16u);
}

}  // namespace
}  // namespace contactd::text
