// Tests of net/url.h: percent-encoding and -decoding, query strings and path splitting.
#include "net/url.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace contactd::net {
namespace {

using namespace std::string_literals;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// --- PercentEncode ---

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c?d=e&f+g%h#"), "a%20b%2Fc%3Fd%3De%26f%2Bg%25h%23");
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(PercentEncode(std::string_view("\0\x7F", 2)), "%00%7F");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(PercentEncodeTest, EveryByteRoundTripsThroughDecode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string encoded = PercentEncode(all);
  EXPECT_EQ(PercentDecode(encoded, false), all);
  EXPECT_EQ(PercentDecode(encoded, true), all);  // no '+' survives encoding
}

// --- PercentDecode ---

TEST(PercentDecodeTest, PlainTextIsCopied) {
  EXPECT_EQ(PercentDecode("user_8821", false), "user_8821");
  EXPECT_EQ(PercentDecode("", false), "");
  EXPECT_EQ(PercentDecode("", true), "");
}

TEST(PercentDecodeTest, DecodesEscapesInBothCases) {
  EXPECT_EQ(PercentDecode("a%20b", false), "a b");
  EXPECT_EQ(PercentDecode("%2F%2f", false), "//");
  EXPECT_EQ(PercentDecode("%41%62%5A%7a%7A", false), "AbZzz");
  EXPECT_EQ(PercentDecode("%25", false), "%");
  EXPECT_EQ(PercentDecode("%2525", false), "%25");  // decoded once only
  EXPECT_EQ(PercentDecode("x%3Dy%26z", true), "x=y&z");
}

TEST(PercentDecodeTest, EscapeAtStartAndEnd) {
  EXPECT_EQ(PercentDecode("%41", false), "A");
  EXPECT_EQ(PercentDecode("ab%41", false), "abA");
  EXPECT_EQ(PercentDecode("%41ab", false), "Aab");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("++", true), "  ");
  // An encoded plus is always a plus.
  EXPECT_EQ(PercentDecode("a%2Bb", true), "a+b");
  EXPECT_EQ(PercentDecode("a%2Bb", false), "a+b");
}

TEST(PercentDecodeTest, MalformedEscapesAreRejected) {
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%4", true), std::nullopt);
  EXPECT_EQ(PercentDecode("%G0", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%0G", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%%41", false), std::nullopt);
  EXPECT_EQ(PercentDecode("% 1", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%-1", false), std::nullopt);
  EXPECT_EQ(PercentDecode("ok%41then%zz", false), std::nullopt);
}

TEST(PercentDecodeTest, EscapeCutOffByTheEndOfTheView) {
  // The bytes after the view are valid hex: they must not be read.
  const std::string_view s = "ab%4142";
  EXPECT_EQ(PercentDecode(s.substr(0, 4), false), std::nullopt);  // "ab%4"
  EXPECT_EQ(PercentDecode(s.substr(0, 3), false), std::nullopt);  // "ab%"
  EXPECT_EQ(PercentDecode(s.substr(0, 5), false), "abA");
}

TEST(PercentDecodeTest, NulAndHighBytesAreDecodedAsBytes) {
  EXPECT_EQ(PercentDecode("a%00b", false), "a\0b"s);
  EXPECT_EQ(PercentDecode("%00", false)->size(), 1u);
  EXPECT_EQ(PercentDecode("%FF", false), "\xff");
  // "é" and "€" in UTF-8.
  EXPECT_EQ(PercentDecode("caf%C3%A9", false), "caf\xc3\xa9");
  EXPECT_EQ(PercentDecode("%E2%82%AC", true), "\xe2\x82\xac");
  // Raw UTF-8 bytes pass through unchanged.
  EXPECT_EQ(PercentDecode("caf\xc3\xa9", false), "caf\xc3\xa9");
}

// --- ParseQuery ---

TEST(ParseQueryTest, EmptyQuery) { EXPECT_EQ(ParseQuery(""), Pairs{}); }

TEST(ParseQueryTest, PairsInOrder) {
  EXPECT_EQ(ParseQuery("page=2&per_page=50"), (Pairs{{"page", "2"}, {"per_page", "50"}}));
  EXPECT_EQ(ParseQuery("b=1&a=2"), (Pairs{{"b", "1"}, {"a", "2"}}));
}

TEST(ParseQueryTest, EmptyPartsAreSkipped) {
  EXPECT_EQ(ParseQuery("&&a=1&&b=2&"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(ParseQuery("&"), Pairs{});
}

TEST(ParseQueryTest, MissingEqualsMeansEmptyValue) {
  EXPECT_EQ(ParseQuery("flag"), (Pairs{{"flag", ""}}));
  EXPECT_EQ(ParseQuery("a&b=1"), (Pairs{{"a", ""}, {"b", "1"}}));
  EXPECT_EQ(ParseQuery("a="), (Pairs{{"a", ""}}));
  EXPECT_EQ(ParseQuery("=v"), (Pairs{{"", "v"}}));
}

TEST(ParseQueryTest, OnlyTheFirstEqualsSplits) {
  EXPECT_EQ(ParseQuery("a=b=c"), (Pairs{{"a", "b=c"}}));
}

TEST(ParseQueryTest, DuplicatesAreKept) {
  EXPECT_EQ(ParseQuery("page=1&page=2&page=1"),
            (Pairs{{"page", "1"}, {"page", "2"}, {"page", "1"}}));
}

TEST(ParseQueryTest, KeysAndValuesAreDecodedWithPlusAsSpace) {
  EXPECT_EQ(ParseQuery("q=a+b%2Bc&na%6De=x%26y"), (Pairs{{"q", "a b+c"}, {"name", "x&y"}}));
}

TEST(ParseQueryTest, MalformedEscapeAnywhereRejectsTheWholeQuery) {
  EXPECT_EQ(ParseQuery("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(ParseQuery("a%=1"), std::nullopt);
  EXPECT_EQ(ParseQuery("a=%4"), std::nullopt);
  EXPECT_EQ(ParseQuery("a=%"), std::nullopt);
}

// --- SplitPath ---

using Segments = std::vector<std::string_view>;

TEST(SplitPathTest, Root) { EXPECT_EQ(SplitPath("/"), Segments{""}); }

TEST(SplitPathTest, Segments) {
  EXPECT_EQ(SplitPath("/api/v1/chatbots"), (Segments{"api", "v1", "chatbots"}));
  EXPECT_EQ(SplitPath("/healthz"), Segments{"healthz"});
}

TEST(SplitPathTest, TrailingSlashAddsAnEmptySegment) {
  EXPECT_EQ(SplitPath("/api/v1/"), (Segments{"api", "v1", ""}));
}

TEST(SplitPathTest, EmptySegmentsAreKept) {
  EXPECT_EQ(SplitPath("//x"), (Segments{"", "x"}));
  EXPECT_EQ(SplitPath("/a//b"), (Segments{"a", "", "b"}));
  EXPECT_EQ(SplitPath("//"), (Segments{"", ""}));
}

TEST(SplitPathTest, SegmentsStayEncoded) {
  EXPECT_EQ(SplitPath("/a%2Fb/c%20d"), (Segments{"a%2Fb", "c%20d"}));
}

TEST(SplitPathTest, NotAnAbsolutePath) {
  EXPECT_EQ(SplitPath(""), Segments{});
  EXPECT_EQ(SplitPath("api/v1"), Segments{});
  EXPECT_EQ(SplitPath("*"), Segments{});
}

}  // namespace
}  // namespace contactd::net
