// contactctl without a working server: --help, usage errors (exit 2), connection refused and
// broken answers (exit 3). Broken answers come from a scripted one-connection fake server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/contactctl/ctl_fixture.h"

namespace contactd::testing {
namespace {

// Answers every connection with `reply` (raw bytes) after reading the request head, then closes.
class FakeServer {
 public:
  explicit FakeServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "fake server: cannot listen";
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string request() const {
    std::lock_guard lock(mu_);
    return request_;
  }

 private:
  void Serve() {
    while (!stop_) {
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard lock(mu_);
        if (request_.empty()) request_ = head;
      }
      (void)!::write(c, reply_.data(), reply_.size());
      ::shutdown(c, SHUT_WR);
      // Read what the client still sends until it closes (closing with unread bytes would reset
      // the connection and could destroy the reply in flight).
      pollfd pfd{c, POLLIN, 0};
      while (::poll(&pfd, 1, 5000) > 0 && ::read(c, buf, sizeof buf) > 0) {
      }
      ::close(c);
    }
  }

  std::string reply_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string request_;  // the first request's head
  std::thread thread_;
};

// A port nothing listens on: bound, then closed.
uint16_t ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot bind a port";
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

CtlResult RunArgs(std::vector<std::string> args, std::string cwd = "") {
  CtlRun run;
  run.args = std::move(args);
  run.cwd = std::move(cwd);
  return RunCtl(run);
}

TEST(CtlUsage, HelpEverywhereExitsZero) {
  const std::vector<std::vector<std::string>> cases = {{"--help"},
                                                       {"import", "--help"},
                                                       {"export", "--help"},
                                                       {"chatbots", "--help"},
                                                       {"chatbots", "create", "--help"},
                                                       {"chatbots", "update", "--help"},
                                                       {"keys", "--help"},
                                                       {"keys", "create", "--help"},
                                                       {"help"}};
  for (const auto& args : cases) {
    CtlResult r = RunArgs(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << Describe(r);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args[0] << Describe(r);
  }
  CtlResult r = RunArgs({"import", "--help"});
  for (const char* flag : {"--chatbot", "--map", "--default-country", "--dry-run", "--generate-ids",
                           "--max-errors", "--report", "--format"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(CtlUsage, BadUsageExitsTwoAndSaysWhy) {
  TempDir dir;
  std::ofstream(dir.str() + "/a.csv") << "email\nx@y.com\n";
  std::ofstream(dir.str() + "/a.txt") << "email\nx@y.com\n";
  const std::string csv = dir.str() + "/a.csv";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "missing command"},
      {{"frobnicate"}, "unknown command \"frobnicate\""},
      {{"--bogus", "chatbots", "list"}, "unknown option --bogus"},
      {{"--url"}, "--url needs a value"},
      {{"import", csv}, "'--chatbot' is required"},
      {{"import", "--chatbot", "b"}, "'--file' is required"},
      {{"import", dir.str() + "/missing.csv", "--chatbot", "b"}, "No such file or directory"},
      {{"import", dir.str(), "--chatbot", "b", "--format", "csv"}, "it is a directory"},
      {{"import", dir.str() + "/a.txt", "--chatbot", "b"}, "give --format csv|json|jsonl"},
      {{"import", csv, "--chatbot", "b", "--format", "xml"}, "--format must be csv, json or jsonl"},
      {{"import", csv, "--chatbot", "b", "--map", "nocolumn"}, "--map takes COLUMN=FIELD"},
      {{"import", csv, "--chatbot", "b", "--max-errors", "many"}, "max-errors"},
      {{"import", csv, "--chatbot", "b", "--separator", "|"}, "--separator must be , or ; or tab"},
      {{"import", csv, "--chatbot", "b", "--format", "json", "--separator", ";"},
       "--separator is for CSV files"},
      {{"import", "-", "--chatbot", "b"}, "give --format"},
      {{"import", csv, "--chatbot", "b", "--bogus"}, "unrecognised option '--bogus'"},
      {{"export", "--chatbot", "b", "--filter", "novalue"}, "--filter takes FIELD[:OP]=VALUE"},
      {{"export", "--chatbot", "b", "--format", "xls"}, "--format must be csv, json or jsonl"},
      {{"export", "--chatbot", "b", "--format", "json", "--bom"}, "--bom is for CSV exports"},
      {{"export", "--chatbot", "b", "--q"}, "'--q'"},
      {{"export"}, "'--chatbot' is required"},
      {{"chatbots"}, "missing subcommand"},
      {{"chatbots", "rename"}, "unknown subcommand \"chatbots rename\""},
      {{"chatbots", "get"}, "is required"},
      {{"chatbots", "create"}, "'--name' is required"},
      {{"chatbots", "update", "b"}, "nothing to update"},
      {{"chatbots", "update", "b", "--default-country", "GB", "--clear-default-country"},
       "exclude each other"},
      {{"keys", "create", "--name", "k", "--role", "owner"}, "--role must be member or admin"},
      {{"--url", "https://example.com", "chatbots", "list"}, "must start with http://"},
      {{"--url", "http://127.0.0.1:99999", "chatbots", "list"}, "bad host or port"},
  };
  for (const auto& [args, message] : cases) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    CtlResult r = RunArgs(args);
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << Describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << joined << "\n" << Describe(r);
  }
}

TEST(CtlUsage, ConnectionRefusedExitsThree) {
  TempDir dir;
  const std::string csv = dir.str() + "/a.csv";
  std::ofstream(csv) << "external_id,email\nu1,x@y.com\n";
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--url", url, "chatbots", "list"},
           {"--url", url, "keys", "list"},
           {"--url", url, "import", csv, "--chatbot", "b"},
           {"--url", url, "export", "--chatbot", "b", "-o", dir.str() + "/out.csv"}}) {
    CtlResult r = RunArgs(args);
    EXPECT_EQ(r.exit_code, 3) << args[2] << Describe(r);
    EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << Describe(r);
  }
  EXPECT_FALSE(FileExists(dir.str() + "/out.csv"));
  EXPECT_FALSE(FileExists(dir.str() + "/out.csv.partial"));
  EXPECT_FALSE(FileExists(csv + ".report.json"));
}

