// Black-box tests of POST /contacts/import and GET /contacts/export (and PATCH /chatbots/{id}'s
// default_country) against the real contactd binary.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/transfer/csv_reader.h"
#include "tests/integration/it_helpers.h"
#include "tests/integration/stream_client.h"
#include "tests/support/sanitizers.h"

namespace contactd::testing {
namespace {

using namespace std::string_literals;

using Rows = std::vector<std::vector<std::string>>;

// Parses CSV text with the server's own reader (RFC 4180, checked by its own tests).
Rows ParseCsv(const std::string& text) {
  size_t at = 0;
  transfer::CsvReader reader([&](char* buf, size_t size) -> ptrdiff_t {
    const size_t n = std::min(size, text.size() - at);
    std::memcpy(buf, text.data() + at, n);
    at += n;
    return static_cast<ptrdiff_t>(n);
  });
  Rows rows;
  transfer::CsvRecord record;
  while (reader.Next(&record)) rows.push_back(record.fields);
  EXPECT_FALSE(reader.error().has_value()) << reader.error()->message;
  return rows;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// A contact object without the server's fields (id, created_at, updated_at).
std::string WithoutServerFields(const std::string& contact_json) {
  static const std::regex kId(R"re("id":"contact_[0-9]+",)re");
  static const std::regex kTimes(R"re(,"created_at":[0-9]+,"updated_at":[0-9]+)re");
  return std::regex_replace(std::regex_replace(contact_json, kId, ""), kTimes, "");
}

// Kilobytes from a /proc/<pid>/status line ("VmRSS:", "VmHWM:").
int64_t ProcStatusKb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size()));
  }
  return -1;
}

