// engine/text: ReplaceInvalidUtf8 against IsValidUtf8 (the other helpers are covered through
// validation and search).
#include "engine/text.h"

#include <gtest/gtest.h>

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
    if (IsValidUtf8(s)) ASSERT_EQ(out, s);
  }
}

}  // namespace
}  // namespace contactd::text
