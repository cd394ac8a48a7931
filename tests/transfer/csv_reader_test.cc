// CsvReader: RFC 4180 cases, line ends, byte order mark, errors, every split of the input across
// reads, the separator picked from the header, and the parse speed on a 1M-row file.
#include "engine/transfer/csv_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace contactd::transfer {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// A ReadFn over `text` handing out at most `chunk` bytes per call.
ReadFn StringSource(const std::string& text, size_t chunk) {
  return [&text, chunk, pos = size_t{0}](char* buf, size_t size) mutable -> ptrdiff_t {
    const size_t n = std::min({size, chunk, text.size() - pos});
    std::memcpy(buf, text.data() + pos, n);
    pos += n;
    return static_cast<ptrdiff_t>(n);
  };
}

struct Parsed {
  Rows rows;
  std::vector<uint64_t> lines;
  std::optional<CsvError> error;
  char separator = ',';  // the reader's after the last record
};

Parsed ParseAll(const std::string& text, size_t chunk = 1 << 20, size_t max_record = 1 << 20,
                char separator = ',') {
  CsvReader reader(StringSource(text, chunk), max_record, separator);
  Parsed p;
  CsvRecord r;
  while (reader.Next(&r)) {
    p.rows.push_back(r.fields);
    p.lines.push_back(r.line);
    EXPECT_EQ(r.number, p.rows.size());
  }
  p.error = reader.error();
  p.separator = reader.separator();
  if (!p.error) {
    EXPECT_EQ(reader.bytes_read(), text.size());
  }
  return p;
}

// Parses `text` with every read size from 1 to 8 bytes and whole, expecting `want` each time.
void ExpectRows(const std::string& text, const Rows& want) {
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{8}, size_t{1} << 20}) {
    Parsed p = ParseAll(text, chunk);
    EXPECT_FALSE(p.error) << "chunk " << chunk << ": " << p.error->message;
    EXPECT_EQ(p.rows, want) << "chunk " << chunk;
  }
}

TEST(CsvReader, SimpleAndLineEnds) {
  ExpectRows("a,b\n1,2\n", {{"a", "b"}, {"1", "2"}});
  ExpectRows("a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}});
  ExpectRows("a,b\r1,2\r", {{"a", "b"}, {"1", "2"}});  // lone CR
  ExpectRows("a,b\n1,2", {{"a", "b"}, {"1", "2"}});    // no final line end
  ExpectRows("a,b\r\n1,2\r", {{"a", "b"}, {"1", "2"}});
}

TEST(CsvReader, EmptyFieldsAndLines) {
  ExpectRows("a,,c\n,,\n", {{"a", "", "c"}, {"", "", ""}});
  ExpectRows("a,b,\n", {{"a", "b", ""}});
  ExpectRows("\n\na\r\n\r\n\nb\n\n", {{"a"}, {"b"}});  // empty lines skipped
  ExpectRows("", {});
  ExpectRows("\r\n", {});
  ExpectRows("\"\"\n", {{""}});  // an empty quoted field is a record
}

TEST(CsvReader, Quoted) {
  ExpectRows("\"a,b\",c\n", {{"a,b", "c"}});
  ExpectRows("\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}});
  ExpectRows("\"line1\nline2\",x\r\n\"r\r\nn\",y\n", {{"line1\nline2", "x"}, {"r\r\nn", "y"}});
  ExpectRows("\"\"\"\"\n", {{"\""}});
  ExpectRows("a,\"\"\n", {{"a", ""}});
  ExpectRows("\"a\"", {{"a"}});                 // closed at the very end
  ExpectRows("a\"b,c\"\n", {{"a\"b", "c\""}});  // quotes inside unquoted fields are kept
}

TEST(CsvReader, ReportsWhichFieldsWereQuoted) {
  const std::string text = "\"  a  \", b ,\"\",\nx,\"y\"\n";
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{1} << 20}) {
    CsvReader reader(StringSource(text, chunk));
    CsvRecord r;
    ASSERT_TRUE(reader.Next(&r)) << chunk;
    EXPECT_EQ(r.fields, (std::vector<std::string>{"  a  ", " b ", "", ""}));
    EXPECT_EQ(r.quoted, (std::vector<uint8_t>{1, 0, 1, 0})) << chunk;
    ASSERT_TRUE(reader.Next(&r));  // the reused record's flags follow the new row
    EXPECT_EQ(r.quoted, (std::vector<uint8_t>{0, 1})) << chunk;
    EXPECT_FALSE(reader.Next(&r));
  }
}