TEST(CtlUsage, TruncatedExportExitsThreeAndRemovesThePartialFile) {
  // A chunked body that stops after its first chunk: no terminating "0\r\n\r\n".
  FakeServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nX-Total-Count: 3\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "1d\r\nexternal_id,email\r\nu1,a@b.c\r\n\r\n");
  TempDir dir;
  const std::string out = dir.str() + "/out.csv";
  CtlResult r =
      RunArgs({"--url", server.url(), "--key", "k", "export", "--chatbot", "b", "-o", out});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("cut short after 1 rows"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("removed the partial file"), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(out));
  EXPECT_FALSE(FileExists(out + ".partial"));
  EXPECT_NE(server.request().find("GET /api/v1/chatbots/b/contacts/export?format=csv HTTP/1.1"),
            std::string::npos)
      << server.request();
  EXPECT_NE(server.request().find("Authorization: Bearer k"), std::string::npos);

  // To stdout: the bytes that came are written, and the exit code still says it failed.
  r = RunArgs({"--url", server.url(), "export", "--chatbot", "b"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_EQ(r.out, "external_id,email\r\nu1,a@b.c\r\n");
  EXPECT_NE(r.err.find("the output is incomplete"), std::string::npos) << Describe(r);
}

TEST(CtlUsage, CompleteChunkedExportFromFakeServerSucceeds) {
  FakeServer server(
      "HTTP/1.1 200 OK\r\nX-Total-Count: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1d\r\nexternal_id,email\r\nu1,a@b.c\r\n\r\n0\r\n\r\n");
  TempDir dir;
  const std::string out = dir.str() + "/out.csv";
  CtlResult r = RunArgs({"--url", server.url(), "export", "--chatbot", "b", "-o", out});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(ReadFile(out), "external_id,email\r\nu1,a@b.c\r\n");
  EXPECT_NE(r.err.find("export: 1 rows"), std::string::npos) << Describe(r);
}

TEST(CtlUsage, ServerErrorsExitThreeWithTheServersMessage) {
  FakeServer server(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Content-Length: 81\r\n\r\n"
      R"({"message":"Storage unavailable","issues":[{"field":"disk","message":"Is full"}]})");
  CtlResult r = RunArgs({"--url", server.url(), "chatbots", "get", "b"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 503: Storage unavailable\n  disk: Is full"), std::string::npos)
      << Describe(r);

  FakeServer garbage("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
  r = RunArgs({"--url", garbage.url(), "keys", "list"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 500: oops"), std::string::npos) << Describe(r);

  FakeServer not_http("SSH-2.0-OpenSSH\r\n");
  r = RunArgs({"--url", not_http.url(), "keys", "list"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
}

TEST(CtlUsage, AnEarlyAnswerStopsTheUpload) {
  TempDir dir;
  const std::string csv = dir.str() + "/big.csv";
  {
    std::ofstream out(csv);
    out << "external_id,email\n";
    for (int i = 0; i < 400000; ++i) out << "u" << i << ",user" << i << "@example.com\n";
  }
  FakeServer refuse(
      "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
      "Content-Length: 31\r\nConnection: close\r\n\r\n"
      R"({"message":"Request too large"})");
  CtlResult r = RunArgs({"--url", refuse.url(), "import", csv, "--chatbot", "b"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 413: Request too large"), std::string::npos) << Describe(r);
  EXPECT_FALSE(FileExists(csv + ".report.json"));

  // An early answer with a report ("Import stopped"): exit 1 and the report is written.
  const std::string body =
      R"({"message":"Import stopped at row 7: too slow","data":{"rows":6,"created":6,)"
      R"("updated":0,"unchanged":0,"failed":0,"dry_run":false,"errors":[]}})";
  FakeServer stop("HTTP/1.1 408 Request Timeout\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\nConnection: close\r\n\r\n" + body);
  r = RunArgs({"--url", stop.url(), "import", csv, "--chatbot", "b"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 408: Import stopped at row 7: too slow"), std::string::npos)
      << Describe(r);
  EXPECT_NE(r.err.find("import: 6 rows: 6 created"), std::string::npos) << Describe(r);
  EXPECT_EQ(Json(ReadFile(csv + ".report.json"))["rows"].i64(), 6);
}

}  // namespace
}  // namespace contactd::testing
