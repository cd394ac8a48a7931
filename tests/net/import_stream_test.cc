// JsonSplitter (net/import_stream.h): JSON arrays and JSONL split into elements incrementally,
// whatever the sizes of the reads, with line numbers and fatal structure errors.
#include "net/import_stream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace contactd::net {
namespace {

using Elements = std::vector<std::pair<std::string, uint64_t>>;  // (text, line)

// Reads of at most `step` bytes.
transfer::ReadFn Source(std::string text, size_t step) {
  auto data = std::make_shared<std::string>(std::move(text));
  auto at = std::make_shared<size_t>(0);
  return [data, at, step](char* buf, size_t size) -> ptrdiff_t {
    const size_t n = std::min({size, step, data->size() - *at});
    std::memcpy(buf, data->data() + *at, n);
    *at += n;
    return static_cast<ptrdiff_t>(n);
  };
}

struct Split {
  Elements elements;
  std::optional<StreamFailure> failure;
};

Split SplitAll(const std::string& text, JsonSplitter::Mode mode, size_t step,
               size_t max_element = kMaxImportElement) {
  JsonSplitter splitter(Source(text, step), mode, max_element);
  Split out;
  std::string_view element;
  uint64_t line = 0;
  while (splitter.Next(&element, &line)) out.elements.emplace_back(std::string(element), line);
  out.failure = splitter.failure();
  return out;
}

TEST(JsonSplitterTest, ArrayElementsWhateverTheReadSize) {
  const std::string text =
      "\xEF\xBB\xBF[\n  {\"a\": \"x,]}\\\"\"},\n  {\"b\": [1, {\"c\": 2}]} ,\"s\", 12, null\n]\n";
  for (size_t step : {1, 2, 3, 7, 64, 65536}) {
    SCOPED_TRACE(step);
    Split s = SplitAll(text, JsonSplitter::Mode::kArray, step);
    EXPECT_FALSE(s.failure.has_value()) << s.failure->message;
    EXPECT_EQ(s.elements, (Elements{{"{\"a\": \"x,]}\\\"\"}", 2},
                                    {"{\"b\": [1, {\"c\": 2}]}", 3},
                                    {"\"s\"", 3},
                                    {"12", 3},
                                    {"null", 3}}));
  }
}

TEST(JsonSplitterTest, EmptyArrayAndStructureErrors) {
  EXPECT_TRUE(SplitAll(" [ ] ", JsonSplitter::Mode::kArray, 1).elements.empty());
  EXPECT_FALSE(SplitAll(" [ ] ", JsonSplitter::Mode::kArray, 1).failure.has_value());
  struct Case {
    std::string text;
    size_t elements;
    std::string message_part;
  };
  for (const Case& c : std::vector<Case>{
           {"", 0, "empty"},
           {"{\"a\":1}", 0, "Expected a JSON array"},
           {"[{\"a\":1},]", 1, "Unexpected ']' after ','"},
           {"[{\"a\":1} {\"b\":2}]", 1, "Expected ',' or ']'"},
           {"[{\"a\":1}", 1, "not closed"},
           {"[{\"a\":\"open", 0, "not complete"},
           {"[1]x", 1, "after the JSON array"},
           {"[,1]", 0, "Unexpected ','"},
       }) {
    SCOPED_TRACE(c.text);
    Split s = SplitAll(c.text, JsonSplitter::Mode::kArray, 3);
    EXPECT_EQ(s.elements.size(), c.elements);
    ASSERT_TRUE(s.failure.has_value());
    EXPECT_EQ(s.failure->http_status, 400);
    EXPECT_NE(s.failure->message.find(c.message_part), std::string::npos) << s.failure->message;
  }
}

TEST(JsonSplitterTest, LinesSkipBlankLinesAndKeepLineNumbers) {
  const std::string text = "{\"a\":1}\r\n\n  \n{\"b\":\"x\"}\nnot json\n{\"c\":3}";
  for (size_t step : {1, 5, 65536}) {
    Split s = SplitAll(text, JsonSplitter::Mode::kLines, step);
    EXPECT_FALSE(s.failure.has_value());
    EXPECT_EQ(
        s.elements,
        (Elements{{"{\"a\":1}", 1}, {"{\"b\":\"x\"}", 4}, {"not json", 5}, {"{\"c\":3}", 6}}));
  }
}

TEST(JsonSplitterTest, ElementOverTheLimitIs413) {
  const std::string big = "{\"a\":\"" + std::string(200, 'x') + "\"}";
  Split s = SplitAll("[{\"ok\":1}," + big + "]", JsonSplitter::Mode::kArray, 16, 100);
  EXPECT_EQ(s.elements.size(), 1u);
  ASSERT_TRUE(s.failure.has_value());
  EXPECT_EQ(s.failure->http_status, 413);
  s = SplitAll("{\"ok\":1}\n" + big + "\n", JsonSplitter::Mode::kLines, 16, 100);
  EXPECT_EQ(s.elements.size(), 1u);
  ASSERT_TRUE(s.failure.has_value());
  EXPECT_EQ(s.failure->http_status, 413);
}

TEST(JsonSplitterTest, FailedReadStops) {
  JsonSplitter splitter([](char*, size_t) -> ptrdiff_t { return -1; }, JsonSplitter::Mode::kArray);
  std::string_view element;
  uint64_t line;
  EXPECT_FALSE(splitter.Next(&element, &line));
  ASSERT_TRUE(splitter.failure().has_value());
}

}  // namespace
}  // namespace contactd::net