TEST(CsvReader, ByteOrderMarkAndUtf8) {
  ExpectRows(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n",
      {{"a", "b"}, {"1", "2"}});
  ExpectRows("\xEF\xBB\xBF", {});
  ExpectRows("\xEF\xBB\xBF\"x\"\n", {{"x"}});
  ExpectRows("x,\xEF\xBB\xBF\n", {{"x", "\xEF\xBB\xBF"}});  // only at the start
  ExpectRows("caf\xC3\xA9,\xE2\x82\xAC\n", {{"caf\xC3\xA9", "\xE2\x82\xAC"}});
}

TEST(CsvReader, LineNumbers) {
  Parsed p = ParseAll("h\n\n\"a\nb\"\nc\r\nd\n");
  ASSERT_FALSE(p.error);
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 3, 5, 6}));
}

TEST(CsvReader, Errors) {
  Parsed unclosed = ParseAll("a,b\n1,\"open\n2,3\n");
  ASSERT_TRUE(unclosed.error);
  EXPECT_EQ(unclosed.error->line, 2u);
  EXPECT_EQ(unclosed.error->message, "A quoted field is not closed before the end of the input");
  EXPECT_EQ(unclosed.rows.size(), 1u);

  Parsed junk = ParseAll("a\n\"x\"y,z\n");
  ASSERT_TRUE(junk.error);
  EXPECT_EQ(junk.error->line, 2u);
  EXPECT_EQ(junk.error->message, "Unexpected character after the closing quote of a field");

  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1000}}) {
    Parsed big = ParseAll("a,b\n" + std::string(50, 'x') + "\nc\n", chunk, 32);
    ASSERT_TRUE(big.error) << chunk;
    EXPECT_EQ(big.error->line, 2u);
    EXPECT_EQ(big.error->message, "A record is longer than 32 bytes");
    EXPECT_EQ(big.rows, (Rows{{"a", "b"}}));
  }

  CsvReader failing([](char*, size_t) -> ptrdiff_t { return -1; });
  CsvRecord r;
  EXPECT_FALSE(failing.Next(&r));
  ASSERT_TRUE(failing.error());
  EXPECT_EQ(failing.error()->message, "Reading the input failed");
}

TEST(CsvReader, TinyRecordLimit) {
  Parsed p = ParseAll("a\n", 1, 1);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->message, "A record is longer than 1 bytes");
  Parsed bom = ParseAll("\xEF\xBB\xBF\r\n", 1, 1);
  EXPECT_FALSE(bom.error);
  EXPECT_TRUE(bom.rows.empty());
}

// 3,000 random texts of up to 23 pieces of `alphabet`: how the input is split across reads never
// changes the separator, the records, the error or where it stops.
void ExpectSplitsAgree(uint32_t seed, std::span<const std::string> alphabet, char separator) {
  std::mt19937 rng(seed);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t len = rng() % 24;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    const Parsed whole = ParseAll(text, 1 << 20, 1 << 20, separator);
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}}) {
      const Parsed split = ParseAll(text, chunk, 1 << 20, separator);
      ASSERT_EQ(split.separator, whole.separator) << ::testing::PrintToString(text);
      ASSERT_EQ(split.rows, whole.rows) << ::testing::PrintToString(text) << " chunk " << chunk;
      ASSERT_EQ(split.lines, whole.lines) << ::testing::PrintToString(text);
      ASSERT_EQ(split.error.has_value(), whole.error.has_value()) << ::testing::PrintToString(text);
      if (whole.error) {
        EXPECT_EQ(split.error->line, whole.error->line);
        EXPECT_EQ(split.error->message, whole.error->message);
      }
    }
  }
}