// Samples a process's VmRSS every few milliseconds while alive; max() is the peak seen.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid) : pid_(pid), peak_(ProcStatusKb(pid, "VmRSS:")) {
    thread_ = std::thread([this] {
      while (!stop_) {
        peak_ = std::max<int64_t>(peak_, ProcStatusKb(pid_, "VmRSS:"));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  ~RssSampler() { Stop(); }
  int64_t Stop() {
    if (!stop_.exchange(true)) thread_.join();
    return peak_;
  }

 private:
  pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_;
  std::thread thread_;
};

class ImportExport : public ChatbotSuite<ImportExport> {
 protected:
  std::string ImportPath(std::string_view bot, std::string_view query = "") {
    return ContactsPath(bot) + "/import" + (query.empty() ? "" : "?" + std::string(query));
  }
  std::string ExportPath(std::string_view bot, std::string_view query = "") {
    return ContactsPath(bot) + "/export" + (query.empty() ? "" : "?" + std::string(query));
  }
  HttpResult Import(std::string_view body, std::string_view content_type,
                    std::string_view query = "", std::string_view bot = "") {
    return api_->Send("POST", ImportPath(bot.empty() ? bot_ : bot, query), body,
                      {{"Content-Type", std::string(content_type)}});
  }
  // Imports and returns `data` (the report), failing the test on an error.
  Json ImportOk(std::string_view body, std::string_view content_type, std::string_view query = "",
                std::string_view bot = "") {
    HttpResult r = Import(body, content_type, query, bot);
    EXPECT_TRUE(IsSuccess(r)) << r.body.substr(0, 2000);
    return Json(r.body)["data"];
  }
  HttpResult Export(std::string_view query, std::string_view bot = "") {
    return api_->Get(ExportPath(bot.empty() ? bot_ : bot, query));
  }
};

// --- chatbot default_country ---

TEST_F(ImportExport, ChatbotDefaultCountryIsSetRenderedAndCleared) {
  HttpResult r = api_->Get("/api/v1/chatbots/" + bot_);
  EXPECT_TRUE(Json(r.body)["data"]["default_country"].is_null()) << r.body;
  r = api_->Patch("/api/v1/chatbots/" + bot_, R"({"default_country":"gb","name":"Renamed"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"]["default_country"].str(), "GB");
  EXPECT_EQ(Json(r.body)["data"]["name"].str(), "Renamed");
  EXPECT_EQ(Json(api_->Get("/api/v1/chatbots/" + bot_).body)["data"]["default_country"].str(),
            "GB");
  r = api_->Patch("/api/v1/chatbots/" + bot_, R"({"default_country":"XX"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Issues(r).at(0).first, "default_country");
  r = api_->Patch("/api/v1/chatbots/" + bot_, R"({"id":"other"})");
  EXPECT_EQ(Issues(r), (IssueList{{"id", "Cannot be changed"}}));
  r = api_->Patch("/api/v1/chatbots/" + bot_, R"({"default_country":null})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_TRUE(Json(r.body)["data"]["default_country"].is_null());

  const std::string id = UniqueId("withcountry");
  r = api_->Post("/api/v1/chatbots", R"({"id":")" + id + R"(","name":"C","default_country":"US"})");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_EQ(Json(r.body)["data"]["default_country"].str(), "US");
}

// --- CSV import ---

TEST_F(ImportExport, CsvAutoMapsRealLookingHeadersAndReportsUnmappedColumns) {
  DefineAttribute(*api_, bot_, "plan", "text");
  const std::string csv =
      "\xEF\xBB\xBF"
      "Customer ID,First Name,Last Name,E-mail Address,Mobile Phone,Plan,Favourite colour\r\n"
      "c-1,Sam,Rivera,sam@acme.com,(415) 555-0100,pro,green\r\n"
      "c-2,Ana,\"O'Neil, Jr\",ana@acme.com,+44 7400 123456,free,blue\r\n";
  Json data = ImportOk(csv, "text/csv; charset=utf-8", "default_country=US");
  EXPECT_EQ(data["rows"].i64(), 2);
  EXPECT_EQ(data["created"].i64(), 2);
  EXPECT_EQ(data["failed"].i64(), 0);
  EXPECT_EQ(data["errors"].size(), 0u);
  EXPECT_FALSE(data["dry_run"].boolean());
  EXPECT_FALSE(data["errors_truncated"].boolean());
  EXPECT_EQ(data["columns"]["unmapped"].size(), 1u);
  EXPECT_EQ(data["columns"]["unmapped"][0].str(), "Favourite colour");
  std::set<std::pair<std::string, std::string>> mapped;
  for (size_t i = 0; i < data["columns"]["mapped"].size(); ++i) {
    mapped.emplace(data["columns"]["mapped"][i]["column"].str(),
                   data["columns"]["mapped"][i]["field"].str());
  }
  EXPECT_TRUE(mapped.count({"E-mail Address", "email"})) << data.dump();
  EXPECT_TRUE(mapped.count({"Customer ID", "external_id"})) << data.dump();

  Json sam = GetOk("c-1");
  EXPECT_EQ(sam["name"].str(), "Sam Rivera");
  EXPECT_EQ(sam["email"].str(), "sam@acme.com");
  EXPECT_EQ(sam["phonenumber"].str(), "+14155550100");
  EXPECT_EQ(sam["custom_attributes"]["plan"].str(), "pro");
  Json ana = GetOk("c-2");
  EXPECT_EQ(ana["name"].str(), "Ana O'Neil, Jr");
  EXPECT_EQ(ana["phonenumber"].str(), "+447400123456");
}

TEST_F(ImportExport, CsvExplicitMapOverridesAutomaticMapping) {
  const std::string csv = "Ref,Mail,Tel,Email\nr1,a@x.io,+1 415 555 0101,ignored@x.io\n";
  Json data = ImportOk(csv, "text/csv",
                       "map%5BRef%5D=external_id&map%5BMail%5D=email&map%5BTel%5D=phonenumber&"
                       "map%5BEmail%5D=");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["columns"]["ignored"].size(), 1u) << data.dump();
  Json c = GetOk("r1");
  EXPECT_EQ(c["email"].str(), "a@x.io");
  EXPECT_EQ(c["phonenumber"].str(), "+14155550101");

  HttpResult r = Import(csv, "text/csv", "map%5BNope%5D=email");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Total(), 1);
}

// Spreadsheets in European locales save "CSV" with ';', and copies out of them are
// tab-separated: the header tells which, and ?separator= says it outright.
TEST_F(ImportExport, CsvSeparatorIsDetectedFromTheHeaderOrGiven) {
  Json data = ImportOk("Customer ID;E-mail;Full Name\r\ns-1;s1@x.io;Lee, Ann\r\n", "text/csv");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["columns"]["separator"].str(), ";");
  EXPECT_EQ(data["columns"]["unmapped"].size(), 0u) << data.dump();
  EXPECT_EQ(GetOk("s-1")["name"].str(), "Lee, Ann");

  data = ImportOk("external_id\temail\ns-2\ts2@x.io\n", "text/csv");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["columns"]["separator"].str(), "\t");
  EXPECT_EQ(GetOk("s-2")["email"].str(), "s2@x.io");
  EXPECT_EQ(ImportOk("external_id,email\ns-3,s3@x.io\n", "text/csv")["columns"]["separator"].str(),
            ",");

  // Excel's "sep=" line names it; rows keep their lines in the file.
  data = ImportOk("sep=;\r\nexternal_id;email\r\ns-6;s6@x.io\r\ns-7;not-an-email\r\n", "text/csv");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["columns"]["separator"].str(), ";");
  EXPECT_EQ(data["errors"][0]["row"].i64(), 2) << data.dump();
  EXPECT_EQ(data["errors"][0]["line"].i64(), 4) << data.dump();

  // Given: the header is split by it, whatever it holds most.
  data = ImportOk("external_id;name,x\ns-4;Ray, Bo\n", "text/csv", "separator=%3B");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["columns"]["unmapped"][0].str(), "name,x");
  data = ImportOk("external_id\tname\ns-5\tKim\n", "text/csv", "separator=tab");
  EXPECT_EQ(GetOk("s-5")["name"].str(), "Kim");

  HttpResult r = Import("a\n", "text/csv", "separator=%7C");
  EXPECT_EQ(Issues(r), (IssueList{{"separator", "Expected , or ; or tab"}}));
  r = Import("[]", "application/json", "separator=%3B");
  EXPECT_EQ(Issues(r), (IssueList{{"separator", "The separator is for CSV imports"}}));
  EXPECT_EQ(Total(), 6);
}

