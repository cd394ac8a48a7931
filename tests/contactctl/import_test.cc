// contactctl import against the real server: exit codes 0 and 1, the report file, stdin (sent
// chunked), the formats, mapping flags, dry runs, and the progress display with and without a
// terminal.
#include <regex>

#include "tests/contactctl/ctl_fixture.h"

namespace contactd::testing {
namespace {

class CtlImport : public CtlSuite<CtlImport> {
 protected:
  // n CSV rows u<first>..: external_id,name,email,plan.
  static std::string CsvRows(int first, int n) {
    std::string out;
    for (int i = first; i < first + n; ++i) {
      const std::string id = std::to_string(i);
      out.append("u").append(id).append(",\"Name, ").append(id).append("\",user").append(id);
      out.append("@example.com\r\n");
    }
    return out;
  }
  static constexpr const char* kHeader = "external_id,name,email\r\n";
};

TEST_F(CtlImport, CsvFileImportsAndExitsZero) {
  const std::string file = WriteFile("people.csv", std::string(kHeader) + CsvRows(1, 50));
  CtlResult r = Ctl({"import", file, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("import: 50 rows: 50 created, 0 updated, 0 unchanged, 0 failed in "),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no bar without a terminal";
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Total(), 50);
  EXPECT_EQ(GetOk("u7")["name"].str(), "Name, 7");
  EXPECT_FALSE(FileExists(file + ".report.json"));

  // Again: nothing changes (upsert by external_id).
  r = Ctl({"import", file, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("50 rows: 0 created, 0 updated, 50 unchanged, 0 failed"), std::string::npos)
      << Describe(r);
}

TEST_F(CtlImport, FailedRowsExitOneAndWriteTheReport) {
  const std::string file = WriteFile(
      "bad.csv", std::string(kHeader) + CsvRows(1, 3) + "u4,Bad,not-an-email\r\n" + CsvRows(5, 2));
  CtlResult r = Ctl({"import", file, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("6 rows: 5 created, 0 updated, 0 unchanged, 1 failed"), std::string::npos)
      << Describe(r);
  const std::string report_path = file + ".report.json";
  EXPECT_NE(r.err.find("report written to " + report_path), std::string::npos) << Describe(r);
  Json report(ReadFile(report_path));
  ASSERT_TRUE(report.valid()) << ReadFile(report_path);
  EXPECT_EQ(report["rows"].i64(), 6);
  EXPECT_EQ(report["created"].i64(), 5);
  EXPECT_EQ(report["failed"].i64(), 1);
  ASSERT_EQ(report["errors"].size(), 1u) << report.dump();
  EXPECT_EQ(report["errors"][0]["row"].i64(), 4) << report.dump();
  EXPECT_EQ(report["errors"][0]["field"].str(), "email") << report.dump();
  EXPECT_FALSE(report["errors"][0]["message"].str().empty());
  EXPECT_EQ(Total(), 5);

  // --report chooses the path.
  const std::string custom = tmp_.str() + "/custom-report.json";
  r = Ctl({"import", file, "--chatbot", bot_, "--report", custom});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_EQ(Json(ReadFile(custom))["failed"].i64(), 1) << ReadFile(custom);
}

TEST_F(CtlImport, DryRunWritesNothing) {
  const std::string file = WriteFile("dry.csv", std::string(kHeader) + CsvRows(1, 10));
  CtlResult r = Ctl({"import", file, "--chatbot", bot_, "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("10 rows: 10 created"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("(dry run: nothing written)"), std::string::npos) << Describe(r);
  EXPECT_EQ(Total(), 0);
}

TEST_F(CtlImport, MappingDefaultCountryAndGeneratedIds) {
  const std::string file = WriteFile("crm.csv",
                                     "Kunde,Handy,Mail,Notes\r\n"
                                     "k1,020 7946 0958,k1@example.com,first\r\n"
                                     ",07700 900123,anon@example.com,no id\r\n");
  CtlResult r =
      Ctl({"import", file, "--chatbot", bot_, "--map", "Kunde=external_id", "--map",
           "Handy=phonenumber", "--map", "Notes=", "--default-country", "GB", "--generate-ids"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("2 rows: 2 created"), std::string::npos) << Describe(r);
  Json k1 = GetOk("k1");
  EXPECT_EQ(k1["phonenumber"].str(), "+442079460958") << k1.dump();
  EXPECT_EQ(k1["email"].str(), "k1@example.com");
  EXPECT_EQ(Total(), 2);

  // The server refuses what only the flags said (an unknown column or field to map, an unknown
  // country): a usage error, exit 2 with the server's issue, and nothing written.
  r = Ctl({"import", file, "--chatbot", bot_, "--map", "Nope=email"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("map[Nope]"), std::string::npos) << Describe(r);
  r = Ctl({"import", file, "--chatbot", bot_, "--map", "Kunde=shoe_size"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("map[Kunde]: Unknown field 'shoe_size'"), std::string::npos) << Describe(r);
  r = Ctl(
      {"import", file, "--chatbot", bot_, "--map", "Kunde=external_id", "--default-country", "XX"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("default_country: Unknown country"), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(file + ".report.json"));
  EXPECT_EQ(Total(), 2);
}

TEST_F(CtlImport, UnmappedColumnsAreNamed) {
  const std::string file =
      WriteFile("extra.csv", "external_id,email,Favourite Colour\r\nx1,x1@example.com,blue\r\n");
  CtlResult r = Ctl({"import", file, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("unmapped columns (not imported; map them with --map COLUMN=FIELD): "
                       "Favourite Colour"),
            std::string::npos)
      << Describe(r);
}

TEST_F(CtlImport, SemicolonAndTabSeparatedFiles) {
  const std::string semi =
      WriteFile("excel.csv", "external_id;name;email\r\ns1;Lee, Ann;s1@x.io\r\n");
  CtlResult r = Ctl({"import", semi, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("import: columns separated by ';' (read from the header"), std::string::npos)
      << Describe(r);
  EXPECT_EQ(GetOk("s1")["name"].str(), "Lee, Ann");

  const std::string tabs = WriteFile("sheet.csv", "external_id\tname\ns2\tKim\n");
  r = Ctl({"import", tabs, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("import: columns separated by tabs"), std::string::npos) << Describe(r);
  EXPECT_EQ(GetOk("s2")["name"].str(), "Kim");

  // --separator wins over the header: here the whole header is one unmapped column.
  r = Ctl({"import", tabs, "--chatbot", bot_, "--separator", ","});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("unmapped columns (not imported; map them with --map COLUMN=FIELD): "
                       "external_id\tname"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.err.find("columns separated by"), std::string::npos) << Describe(r);
  EXPECT_EQ(Total(), 2);
}

TEST_F(CtlImport, JsonAndJsonlFiles) {
  const std::string json =
      WriteFile("c.json", R"([{"external_id":"j1","name":"A [b], {c}","email":"j1@example.com"},)"
                          "\n"
                          R"( {"external_id":"j2","custom_attributes":{}}])");
  CtlResult r = Ctl({"import", json, "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("2 rows: 2 created"), std::string::npos) << Describe(r);
  EXPECT_EQ(GetOk("j1")["name"].str(), "A [b], {c}");

  const std::string jsonl = WriteFile("c.data", R"({"external_id":"l1","name":"L1"})"
                                                "\n\n"
                                                R"({"external_id":"l2","email":"nope"})"
                                                "\n");
  r = Ctl({"import", jsonl, "--chatbot", bot_, "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("2 rows: 1 created, 0 updated, 0 unchanged, 1 failed"), std::string::npos)
      << Describe(r);
  EXPECT_EQ(Json(ReadFile(jsonl + ".report.json"))["errors"][0]["field"].str(), "email");
}

TEST_F(CtlImport, UnknownChatbotExitsThree) {
  const std::string file = WriteFile("a.csv", std::string(kHeader) + CsvRows(1, 2));
  CtlResult r = Ctl({"import", file, "--chatbot", "no_such_bot"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 404: Resource not found\n  There is no chatbot \"no_such_bot\""),
            std::string::npos)
      << Describe(r);
  EXPECT_FALSE(FileExists(file + ".report.json"));
}

TEST_F(CtlImport, BrokenFileStopsWithAReportAndExitsOne) {
  // An unterminated quoted field: the file cannot be read past row 3.
  const std::string file =
      WriteFile("broken.csv", std::string(kHeader) + CsvRows(1, 2) + "u3,\"never closed\r\n");
  CtlResult r = Ctl({"import", file, "--chatbot", bot_});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 400: Import stopped at row"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("report written to " + file + ".report.json"), std::string::npos)
      << Describe(r);
  Json report(ReadFile(file + ".report.json"));
  EXPECT_TRUE(report.has("rows")) << report.dump();
  EXPECT_TRUE(report.has("errors")) << report.dump();
}

TEST_F(CtlImport, StdinIsSentChunkedWithPlainProgressLines) {
  // Two parts, the second once a progress line (one every 2 s) has shown the first: stdin stalls
  // meanwhile, for as long as that takes (a fixed pause could end before a loaded machine's line).
  CtlRun run;
  run.stdin_parts = {std::string(kHeader) + CsvRows(1, 100), CsvRows(101, 100) + "u999,X,bad\r\n"};
  run.next_part_after_stderr = "import: 100 rows, ";
  CtlResult r = Ctl({"import", "-", "--chatbot", bot_, "--format", "csv"}, run);
  ASSERT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("(^|\n)import: 100 rows, [0-9]+ rows/s\n")))
      << Describe(r);
  EXPECT_NE(r.err.find("import: 201 rows: 200 created, 0 updated, 0 unchanged, 1 failed"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << Describe(r);
  // The default report of stdin is import-report.json in the working directory.
  EXPECT_NE(r.err.find("report written to import-report.json"), std::string::npos);
  EXPECT_EQ(Json(ReadFile(tmp_.str() + "/import-report.json"))["failed"].i64(), 1);
  EXPECT_EQ(Total(), 200);
}

TEST_F(CtlImport, ProgressBarOnATerminal) {
  // The client counts rows itself: a line break inside a quoted cell does not end a row.
  const std::string file = WriteFile(
      "tty.csv", "external_id,name,email,Notes\r\n" +
                     std::string("q1,Q,q1@example.com,\"two\r\nlines, \"\"quoted\"\"\"\r\n") +
                     "q2,Q,q2@example.com,\"\"\r\n");
  CtlRun run;
  run.pty = true;
  CtlResult r = Ctl({"import", file, "--chatbot", bot_}, run);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  // The final bar: redrawn over the line with '\r', complete, with the row count.
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\rimport \\[#{24}\\] 100%  2 rows  [0-9,]+ rows/s  ETA 0:00")))
      << Describe(r);
  EXPECT_NE(r.out.find("import: 2 rows: 2 created"), std::string::npos) << Describe(r);
  EXPECT_FALSE(std::regex_search(r.out, std::regex("import: [0-9]+ rows, "))) << "no plain lines";

  // A JSON array: brackets, braces, commas and escaped quotes inside strings are not elements.
  const std::string json = WriteFile(
      "tty.json",
      R"j([{"external_id":"t1","name":"a\"],[{\\"}, {"external_id":"t2",)j"
      R"j("stripe_accounts":[{"label":"x","stripe_id":"cus_1"}]},{"external_id":"t3"}])j");
  r = Ctl({"import", json, "--chatbot", bot_}, run);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\rimport \\[#{24}\\] 100%  3 rows  ")))
      << Describe(r);
  EXPECT_EQ(GetOk("t1")["name"].str(), "a\"],[{\\");
}

}  // namespace
}  // namespace contactd::testing