// Random inputs of CSV's special characters.
TEST(CsvReader, SplittingNeverChangesTheResult) {
  const std::string alphabet[] = {"a", "b", ",", "\"", "\r", "\n", " ", "\xEF\xBB\xBF"};
  ExpectSplitsAgree(7, alphabet, ',');
}

TEST(CsvReader, Separator) {
  const std::string text = "a;\"b;c\"\n";
  CsvReader reader(StringSource(text, 4), 1 << 20, ';');
  CsvRecord r;
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.fields, (std::vector<std::string>{"a", "b;c"}));
  EXPECT_FALSE(reader.Next(&r));
  EXPECT_FALSE(reader.error());
}

// kDetectSeparator: parses `text` with every read size from 1 to 8 bytes and whole, expecting
// `want` and the separator `sep` each time.
void ExpectDetected(const std::string& text, char sep, const Rows& want) {
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{8}, size_t{1} << 20}) {
    Parsed p = ParseAll(text, chunk, 1 << 20, kDetectSeparator);
    EXPECT_FALSE(p.error) << "chunk " << chunk << ": " << p.error->message;
    EXPECT_EQ(p.separator, sep) << ::testing::PrintToString(text) << " chunk " << chunk;
    EXPECT_EQ(p.rows, want) << "chunk " << chunk;
  }
}

TEST(CsvReader, DetectsTheSeparatorFromTheHeader) {
  ExpectDetected("external_id;email;name\r\n1;a@b.com;Ann, Lee\r\n", ';',
                 {{"external_id", "email", "name"}, {"1", "a@b.com", "Ann, Lee"}});
  ExpectDetected("email\tname\nx@y.io\tAnn; Lee\n", '\t',
                 {{"email", "name"}, {"x@y.io", "Ann; Lee"}});
  ExpectDetected("a,b\n1;2,3\n", ',', {{"a", "b"}, {"1;2", "3"}});
  // Only the header counts: its separator holds for every record.
  ExpectDetected("a;b\n1,2\n", ';', {{"a", "b"}, {"1,2"}});
  // None at all (one column), a tie, more commas: ','.
  ExpectDetected("email\nx@y.io\n", ',', {{"email"}, {"x@y.io"}});
  ExpectDetected("a,b;c\n", ',', {{"a", "b;c"}});
  ExpectDetected("Name,Phone;Mobile,Email\n", ',', {{"Name", "Phone;Mobile", "Email"}});
  // Candidates inside quoted fields do not count; "" inside them is a quote.
  ExpectDetected("\"a,b\";\"c,\"\",d\"\n", ';', {{"a,b", "c,\",d"}});
  // A quote inside an unquoted field is a character, as the parser reads it.
  ExpectDetected("a\"b;c;d,e\n", ';', {{"a\"b", "c", "d,e"}});
  // After a byte order mark and blank lines; a quoted header field with a line break.
  ExpectDetected("\xEF\xBB\xBF\n\r\na;b\n", ';', {{"a", "b"}});
  ExpectDetected("\"first\nline\"\tb\n1\t2\n", '\t', {{"first\nline", "b"}, {"1", "2"}});
  ExpectDetected("x;y", ';', {{"x", "y"}});  // no line end
  ExpectDetected("", kDetectSeparator, {});  // no record: nothing to pick from
}

// Excel's "sep=X" first line names the separator; it is never a record.
TEST(CsvReader, SepLineNamesTheSeparator) {
  ExpectDetected("sep=;\r\na,b;c\n1;2\n", ';', {{"a,b", "c"}, {"1", "2"}});
  ExpectDetected("\xEF\xBB\xBFSEP=|\n\na|b\n", '|', {{"a", "b"}});
  ExpectDetected("sep=\t\ra\tb\n", '\t', {{"a", "b"}});
  ExpectDetected("sep=;", ';', {});
  // Not the line alone: a header that starts so.
  ExpectDetected("sep=;x,y\n", ',', {{"sep=;x", "y"}});
  ExpectDetected("sep=\n", ',', {{"sep="}});
  // A given separator wins; the line is still skipped.
  const Parsed p = ParseAll("sep=;\na,b\n", 3, 1 << 20, ',');
  EXPECT_FALSE(p.error);
  EXPECT_EQ(p.rows, (Rows{{"a", "b"}}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{2}));
}

