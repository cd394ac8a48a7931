// contactctl export against the real server: to a file and to stdout, each format, filters, an
// unknown chatbot, the progress bar on a terminal, and an export -> import round trip.
#include <regex>

#include "tests/contactctl/ctl_fixture.h"

namespace contactd::testing {
namespace {

class CtlExport : public CtlSuite<CtlExport> {
 protected:
  // Upserts n contacts e1..en; those with an even number get an @even.test email.
  void Seed(int n) {
    std::string items;
    for (int i = 1; i <= n; ++i) {
      if (!items.empty()) items += ",";
      const std::string id = std::to_string(i);
      items.append("{\"external_id\":\"e").append(id).append("\",\"name\":\"Person ").append(id);
      items.append("\",\"email\":\"p").append(id).append(i % 2 == 0 ? "@even.test" : "@odd.test");
      items.append("\"}");
    }
    UpsertOk(items);
  }
};

TEST_F(CtlExport, CsvToAFile) {
  Seed(40);
  const std::string out = tmp_.str() + "/all.csv";
  CtlResult r = Ctl({"export", "--chatbot", bot_, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("export: 40 rows, "), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(out + ".partial"));
  const std::string csv = ReadFile(out);
  std::vector<std::string> lines = Lines(csv);
  ASSERT_EQ(lines.size(), 41u) << csv;
  EXPECT_EQ(lines[0].rfind("id,external_id,name,email,phonenumber", 0), 0u) << lines[0];
  EXPECT_NE(csv.find(",e17,Person 17,p17@odd.test,"), std::string::npos) << csv;

  // --bom: the same file, led by a UTF-8 byte order mark (for Excel).
  const std::string excel = tmp_.str() + "/excel.csv";
  r = Ctl({"export", "--chatbot", bot_, "-o", excel, "--bom"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("export: 40 rows, "), std::string::npos) << Describe(r);
  EXPECT_EQ(ReadFile(excel), "\xEF\xBB\xBF" + csv);
}

TEST_F(CtlExport, JsonlToStdoutWithAFilter) {
  Seed(30);
  CtlResult r = Ctl({"export", "--chatbot", bot_, "--format", "jsonl", "--filter",
                     "email:ends_with=@even.test", "--sort", "name", "--order", "asc"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 15u) << r.out;
  for (const std::string& line : lines) {
    Json c(line);
    EXPECT_NE(c["email"].str().find("@even.test"), std::string::npos) << line;
  }
  EXPECT_EQ(Json(lines[0])["external_id"].str(), "e10");  // "Person 10" sorts first
  EXPECT_NE(r.err.find("export: 15 rows, "), std::string::npos) << Describe(r);

  // --q and an equality filter.
  r = Ctl({"export", "--chatbot", bot_, "--format", "jsonl", "--q", "Person 2", "--filter",
           "external_id=e2"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  ASSERT_EQ(Lines(r.out).size(), 1u) << r.out;
  EXPECT_EQ(Json(r.out)["external_id"].str(), "e2");
}

TEST_F(CtlExport, JsonFormatFromTheFileName) {
  Seed(5);
  const std::string out = tmp_.str() + "/all.json";
  CtlResult r = Ctl({"export", "--chatbot", bot_, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  Json all(ReadFile(out));
  ASSERT_EQ(all.size(), 5u) << ReadFile(out);
  EXPECT_NE(r.err.find("export: 5 rows, "), std::string::npos) << Describe(r);
}

TEST_F(CtlExport, UnknownChatbotExitsThreeBadFilterTwoAndNeitherLeavesAFile) {
  const std::string out = tmp_.str() + "/none.csv";
  CtlResult r = Ctl({"export", "--chatbot", "no_such_bot", "-o", out});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("export: HTTP 404: Resource not found\n  There is no chatbot "
                       "\"no_such_bot\" that this key can see"),
            std::string::npos)
      << Describe(r);
  EXPECT_FALSE(FileExists(out));
  EXPECT_FALSE(FileExists(out + ".partial"));

  // A filter the server refuses is the command line's fault: usage.
  r = Ctl({"export", "--chatbot", bot_, "--filter", "shoe_size:gt=3", "-o", out});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("shoe_size"), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(out));
  r = Ctl({"export", "--chatbot", bot_, "--sort", "bogus", "-o", out});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("sort: Unknown field 'bogus'"), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(out));
}

TEST_F(CtlExport, ProgressBarOnATerminal) {
  Seed(25);
  CtlRun run;
  run.pty = true;
  CtlResult r = Ctl({"export", "--chatbot", bot_, "-o", tmp_.str() + "/tty.csv"}, run);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\rexport \\[#{24}\\] 100%  25 rows  ")))
      << Describe(r);
}

TEST_F(CtlExport, RoundTripThroughContactctl) {
  DefineAttribute(*api_, bot_, "plan", "text");
  UpsertOk(R"j({"external_id":"r1","name":"=SUM(A1)","email":"r1@example.com",)j"
           R"j("phonenumber":"+14155550100","custom_attributes":{"plan":"pro, \"gold\""}},)j"
           R"j({"external_id":"r2","name":"Smith, \"Jr\" -1"})j");
  const std::string out = tmp_.str() + "/rt.csv";
  CtlResult r = Ctl({"export", "--chatbot", bot_, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);

  const std::string target = NewChatbot(*api_);
  DefineAttribute(*api_, target, "plan", "text");
  r = Ctl({"import", out, "--chatbot", target});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("2 rows: 2 created"), std::string::npos) << Describe(r);
  for (const char* id : {"r1", "r2"}) {
    Json a = GetOk(id);
    HttpResult got = api_->Get(ContactPath(target, id));
    ASSERT_TRUE(IsSuccess(got));
    Json b = Json(got.body)["data"];
    for (const char* field : {"name", "email", "phonenumber"}) {
      EXPECT_EQ(a[field].dump(), b[field].dump()) << id << " " << field;
    }
    EXPECT_EQ(a["custom_attributes"].dump(), b["custom_attributes"].dump()) << id;
  }
}

}  // namespace
}  // namespace contactd::testing