// Files in other encodings: UTF-16 is refused with a message that says so; Latin-1 bytes in the
// header come back in the report as U+FFFD (the answer stays valid JSON).
TEST_F(ImportExport, CsvInOtherEncodingsGetsClearAnswers) {
  HttpResult r = Import(
      "\xFF\xFE"
      "e\0m\0a\0i\0l\0\n\0"s,
      "text/csv");
  EXPECT_TRUE(IsError(r, 400,
                      "Malformed CSV at line 1: The file is UTF-16 (it starts with a UTF-16 byte "
                      "order mark); save it as UTF-8"))
      << r.body;
  Json data = ImportOk("external_id,Pr\xE9nom\nl-1,Ren\xE9\nl-2,Bo\n", "text/csv");
  ASSERT_TRUE(data.valid());
  EXPECT_EQ(data["columns"]["unmapped"][0].str(), "Pr\xEF\xBF\xBDnom") << data.dump();
  EXPECT_EQ(data["created"].i64(), 2) << data.dump();
  EXPECT_EQ(Total(), 2);
}

TEST_F(ImportExport, PhoneNumbersUseTheImportCountryElseTheChatbots) {
  const std::string csv = "external_id,phonenumber\np1,07400 123456\n";
  // No country anywhere: a row error on the phone number.
  Json data = ImportOk(csv, "text/csv");
  EXPECT_EQ(data["failed"].i64(), 1);
  EXPECT_EQ(data["errors"][0]["field"].str(), "phonenumber");
  EXPECT_EQ(data["errors"][0]["row"].i64(), 1);
  EXPECT_EQ(data["errors"][0]["line"].i64(), 2);
  ASSERT_TRUE(IsSuccess(api_->Patch("/api/v1/chatbots/" + bot_, R"({"default_country":"GB"})")));
  data = ImportOk(csv, "text/csv");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(GetOk("p1")["phonenumber"].str(), "+447400123456");
  // The import's country beats the chatbot's.
  data = ImportOk("external_id,phonenumber\np2,(415) 555-0102\n", "text/csv", "default_country=us");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(GetOk("p2")["phonenumber"].str(), "+14155550102");
  HttpResult r = Import(csv, "text/csv", "default_country=ZZ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Issues(r).at(0).first, "default_country");
}

TEST_F(ImportExport, RowErrorsNameRowLineAndFieldAndValidRowsStillImport) {
  DefineAttribute(*api_, bot_, "ltv", "number");
  const std::string csv =
      "external_id,name,email,ltv,notes\n"
      "ok1,\"A, B\",ok1@x.io,10,\"Two\nLines\"\n"  // row 1, lines 2-3
      "bad1,B,not-an-email,5,\n"                   // row 2, line 4
      ",No Id,noid@x.io,1,\n"                      // row 3, line 5
      "bad2,C,c@x.io,lots,\n"                      // row 4, line 6
      "ok2,D,ok2@x.io,,\n";                        // row 5, line 7
  Json data = ImportOk(csv, "text/csv");
  EXPECT_EQ(data["rows"].i64(), 5);
  EXPECT_EQ(data["created"].i64(), 2);
  EXPECT_EQ(data["failed"].i64(), 3);
  ASSERT_EQ(data["errors"].size(), 3u) << data.dump();
  EXPECT_EQ(data["errors"][0]["row"].i64(), 2);
  EXPECT_EQ(data["errors"][0]["line"].i64(), 4);
  EXPECT_EQ(data["errors"][0]["field"].str(), "email");
  EXPECT_EQ(data["errors"][1]["row"].i64(), 3);
  EXPECT_EQ(data["errors"][1]["line"].i64(), 5);
  EXPECT_EQ(data["errors"][1]["field"].str(), "external_id");
  EXPECT_EQ(data["errors"][2]["row"].i64(), 4);
  EXPECT_EQ(data["errors"][2]["field"].str(), "custom_attributes.ltv");
  EXPECT_EQ(GetOk("ok1")["name"].str(), "A, B");
  EXPECT_EQ(data["columns"]["unmapped"][0].str(), "notes");
  EXPECT_EQ(Total(), 2);

  // max_errors bounds the list, not the count.
  data = ImportOk(csv, "text/csv", "max_errors=1");
  EXPECT_EQ(data["failed"].i64(), 3);
  EXPECT_EQ(data["errors"].size(), 1u);
  EXPECT_TRUE(data["errors_truncated"].boolean());

  // generate_ids gives the row without an id a generated one.
  data = ImportOk(csv, "text/csv", "generate_ids=true");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["failed"].i64(), 2);
  EXPECT_EQ(Total(), 3);
}