TEST(CsvReader, DetectingTheSeparatorKeepsTheRecordLimit) {
  const Parsed p = ParseAll(std::string(100, 'a') + ";b\n", 7, 32, kDetectSeparator);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->message, "A record is longer than 32 bytes");
}

// As SplittingNeverChangesTheResult, with the separator detected and "sep=" lines.
TEST(CsvReader, SplittingNeverChangesTheDetectedSeparator) {
  const std::string alphabet[] = {"a", ",", ";", "\t", "\"", "\r", "\n", "sep="};
  ExpectSplitsAgree(11, alphabet, kDetectSeparator);
}

TEST(CsvReader, Utf16IsAnErrorThatSaysSo) {
  for (const std::string bom : {"\xFF\xFE", "\xFE\xFF"}) {
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{1} << 20}) {
      const Parsed p = ParseAll(bom + std::string("e\0m\0a\0i\0l\0\n\0", 12), chunk);
      ASSERT_TRUE(p.error) << chunk;
      EXPECT_EQ(p.error->line, 1u);
      EXPECT_EQ(p.error->message,
                "The file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
      EXPECT_TRUE(p.rows.empty());
    }
  }
}

TEST(CsvReader, LongRecordsGrowTheBuffer) {
  // Records longer than the first buffer (1 MiB), within max_record_bytes.
  const std::string big(3 << 20, 'y');
  const std::string text = "a,b\n\"" + big + "\"," + big + "\nend,x\n";
  CsvReader reader(StringSource(text, 100000), 8 << 20);
  CsvRecord r;
  ASSERT_TRUE(reader.Next(&r));
  ASSERT_TRUE(reader.Next(&r));
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0], big);
  EXPECT_EQ(r.fields[1], big);
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.fields, (std::vector<std::string>{"end", "x"}));
  EXPECT_FALSE(reader.Next(&r));
  EXPECT_FALSE(reader.error());
}

// 1M rows, about 150 MB, like an export: 12 columns, some quoted. Prints the speed.
TEST(CsvReader, SpeedOnAMillionRows) {
  std::string text =
      "id,external_id,name,email,phonenumber,stripe_accounts,created_at,"
      "updated_at,plan,ltv,vip,signup\r\n";
  constexpr int kRows = 1000000;
  text.reserve(size_t{160} << 20);
  for (int i = 0; i < kRows; ++i) {
    const std::string n = std::to_string(i);
    text += "contact_" + n + ",user_" + n + ",\"Rivera, Sam " + n + "\",sam" + n +
            "@example.com,'+1415555" + std::to_string(1000000 + i).substr(1) +
            ",,1763700000,1763700000,pro,12" + n + ".5,true,2026-11-21T10:00:00Z\r\n";
    if (i % 10 == 0) text += "\r\n";
  }
  CsvReader reader(StringSource(text, 1 << 16));
  CsvRecord r;
  size_t rows = 0, cells = 0, bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  while (reader.Next(&r)) {
    ++rows;
    cells += r.fields.size();
    for (const std::string& f : r.fields) bytes += f.size();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reader.error());
  EXPECT_EQ(rows, size_t{kRows} + 1);
  EXPECT_EQ(cells, rows * 12);
  EXPECT_EQ(r.fields[2], "Rivera, Sam 999999");
  std::printf("csv: %zu rows, %.1f MB in %.3f s: %.0f MB/s, %.0f rows/s (%zu bytes of cells)\n",
              rows, static_cast<double>(text.size()) / 1e6, took.count(),
              static_cast<double>(text.size()) / 1e6 / took.count(),
              static_cast<double>(rows) / took.count(), bytes);
}

}  // namespace
}  // namespace contactd::transfer
