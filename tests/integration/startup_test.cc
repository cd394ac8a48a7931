// Black-box tests of contactd's command line (README "Running contactd"): --help, bad flags, the
// operator key (given or generated, printed once), and environment variables (a flag wins).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

constexpr const char* kPrinted = "shown only this once";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// Runs contactd with `args` (and `env`) to completion; returns the exit status.
int RunContactd(const std::vector<std::string>& args, std::string* output,
                const EnvVars& env = {}) {
  return ServerProcess::RunToExit(args, output, std::chrono::seconds(10), env);
}

bool OperatorWorks(uint16_t port, const std::string& key) {
  return IsSuccess(Client(port, key).Get("/api/v1/workspaces"));
}

TEST(Startup, HelpListsEveryFlagAndItsVariable) {
  std::string out;
  EXPECT_EQ(RunContactd({"--help"}, &out), 0);
  EXPECT_NE(out.find("--help"), std::string::npos) << out;
  // Every flag with a value, and the environment variable named after it.
  for (std::string flag :
       {"data-dir", "listen", "threads", "write-threads", "stream-threads", "shards", "durability",
        "admin-key", "max-body", "max-import-body", "max-header", "read-timeout", "idle-timeout",
        "header-timeout", "max-connections", "rate-limit", "rate-burst"}) {
    EXPECT_NE(out.find("--" + flag), std::string::npos) << flag << "\n" << out;
    std::string env = "CONTACTD_" + flag;
    for (char& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
    EXPECT_NE(out.find("[" + env + "]"), std::string::npos) << env << "\n" << out;
  }
}

TEST(Startup, BadFlagsExitWithStatus2AndAMessage) {
  TempDir dir;
  const std::string d = dir.str() + "/data";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--bogus"}, "--bogus"},
      {{"--durability", "fast"}, "--durability must be sync or buffered, got 'fast'"},
      {{"--threads", "0"}, "--threads must be between 1 and 256"},
      {{"--threads", "many"}, "threads"},
      {{"--listen", "nonsense"}, "--listen must be HOST:PORT"},
      {{"--listen", "127.0.0.1:70000"}, "--listen must be HOST:PORT"},
      {{"--max-body", "12"}, "--max-body must be a size of at least 1KiB"},
      {{"--max-header", "lots"}, "--max-header must be a size of at least 1KiB"},
      {{"--read-timeout", "0s"}, "--read-timeout must be a duration"},
      {{"--admin-key", "short"}, "--admin-key must be 20-256 printable ASCII characters"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args = {"--data-dir", d};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string out;
    EXPECT_EQ(RunContactd(args, &out), 2) << flags[0] << "\n" << out;
    EXPECT_NE(out.find(message), std::string::npos) << flags[0] << "\n" << out;
    EXPECT_NE(out.find("--help"), std::string::npos) << out;
  }
  EXPECT_FALSE(std::filesystem::exists(d)) << "a bad flag must not create the data dir";
}

TEST(Startup, TheGeneratedOperatorKeyIsPrintedOnTheFirstStartOnly) {
  TestServer server;
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  const std::string key = server.process.operator_key();
  EXPECT_EQ(key.rfind("oc_live_", 0), 0u) << server.process.output();
  EXPECT_EQ(Count(server.process.output(), key), 1u);
  EXPECT_TRUE(OperatorWorks(server.process.port(), key));
  ASSERT_EQ(server.process.Stop(), 0);
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  EXPECT_EQ(Count(server.process.output(), kPrinted), 1u) << server.process.output();
  EXPECT_EQ(Count(server.process.output(), key), 1u);
  EXPECT_TRUE(OperatorWorks(server.process.port(), key));
}

TEST(Startup, AGivenAdminKeyIsTheOperatorKeyAndIsNotPrinted) {
  const std::string key = "my-operator-key-0123456789";
  TestServer server(SmallServerFlags({"--admin-key", key}));
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  EXPECT_EQ(server.process.output().find(kPrinted), std::string::npos) << server.process.output();
  EXPECT_EQ(server.process.output().find(key), std::string::npos) << "the key is never logged";
  const uint16_t port = server.process.port();
  EXPECT_TRUE(OperatorWorks(port, key));
  EXPECT_TRUE(IsSuccess(Client(port, key).Post("/api/v1/chatbots", R"({"name":"x"})")));
  EXPECT_TRUE(
      IsError(Client(port, key + "x").Get("/api/v1/workspaces"), 401, "Unauthorized access"));
  ASSERT_EQ(server.process.Stop(), 0);

  // Later starts keep it, with or without the flag; another --admin-key is ignored, with a word.
  ServerProcess plain(server.data_dir(), SmallServerFlags());
  ASSERT_TRUE(plain.Start()) << plain.output();
  EXPECT_TRUE(OperatorWorks(plain.port(), key));
  EXPECT_EQ(plain.output().find(kPrinted), std::string::npos);
  ASSERT_EQ(plain.Stop(), 0);
  const std::string other = "another-operator-key-0123456789";
  ServerProcess changed(server.data_dir(), SmallServerFlags({"--admin-key", other}));
  ASSERT_TRUE(changed.Start()) << changed.output();
  EXPECT_NE(changed.output().find("--admin-key ignored"), std::string::npos) << changed.output();
  EXPECT_TRUE(OperatorWorks(changed.port(), key));
  EXPECT_FALSE(OperatorWorks(changed.port(), other));
  EXPECT_EQ(changed.Stop(), 0);
}

TEST(Startup, EnvironmentVariablesAreHonoured) {
  const std::string key = "env-operator-key-0123456789";
  TestServer server(std::vector<std::string>{});
  server.process.SetEnv({{"CONTACTD_ADMIN_KEY", key},
                         {"CONTACTD_DURABILITY", "buffered"},
                         {"CONTACTD_THREADS", "1"},
                         {"CONTACTD_SHARDS", "1"}});
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  EXPECT_NE(server.process.output().find("(buffered durability)"), std::string::npos)
      << server.process.output();
  EXPECT_EQ(server.process.output().find(kPrinted), std::string::npos);
  EXPECT_TRUE(OperatorWorks(server.process.port(), key));

  // Invalid values in the environment are reported like bad flags.
  TempDir dir;
  const std::vector<std::string> args = {"--data-dir", dir.str() + "/data", "--listen",
                                         "127.0.0.1:0"};
  std::string out;
  EXPECT_EQ(RunContactd(args, &out, {{"CONTACTD_THREADS", "0"}}), 2) << out;
  EXPECT_NE(out.find("--threads must be between 1 and 256"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunContactd(args, &out, {{"CONTACTD_DURABILITY", "never"}}), 2) << out;
  EXPECT_NE(out.find("--durability must be sync or buffered, got 'never'"), std::string::npos)
      << out;
  out.clear();
  EXPECT_EQ(
      RunContactd({"--data-dir", dir.str() + "/data"}, &out, {{"CONTACTD_LISTEN", "nowhere"}}), 2)
      << out;
  EXPECT_NE(out.find("--listen must be HOST:PORT"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunContactd(args, &out, {{"CONTACTD_ADMIN_KEY", "short"}}), 2) << out;
  EXPECT_NE(out.find("--admin-key must be 20-256"), std::string::npos) << out;
}

TEST(Startup, AFlagBeatsItsEnvironmentVariable) {
  const std::string env_key = "env-operator-key-0123456789";
  const std::string flag_key = "flag-operator-key-0123456789";
  TestServer server(
      std::vector<std::string>{"--admin-key", flag_key, "--durability", "sync", "--threads", "2"});
  server.process.SetEnv({{"CONTACTD_ADMIN_KEY", env_key},
                         {"CONTACTD_DURABILITY", "buffered"},
                         {"CONTACTD_THREADS", "0"}});
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  EXPECT_NE(server.process.output().find("(sync durability)"), std::string::npos)
      << server.process.output();
  EXPECT_TRUE(OperatorWorks(server.process.port(), flag_key));
  EXPECT_FALSE(OperatorWorks(server.process.port(), env_key));
}

TEST(Startup, SigtermStopsCleanlyWithExitStatus0) {
  TestServer server;
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  Client op(server.process.port(), server.process.operator_key());
  EXPECT_TRUE(IsSuccess(op.Get("/healthz")));
  EXPECT_EQ(server.process.Stop(std::chrono::seconds(10)), 0) << server.process.output();
  EXPECT_NE(server.process.output().find("contactd: stopped"), std::string::npos);
}

// A blocking TCP connection to 127.0.0.1 for sending a request in pieces.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    connected_ = Connect(fd_, port);
    timeval timeout{30, 0};  // a loaded machine's sanitizer build can take seconds to answer
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  // Whether a new connection to 127.0.0.1:`port` is accepted by the kernel (refused once nothing
  // listens there).
  static bool Listening(uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const bool connected = Connect(fd, port);
    close(fd);
    return connected;
  }
  ~RawConnection() { close(fd_); }
  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // What has arrived once `text` has (or the connection closed, or 30 s passed without a byte).
  std::string ReadUntil(std::string_view text) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while (out.find(text) == std::string::npos && (n = recv(fd_, buf, sizeof buf, 0)) > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // Everything until the server closes the connection (or 30 s pass without a byte).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  static bool Connect(int fd, uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }

  int fd_;
  bool connected_ = false;
};

TEST(Startup, SigtermLetsARequestInFlightFinish) {
  TestServer server;
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  const std::string key = server.process.operator_key();
  Client op(server.process.port(), key);
  const std::string bot = NewChatbot(op);
  std::string body = "{\"users\":[";
  for (int i = 0; i < 1000; ++i) {
    body += (i ? ",{\"external_id\":\"t" : "{\"external_id\":\"t") + std::to_string(i) + "\"}";
  }
  body += "]}";
  // Half a request is on the wire when SIGTERM arrives; the rest follows once the server has
  // stopped listening. Both are seen, not slept over: the interim 100 Continue says the server
  // has the request's header (so it is in flight), and a refused connection says the signal has
  // been handled.
  RawConnection conn(server.process.port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(
      "POST " + ContactsPath(bot) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  const std::string interim = conn.ReadUntil("\r\n\r\n");
  ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(conn.Send(body.substr(0, body.size() / 2)));
  ASSERT_EQ(kill(server.process.pid(), SIGTERM), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (RawConnection::Listening(server.process.port()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(RawConnection::Listening(server.process.port())) << "SIGTERM was not handled";
  ASSERT_TRUE(conn.Send(body.substr(body.size() / 2)));
  const std::string reply = conn.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 ", 0), 0u) << reply.substr(0, 300);
  EXPECT_EQ(server.process.Wait(std::chrono::seconds(30)), 0) << server.process.output();
  // The acknowledged batch is there after a restart.
  ASSERT_TRUE(server.process.Start()) << server.process.output();
  EXPECT_EQ(Json(Client(server.process.port(), key).Get(ContactsPath(bot)).body)["total"].i64(),
            1000);
}

}  // namespace
}  // namespace contactd::testing
