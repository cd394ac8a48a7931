// Tests of net/json_writer.h: string escaping, separators, numbers and Raw. Output is also read
// back with tests/support/json.h to prove it is valid JSON.
#include "net/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "tests/support/json.h"

namespace contactd::net {
namespace {

using namespace std::string_literals;
using contactd::testing::Json;

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

// Writes `v` as the only element of an array and returns the text between the brackets.
std::string DoubleText(double v) {
  std::string out;
  JsonWriter(&out).BeginArray().Double(v).EndArray();
  return out.substr(1, out.size() - 2);
}

// --- Strings ---

TEST(JsonStringTest, PlainStringsAreQuoted) {
  EXPECT_EQ(Quoted(""), R"("")");
  EXPECT_EQ(Quoted("Sam Rivera"), R"("Sam Rivera")");
}

// Bytes that are not UTF-8 (a header row in Latin-1 or UTF-16 echoed in an import report) must
// not make the answer invalid JSON.
TEST(JsonStringTest, InvalidUtf8BecomesTheReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(Quoted("Zoë 😀"), "\"Zoë 😀\"");
  EXPECT_EQ(Quoted("Ren\xE9"
                   "e"),
            "\"Ren" + fffd + "e\"");
  // A UTF-16 header: its byte order mark, then NULs between the letters; escapes still apply.
  const std::string utf16 =
      "\xFF\xFE"
      "e\0m\0\"\\"s;
  const std::string out = Quoted(utf16);
  EXPECT_EQ(out, "\"" + fffd + fffd + R"(e\u0000m\u0000\"\\")");
  EXPECT_EQ(Json("[" + out + "]")[0].str(), fffd + fffd + "e\0m\0\"\\"s);
}

TEST(JsonStringTest, QuoteAndBackslashAreEscaped) {
  EXPECT_EQ(Quoted(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(Quoted(R"(C:\dir\)"), R"("C:\\dir\\")");
  EXPECT_EQ(Quoted(R"(\")"), R"("\\\"")");
  EXPECT_EQ(Quoted("/"), R"("/")");  // the solidus needs no escape
}

TEST(JsonStringTest, EveryControlCharacterIsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string in(1, static_cast<char>(c));
    std::string want;
    switch (c) {
      case '\n':
        want = R"("\n")";
        break;
      case '\r':
        want = R"("\r")";
        break;
      case '\t':
        want = R"("\t")";
        break;
      default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\"\\u%04x\"", c);
        want = buf;
      }
    }
    EXPECT_EQ(Quoted(in), want) << "byte " << c;
    EXPECT_EQ(Json(Quoted(in)).str(), in) << "byte " << c;
  }
}

TEST(JsonStringTest, SpecificControlEscapes) {
  EXPECT_EQ(Quoted("a\0b"s), R"("a\u0000b")");
  EXPECT_EQ(Quoted("\x1f"), R"("\u001f")");
  EXPECT_EQ(Quoted("\b\f"), R"("\u0008\u000c")");
  EXPECT_EQ(Quoted("line1\nline2\r\n\tx"), R"("line1\nline2\r\n\tx")");
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");  // DEL is not a JSON control character
}

TEST(JsonStringTest, Utf8PassesThrough) {
  const std::string s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8";  // é € 😀 U+2028
  EXPECT_EQ(Quoted(s), "\"" + s + "\"");
  EXPECT_EQ(Json(Quoted(s)).str(), s);
}

TEST(JsonStringTest, EscapesBetweenRunsKeepTheRuns) {
  const std::string s = "ab\"cd\\ef\ngh\x01ij";
  EXPECT_EQ(Quoted(s), R"("ab\"cd\\ef\ngh\u0001ij")");
  EXPECT_EQ(Json(Quoted(s)).str(), s);
}

TEST(JsonStringTest, AppendsToExistingText) {
  std::string out = "x=";
  AppendJsonString(&out, "y");
  EXPECT_EQ(out, R"(x="y")");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  std::string out;
  JsonWriter(&out).BeginObject().Field("a\"b\n", "v").EndObject();
  EXPECT_EQ(out, R"({"a\"b\n":"v"})");
  EXPECT_EQ(Json(out)["a\"b\n"].str(), "v");
}

// --- Structure ---

TEST(JsonWriterTest, EmptyContainers) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Key("o")
      .BeginObject()
      .EndObject()
      .Key("a")
      .BeginArray()
      .EndArray()
      .EndObject();
  EXPECT_EQ(out, R"({"o":{},"a":[]})");
}

TEST(JsonWriterTest, CommasInNestedObjectsAndArrays) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("a", int64_t{1});
  w.Key("b")
      .BeginArray()
      .Int(1)
      .Int(2)
      .BeginObject()
      .Field("x", true)
      .Field("y", false)
      .EndObject()
      .BeginArray()
      .EndArray()
      .BeginArray()
      .Null()
      .String("s")
      .EndArray()
      .EndArray();
  w.Key("c")
      .BeginObject()
      .Key("d")
      .BeginObject()
      .Field("e", "f")
      .EndObject()
      .Field("g", "h")
      .EndObject();
  w.Field("i", "j");
  w.EndObject();
  EXPECT_EQ(out,
            R"({"a":1,"b":[1,2,{"x":true,"y":false},[],[null,"s"]],"c":{"d":{"e":"f"},"g":"h"},)"
            R"("i":"j"})");
  Json j(out);
  ASSERT_TRUE(j.valid()) << j.dump();
  EXPECT_EQ(j["b"].size(), 5u);
  EXPECT_EQ(j["b"][2]["y"].boolean(), false);
  EXPECT_EQ(j["c"]["d"]["e"].str(), "f");
  EXPECT_EQ(j["i"].str(), "j");
}