TEST_F(ImportExport, DryRunWritesNothingAndRerunIsIdempotent) {
  std::string csv = "external_id,email\n";
  for (int i = 0; i < 2500; ++i) {
    csv += "u" + std::to_string(i) + ",u" + std::to_string(i) + "@x.io\n";
  }
  Json data = ImportOk(csv, "text/csv", "dry_run=true");
  EXPECT_TRUE(data["dry_run"].boolean());
  EXPECT_EQ(data["created"].i64(), 2500);
  EXPECT_EQ(Total(), 0);
  data = ImportOk(csv, "text/csv");
  EXPECT_EQ(data["created"].i64(), 2500);
  EXPECT_EQ(Total(), 2500);
  data = ImportOk(csv, "text/csv");
  EXPECT_EQ(data["created"].i64(), 0);
  EXPECT_EQ(data["updated"].i64(), 0);
  EXPECT_EQ(data["unchanged"].i64(), 2500);
  EXPECT_EQ(Total(), 2500);
}

TEST_F(ImportExport, LaterRowOfTheFileUpdatesTheEarlierOne) {
  Json data = ImportOk("external_id,name\nsame,First\nsame,Second\n", "text/csv");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["updated"].i64(), 1) << data.dump();
  EXPECT_EQ(GetOk("same")["name"].str(), "Second");
}

// --- JSON and JSONL import ---

TEST_F(ImportExport, JsonArrayAndJsonlImports) {
  DefineAttribute(*api_, bot_, "plan", "text");
  Json data = ImportOk(
      "[\n {\"external_id\":\"j1\",\"name\":\"A [b], {c}\",\"custom_attributes\":{\"plan\":\"x\"}},"
      "\n {\"external_id\":\"j2\",\"email\":\"bad\"},\n {\"external_id\":\"j3\",\"nick\":1}\n]",
      "application/json");
  EXPECT_EQ(data["created"].i64(), 1) << data.dump();
  EXPECT_EQ(data["failed"].i64(), 2);
  EXPECT_FALSE(data.has("columns"));
  ASSERT_EQ(data["errors"].size(), 2u) << data.dump();
  EXPECT_EQ(data["errors"][0]["row"].i64(), 2);
  EXPECT_EQ(data["errors"][0]["field"].str(), "email");
  EXPECT_EQ(data["errors"][1]["field"].str(), "nick");
  EXPECT_EQ(GetOk("j1")["name"].str(), "A [b], {c}");

  data = ImportOk(
      "{\"external_id\":\"l1\",\"phonenumber\":\"020 7946 0000\"}\r\n\n"
      "{\"external_id\":\"l2\",\"name\":\"quote \\\" brace }\"}\n"
      "not json\n",
      "application/x-ndjson", "default_country=GB");
  EXPECT_EQ(data["created"].i64(), 2) << data.dump();
  EXPECT_EQ(data["failed"].i64(), 1);
  EXPECT_EQ(data["errors"][0]["row"].i64(), 3);
  EXPECT_EQ(data["errors"][0]["line"].i64(), 4);
  EXPECT_EQ(GetOk("l1")["phonenumber"].str(), "+442079460000");
  EXPECT_EQ(GetOk("l2")["name"].str(), "quote \" brace }");
  // ?format= beats the Content-Type.
  data = ImportOk("{\"external_id\":\"l3\"}", "text/plain", "format=jsonl");
  EXPECT_EQ(data["created"].i64(), 1);
}

