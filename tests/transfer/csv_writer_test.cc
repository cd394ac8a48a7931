// csv_writer: quoting, formula-injection escaping, and that reading back (CsvReader, then
// UnescapeFormula) gives every value exactly.
#include "engine/transfer/csv_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/transfer/csv_reader.h"

namespace contactd::transfer {
namespace {

std::string Field(std::string_view v) {
  std::string out;
  AppendCsvField(v, &out);
  return out;
}

TEST(CsvWriter, Quoting) {
  EXPECT_EQ(Field("plain"), "plain");
  EXPECT_EQ(Field(""), "");
  EXPECT_EQ(Field("a,b"), "\"a,b\"");
  EXPECT_EQ(Field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(Field(" lead"), "\" lead\"");
  EXPECT_EQ(Field("trail "), "\"trail \"");
  EXPECT_EQ(Field("in side"), "in side");
  EXPECT_EQ(Field("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(CsvWriter, FormulaEscaping) {
  EXPECT_EQ(Field("=SUM(A1:A2)"), "'=SUM(A1:A2)");
  EXPECT_EQ(Field("+14155550100"), "'+14155550100");
  EXPECT_EQ(Field("-5"), "'-5");
  EXPECT_EQ(Field("@cmd"), "'@cmd");
  EXPECT_EQ(Field("\tx"), "'\tx");
  EXPECT_EQ(Field("\rx"), "\"'\rx\"");
  EXPECT_EQ(Field("=1,2"), "\"'=1,2\"");
  EXPECT_EQ(Field("'=x"), "''=x");  // already an apostrophe: one more
  EXPECT_EQ(Field("''+x"), "'''+x");
  EXPECT_EQ(Field("'plain"), "'plain");  // nothing to protect: unchanged
  EXPECT_EQ(Field("it's"), "it's");
  EXPECT_EQ(Field("a=b"), "a=b");

  EXPECT_EQ(UnescapeFormula("'=x"), "=x");
  EXPECT_EQ(UnescapeFormula("''=x"), "'=x");
  EXPECT_EQ(UnescapeFormula("'plain"), "'plain");
  EXPECT_EQ(UnescapeFormula("'"), "'");
  EXPECT_EQ(UnescapeFormula("''"), "''");
  EXPECT_EQ(UnescapeFormula("=x"), "=x");
}

TEST(CsvWriter, RoundTripThroughTheReader) {
  const std::vector<std::string> values = {"",
                                           "plain",
                                           "=1+1",
                                           "+1 415",
                                           "-",
                                           "-5",
                                           "@",
                                           "@home",
                                           "\t",
                                           "\ttab",
                                           "\r",
                                           "\rcr",
                                           "'",
                                           "''",
                                           "'=",
                                           "'=x",
                                           "''=x",
                                           "'+",
                                           "'-1",
                                           "'@",
                                           "'\t",
                                           "'\r",
                                           "'abc",
                                           "it's",
                                           "a,b",
                                           "\"",
                                           "\"\"",
                                           "q\"q",
                                           "line\nbreak",
                                           "crlf\r\nx",
                                           " x",
                                           "x ",
                                           "=\"a,b\"\n",
                                           "\xC3\xA9t\xC3\xA9",
                                           "''''-x",
                                           "'''"};
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text.push_back(',');
    AppendCsvField(values[i], &text);
  }
  text += "\r\n";
  size_t pos = 0;
  CsvReader reader([&](char* buf, size_t size) -> ptrdiff_t {
    const size_t n = std::min({size, size_t{3}, text.size() - pos});
    std::memcpy(buf, text.data() + pos, n);
    pos += n;
    return static_cast<ptrdiff_t>(n);
  });
  CsvRecord r;
  ASSERT_TRUE(reader.Next(&r)) << reader.error()->message;
  ASSERT_EQ(r.fields.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(UnescapeFormula(r.fields[i]), values[i])
        << "value " << i << " as " << Field(values[i]);
  }
  EXPECT_FALSE(reader.Next(&r));
  EXPECT_FALSE(reader.error());
}

}  // namespace
}  // namespace contactd::transfer