TEST(JsonWriterTest, ArrayOfObjects) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (int i = 0; i < 3; ++i) w.BeginObject().Field("n", int64_t{i}).EndObject();
  w.EndArray();
  EXPECT_EQ(out, R"([{"n":0},{"n":1},{"n":2}])");
}

TEST(JsonWriterTest, FieldOverloads) {
  std::string out;
  const std::string owned = "owned";
  JsonWriter(&out)
      .BeginObject()
      .Field("sv", std::string_view("v"))
      .Field("cs", "c")
      .Field("str", owned)
      .Field("i", int64_t{-7})
      .Field("t", true)
      .Field("f", false)
      .EndObject();
  EXPECT_EQ(out, R"({"sv":"v","cs":"c","str":"owned","i":-7,"t":true,"f":false})");
}

TEST(JsonWriterTest, IntegerLimits) {
  std::string out;
  JsonWriter(&out)
      .BeginArray()
      .Int(0)
      .Int(std::numeric_limits<int64_t>::min())
      .Int(std::numeric_limits<int64_t>::max())
      .Uint(std::numeric_limits<uint64_t>::max())
      .EndArray();
  EXPECT_EQ(out, "[0,-9223372036854775808,9223372036854775807,18446744073709551615]");
  Json j(out);
  ASSERT_TRUE(j.valid()) << j.dump();
  EXPECT_EQ(j[1].i64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(j[2].i64(), std::numeric_limits<int64_t>::max());
}

// --- Doubles ---

TEST(JsonWriterTest, DoublesUseTheShortestRoundTrip) {
  EXPECT_EQ(DoubleText(0.1), "0.1");
  EXPECT_EQ(DoubleText(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(DoubleText(1.5), "1.5");
  EXPECT_EQ(DoubleText(-2.25), "-2.25");
  EXPECT_EQ(DoubleText(0.0), "0");
  EXPECT_EQ(DoubleText(-0.0), "-0");
  EXPECT_EQ(DoubleText(3.0), "3");
  EXPECT_EQ(DoubleText(123456789.0), "123456789");
  EXPECT_EQ(DoubleText(9007199254740993.0), "9007199254740992");  // 2^53 + 1 is not a double
  EXPECT_EQ(DoubleText(1e21), "1e+21");
  EXPECT_EQ(DoubleText(1e22), "1e+22");
  EXPECT_EQ(DoubleText(1e-7), "1e-07");
  EXPECT_EQ(DoubleText(5e-324), "5e-324");
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(JsonWriterTest, DoublesAreValidJson) {
  for (double v : {0.1, 1e21, -0.0, 1e-7, 5e-324, 1e300, -1.7976931348623157e308, 12345.678}) {
    std::string out;
    JsonWriter(&out).BeginObject().Key("v").Double(v).EndObject();
    Json j(out);
    ASSERT_TRUE(j.valid()) << out;
    EXPECT_EQ(j["v"].num(), v) << out;
  }
  // "-0" keeps its sign for a reader that parses it as a double.
  EXPECT_TRUE(std::signbit(std::strtod(DoubleText(-0.0).c_str(), nullptr)));
}

TEST(JsonWriterTest, RandomDoublesReadBackExactly) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    const std::string text = DoubleText(v);
    char* end = nullptr;
    const double back = std::strtod(text.c_str(), &end);
    ASSERT_EQ(*end, '\0') << text;
    ASSERT_EQ(std::memcmp(&back, &v, sizeof v), 0) << text;
  }
}

TEST(JsonWriterTest, NonFiniteDoublesAreNull) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Key("nan")
      .Double(std::numeric_limits<double>::quiet_NaN())
      .Key("inf")
      .Double(std::numeric_limits<double>::infinity())
      .Key("ninf")
      .Double(-std::numeric_limits<double>::infinity())
      .Key("after")
      .Int(1)
      .EndObject();
  EXPECT_EQ(out, R"({"nan":null,"inf":null,"ninf":null,"after":1})");
  std::string arr;
  JsonWriter(&arr).BeginArray().Double(NAN).Double(1.0).Double(INFINITY).EndArray();
  EXPECT_EQ(arr, "[null,1,null]");
}

// --- Raw ---

TEST(JsonWriterTest, RawIsOneValueWithSeparators) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Key("a")
      .Raw(R"({"x":[1,2]})")
      .Key("b")
      .BeginArray()
      .Raw("1")
      .Raw(R"("two")")
      .Raw("null")
      .EndArray()
      .EndObject();
  EXPECT_EQ(out, R"({"a":{"x":[1,2]},"b":[1,"two",null]})");
  Json j(out);
  ASSERT_TRUE(j.valid()) << out;
  EXPECT_EQ(j["a"]["x"][1].i64(), 2);
  EXPECT_EQ(j["b"][1].str(), "two");
}

TEST(JsonWriterTest, TopLevelScalarAndAppend) {
  std::string out = "prefix:";
  JsonWriter(&out).String("ok");
  EXPECT_EQ(out, R"(prefix:"ok")");
}

}  // namespace
}  // namespace contactd::net