TEST_F(ImportExport, BadParametersAndFormatsAreClearErrors) {
  HttpResult r = Import("a,b\n", "text/plain");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Issues(r).at(0).first, "Content-Type");
  r = api_->Send("POST", ImportPath(bot_), "x");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Issues(r).at(0).first, "format");
  r = Import("[]", "application/json", "frobnicate=1");
  EXPECT_EQ(Issues(r), (IssueList{{"frobnicate", "Unknown query parameter"}}));
  r = Import("[]", "application/json", "max_errors=100001");
  EXPECT_EQ(Issues(r).at(0).first, "max_errors");
  r = Import("[]", "application/json", "map%5Ba%5D=email");
  EXPECT_EQ(r.status, 400);
  r = Import("[]", "application/json", "", "no-such-bot");
  EXPECT_TRUE(IsError(r, 404, "Resource not found"));
  Json data = ImportOk("[]", "application/json");
  EXPECT_EQ(data["rows"].i64(), 0);
}

// --- fatal problems mid-file ---

TEST_F(ImportExport, MalformedCsvMidFileKeepsEarlierBatchesAndAnswersWithTheReport) {
  std::string csv = "external_id,name\n";
  for (int i = 0; i < 2500; ++i) csv += "m" + std::to_string(i) + ",N\n";
  csv += "broken,\"never closed\nm-last,N\n";
  HttpResult r = Import(csv, "text/csv");
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 500);
  Json j(r.body);
  EXPECT_EQ(j["message"].str().rfind("Import stopped at row 2501: ", 0), 0u) << j["message"].str();
  EXPECT_NE(j["message"].str().find("re-running the import is safe"), std::string::npos);
  EXPECT_EQ(j["data"]["created"].i64(), 2500);
  EXPECT_EQ(j["data"]["rows"].i64(), 2500);
  EXPECT_EQ(Total(), 2500);
}

TEST_F(ImportExport, MalformedJsonMidFileAndTooLargeElement) {
  std::string json = "[";
  for (int i = 0; i < 1500; ++i) json += "{\"external_id\":\"k" + std::to_string(i) + "\"},";
  json += "{\"external_id\":\"k-x\"} garbage]";
  HttpResult r = Import(json, "application/json");
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 500);
  EXPECT_EQ(Json(r.body)["data"]["created"].i64(), 1501) << r.body.substr(0, 500);
  EXPECT_EQ(Total(), 1501);

  std::string big = "{\"external_id\":\"big1\"}\n{\"external_id\":\"big2\",\"name\":\"" +
                    std::string(1100000, 'a') + "\"}\n";
  r = Import(big, "application/x-ndjson");
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 500);
  EXPECT_EQ(Json(r.body)["data"]["created"].i64(), 1);
  EXPECT_NE(Json(r.body)["message"].str().find("row 2"), std::string::npos);
}

// A client that stops sending mid-body: the rows before are imported and the answer is 408 with
// the report.
TEST(ImportTransport, StalledUploadGets408WithTheReport) {
  auto server = StartServer(SmallServerFlags({"--read-timeout", "1s"}));
  ASSERT_NE(server, nullptr);
  Client admin(server->process.port(), server->process.operator_key());
  const std::string bot = NewChatbot(admin);
  StreamClient sc(server->process.port());
  ASSERT_TRUE(sc.SendHead(
      "POST", ContactsPath(bot) + "/import",
      {{"Authorization", "Bearer " + server->process.operator_key()}, {"Content-Type", "text/csv"}},
      true));
  // Enough rows that the server has parsed many before it waits for more (its CSV reader fills
  // 1 MiB buffers); where exactly it stops depends on buffer boundaries.
  std::string csv = "external_id\n";
  for (int i = 0; i < 150000; ++i) csv += "stalled" + std::to_string(i) + "\n";
  ASSERT_TRUE(sc.SendChunk(csv));
  StreamResult r = sc.ReadResponse();  // no more bytes: the read timeout fires
  EXPECT_EQ(r.status, 408) << r.error << r.body;
  Json j(r.body);
  const int64_t rows = j["data"]["rows"].i64();
  EXPECT_GT(rows, 10000) << r.body.substr(0, 300);
  EXPECT_EQ(j["message"].str(), "Import stopped at row " + std::to_string(rows + 1) +
                                    ": Request timed out. Rows before it were imported; "
                                    "re-running the import is safe.");
  EXPECT_EQ(j["data"]["created"].i64(), rows);
  EXPECT_EQ(Json(admin.Get(ContactsPath(bot)).body)["total"].i64(), rows);
}

// --- export ---

TEST_F(ImportExport, ExportsEachFormatWithFiltersSortAndTotal) {
  DefineAttribute(*api_, bot_, "plan", "text");
  UpsertOk(
      R"json({"external_id":"e1","name":"=SUM(A1)","email":"e1@x.io","custom_attributes":{"plan":"pro"}},
              {"external_id":"e2","name":"Bo","email":"e2@x.io","custom_attributes":{"plan":"free"}},
              {"external_id":"e3","name":"Cy","custom_attributes":{"plan":"pro"}})json");
  HttpResult r =
      Export("format=csv&filter%5Bcustom_attributes.plan%5D=pro&sort=external_id&order=desc");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["x-total-count"], "2");
  EXPECT_EQ(r.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(r.headers["content-disposition"], "attachment; filename=\"" + bot_ + "-contacts.csv\"");
  Rows rows = ParseCsv(r.body);
  ASSERT_EQ(rows.size(), 3u) << r.body;
  EXPECT_EQ(rows[0][1], "external_id");
  EXPECT_EQ(rows[0].back(), "plan");
  EXPECT_EQ(rows[1][1], "e3");
  EXPECT_EQ(rows[2][1], "e1");
  EXPECT_EQ(rows[2][2], "'=SUM(A1)");  // formula escaping, visible to a spreadsheet
  EXPECT_NE(r.body.find("'=SUM(A1)"), std::string::npos);

  // For Excel: the same file led by a UTF-8 byte order mark, which an import skips.
  const std::string plain = r.body;
  r = Export(
      "format=csv&bom=true&filter%5Bcustom_attributes.plan%5D=pro&sort=external_id&order=desc");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "\xEF\xBB\xBF" + plain);
  const std::string copy = NewChatbot(*api_);
  DefineAttribute(*api_, copy, "plan", "text");
  EXPECT_EQ(ImportOk(r.body, "text/csv", "", copy)["created"].i64(), 2);
  EXPECT_EQ(Export("format=csv&bom=false").body.substr(0, 3), "id,");
  EXPECT_EQ(Issues(Export("format=json&bom=true")),
            (IssueList{{"bom", "A byte order mark is for CSV exports (JSON has none)"}}));
  EXPECT_EQ(Issues(Export("format=csv&bom=yes")), (IssueList{{"bom", "Expected true or false"}}));

  r = Export("format=jsonl&sort=external_id");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(r.headers["x-total-count"], "3");
  std::vector<std::string> lines = Lines(r.body);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Json(lines[0])["external_id"].str(), "e1");
  EXPECT_EQ(Json(lines[0])["name"].str(), "=SUM(A1)");
  EXPECT_EQ(Json(lines[0]).dump(), GetOk("e1").dump());  // exactly as the API renders it

  r = Export("q=Bo");  // JSON by default
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  Json arr(r.body);
  ASSERT_EQ(arr.size(), 1u) << r.body;
  EXPECT_EQ(arr[0]["external_id"].str(), "e2");

  EXPECT_EQ(Export("format=xml").status, 400);
  EXPECT_EQ(Issues(Export("page=2")).at(0).first, "page");
  EXPECT_EQ(Export("filter%5Bnope%5D=1").status, 400);
  EXPECT_TRUE(IsError(Export("", "no-such-bot"), 404, "Resource not found"));
  r = Export("format=json&filter%5Bcustom_attributes.plan%5D=none");
  EXPECT_EQ(r.headers["x-total-count"], "0");
  EXPECT_EQ(Json(r.body).size(), 0u);
}

// The export is the state at one instant while a writer changes every contact in batches: each
// batch is in the export entirely or not at all.
TEST_F(ImportExport, ExportIsASnapshotWhileWritesContinue) {
  DefineAttribute(*api_, bot_, "gen", "number");
  constexpr int kGroups = 3;
  constexpr int kPerGroup = 1000;
  auto batch = [](int group, int gen) {
    std::string items;
    for (int i = 0; i < kPerGroup; ++i) {
      if (!items.empty()) items += ',';
      items += "{\"external_id\":\"g" + std::to_string(group) + "_" + std::to_string(i) +
               "\",\"name\":\"padding padding padding padding\",\"custom_attributes\":{\"gen\":" +
               std::to_string(gen) + "}}";
    }
    return "{\"users\":[" + items + "]}";
  };
  for (int g = 0; g < kGroups; ++g)
    ASSERT_TRUE(IsSuccess(api_->Post(ContactsPath(bot_), batch(g, 0))));

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    Client c(port(), operator_key());
    for (int gen = 1; !stop; ++gen) {
      for (int g = 0; g < kGroups && !stop; ++g) {
        if (c.Post(ContactsPath(bot_), batch(g, gen)).status == 200) ++written;
      }
    }
  });
  while (written < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int written_before = written;
  StreamClient sc(port());
  sc.SetReceiveBuffer(32768);
  ASSERT_TRUE(sc.SendHead("GET", ExportPath(bot_, "format=jsonl"),
                          {{"Authorization", "Bearer " + operator_key()}}, false));
  // After the first part, stop reading until a write has been acknowledged (the server's writes
  // into the socket block meanwhile), so writes surely land while the export is in progress.
  std::string body;
  int written_after = written_before;
  StreamResult r = sc.ReadResponse(
      [&](std::string_view part) {
        if (body.empty()) {
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
          while (written == written_before && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          written_after = written;
        }
        body.append(part);
      },
      std::chrono::milliseconds(2));
  stop = true;
  writer.join();
  ASSERT_EQ(r.status, 200) << r.error;
  ASSERT_TRUE(r.complete);
  std::vector<std::string> lines = Lines(body);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kGroups * kPerGroup));
  std::vector<std::set<int64_t>> gens(kGroups);
  for (const std::string& line : lines) {
    Json c(line);
    const std::string id = c["external_id"].str();
    gens[id[1] - '0'].insert(c["custom_attributes"]["gen"].i64());
  }
  for (int g = 0; g < kGroups; ++g) {
    EXPECT_EQ(gens[g].size(), 1u) << "group " << g << " mixes generations";
  }
  EXPECT_GT(written_after, written_before) << "no write happened during the export";
}

// Export -> import into an empty chatbot with the same attributes -> export again: equal (but for
// id, created_at and updated_at), for each format.
TEST_F(ImportExport, RoundTripForEachFormat) {
  auto define = [&](const std::string& bot) {
    DefineAttribute(*api_, bot, "plan", "text");
    DefineAttribute(*api_, bot, "ltv", "number");
    DefineAttribute(*api_, bot, "vip", "boolean");
    DefineAttribute(*api_, bot, "signup", "date");
  };
  define(bot_);
  UpsertOk(R"({"external_id":"r1","name":"Zoë \"Z\", Smith","email":"z@x.io",
               "phonenumber":"+14155550100",
               "stripe_accounts":[{"label":"main","stripe_id":"cus_1","stripe_email":null},
                                  {"label":"b: c","stripe_id":null,"stripe_email":"s@x.io"}],
               "custom_attributes":{"plan":"-pro","ltv":12.5,"vip":true,"signup":"2026-01-02"}},
              {"external_id":"r2","name":"Comma, \"quote\"","custom_attributes":{"ltv":-3}},
              {"external_id":"r3","name":"Cy","email":null,
               "custom_attributes":{"plan":"=cmd","vip":false,"signup":"2026-03-04T05:06:07Z"}},
              {"external_id":"r4"})");
  for (const std::string format : {"csv", "json", "jsonl"}) {
    SCOPED_TRACE(format);
    HttpResult first = Export("format=" + format + "&sort=external_id");
    ASSERT_EQ(first.status, 200);
    const std::string other = NewChatbot(*api_);
    define(other);
    const std::string type = format == "csv"    ? "text/csv"
                             : format == "json" ? "application/json"
                                                : "application/x-ndjson";
    Json data = ImportOk(first.body, type, "", other);
    EXPECT_EQ(data["created"].i64(), 4) << data.dump();
    HttpResult second = Export("format=" + format + "&sort=external_id", other);
    ASSERT_EQ(second.status, 200);
    if (format == "csv") {
      Rows a = ParseCsv(first.body);
      Rows b = ParseCsv(second.body);
      ASSERT_EQ(a.size(), 5u);
      ASSERT_EQ(b.size(), a.size());
      for (size_t i = 0; i < a.size(); ++i) {
        for (size_t col = 0; col < a[0].size(); ++col) {
          const std::string& name = a[0][col];
          if (i > 0 && (name == "id" || name == "created_at" || name == "updated_at")) continue;
          EXPECT_EQ(a[i][col], b[i][col]) << "row " << i << " column " << name;
        }
      }
    } else {
      std::vector<std::string> a = Lines(first.body), b = Lines(second.body);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(WithoutServerFields(a[i]), WithoutServerFields(b[i]));
      }
      EXPECT_EQ(a.size(), format == "json" ? 6u : 4u);
    }
  }
}

// A CSV cell's surrounding spaces are quoted on export but trimmed on import.
TEST_F(ImportExport, CsvRoundTripKeepsSurroundingSpaces) {
  UpsertOk(R"({"external_id":"s1","name":"  spaced  "})");
  HttpResult first = Export("format=csv");
  const std::string other = NewChatbot(*api_);
  ImportOk(first.body, "text/csv", "", other);
  HttpResult got = api_->Get(ContactPath(other, "s1"));
  EXPECT_EQ(Json(got.body)["data"]["name"].str(), "  spaced  ");
}

// ≥ 200k rows generated on the fly and sent chunked; contactd's memory must not follow the file.
// Its own server returns freed memory to the system at once (TCMALLOC_AGGRESSIVE_DECOMMIT), so that
// RSS follows the memory in use: with the allocator's caches, a second import reuses what the
// first freed, and RSS would hide whatever an import holds.
TEST(ImportTransport, LargeStreamedImportAndExportKeepMemoryFlat) {
  constexpr int kRows = 200000;
  TestServer server;
  server.process.SetEnv({{"TCMALLOC_AGGRESSIVE_DECOMMIT", "true"}});
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  const std::string key = server.process.operator_key();
  Client admin(server.process.port(), key);
  const std::string bot = NewChatbot(admin);
  // Sends the kRows rows as one chunked CSV import.
  auto send_import = [&](size_t* bytes_sent) {
    StreamClient sc(server.process.port(), std::chrono::seconds(120));
    EXPECT_TRUE(sc.SendHead("POST", ContactsPath(bot) + "/import",
                            {{"Authorization", "Bearer " + key}, {"Content-Type", "text/csv"}},
                            true));
    std::string part = "external_id,name,email,phonenumber\n";
    size_t sent = 0;
    for (int i = 0; i < kRows; ++i) {
      const std::string n = std::to_string(i);
      char phone[32];
      std::snprintf(phone, sizeof phone, "+44 7700 9%05d", i % 100000);
      part += "big" + n + ",Person Number " + n + ",person" + n + "@example.com," + phone + "\n";
      if (part.size() >= 60000) {
        EXPECT_TRUE(sc.SendChunk(part));
        sent += part.size();
        part.clear();
      }
    }
    EXPECT_TRUE(sc.SendChunk(part));
    sent += part.size();
    EXPECT_TRUE(sc.EndChunks());
    *bytes_sent = sent;
    return sc.ReadResponse();
  };
  const pid_t pid = server.process.pid();
  size_t file_bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  StreamResult first = send_import(&file_bytes);
  const double import_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(first.status, 200) << first.error << first.body.substr(0, 500);
  Json report = Json(first.body)["data"];
  EXPECT_EQ(report["rows"].i64(), kRows);
  EXPECT_EQ(report["created"].i64(), kRows) << first.body.substr(0, 500);

  // The same file again changes nothing: what memory grows by now is the import's own, the batches
  // in flight (net/importer.h: two writing and one filling, of up to kMaxImportBatch rows at about
  // 2 KB a row while written). That is about 12 MB, however long the file; an importer that kept
  // every decoded row grew by 66 MB. (A copy of the 14 MB body would not show: at this size, RSS
  // varies by a few MB between runs.)
  const int64_t before_kb = ProcStatusKb(pid, "VmRSS:");
  RssSampler sampler(pid);
  size_t again_bytes = 0;
  StreamResult second = send_import(&again_bytes);
  const int64_t peak_kb = sampler.Stop();
  ASSERT_EQ(second.status, 200) << second.error;
  EXPECT_EQ(Json(second.body)["data"]["unchanged"].i64(), report["created"].i64());
  std::printf(
      "import: %d rows, %zu bytes, %.2f s (%.0f rows/s); again: RSS %lld kB -> peak %lld kB\n",
      kRows, file_bytes, import_s, kRows / import_s, static_cast<long long>(before_kb),
      static_cast<long long>(peak_kb));
  if (kMemoryFiguresMeaningful) {  // not under ASan: see tests/support/sanitizers.h
    EXPECT_LT(peak_kb - before_kb, 32 * 1024) << "file " << file_bytes / 1024 << " kB";
  }

  // Export everything as JSON, reading it as it streams; count without keeping it.
  const int64_t export_before_kb = ProcStatusKb(pid, "VmRSS:");
  RssSampler export_sampler(pid);
  StreamClient sc(server.process.port(), std::chrono::seconds(120));
  ASSERT_TRUE(sc.SendHead("GET", ContactsPath(bot) + "/export?format=jsonl",
                          {{"Authorization", "Bearer " + key}}, false));
  size_t export_bytes = 0, export_lines = 0;
  const auto t1 = std::chrono::steady_clock::now();
  StreamResult exported = sc.ReadResponse([&](std::string_view part) {
    export_bytes += part.size();
    export_lines += static_cast<size_t>(std::count(part.begin(), part.end(), '\n'));
  });
  const double export_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const int64_t export_peak_kb = export_sampler.Stop();
  ASSERT_EQ(exported.status, 200);
  EXPECT_TRUE(exported.complete);
  EXPECT_EQ(export_lines, static_cast<size_t>(report["created"].i64()));
  std::printf("export: %zu rows, %zu bytes, %.2f s (%.0f rows/s); RSS %lld kB -> peak %lld kB\n",
              export_lines, export_bytes, export_s, export_lines / export_s,
              static_cast<long long>(export_before_kb), static_cast<long long>(export_peak_kb));
  if (kMemoryFiguresMeaningful) {
    EXPECT_LT(export_peak_kb - export_before_kb, static_cast<int64_t>(export_bytes / 1024 / 4));
  }
}

}  // namespace
}  // namespace contactd::testing
