// Black-box tests of contactd's HTTP hardening flags (README "Running contactd"): the per-key
// rate limit (--rate-limit, --rate-burst), the connection cap (--max-connections) and the header
// timeout (--header-timeout), their help text, environment variables and bad values.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int RunContactd(const std::vector<std::string>& args, std::string* output,
                const EnvVars& env = {}) {
  return ServerProcess::RunToExit(args, output, std::chrono::seconds(10), env);
}

// Creates a member key in the default workspace through the operator; returns it ("" on failure).
std::string NewMemberKey(Client& op) {
  HttpResult r = op.Post("/api/v1/apikeys", R"({"name":"limited","role":"member"})");
  EXPECT_TRUE(IsSuccess(r));
  return Json(r.body)["data"]["key"].str();
}

// A raw connection that sends `bytes` and is then left alone.
class RawConnection {
 public:
  RawConnection(uint16_t port, std::string_view bytes) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  ~RawConnection() { close(fd_); }
  // Whether the server closes the connection within `timeout`; what it sent goes to `out`.
  bool ClosedWithin(std::chrono::milliseconds timeout, std::string* out) {
    const Clock::time_point end = Clock::now() + timeout;
    while (Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return true;
      out->append(buf, static_cast<size_t>(n));
    }
    return false;
  }

 private:
  int fd_;
};

TEST(HttpLimits, HelpListsTheFlagsAndTheirVariables) {
  std::string out;
  EXPECT_EQ(RunContactd({"--help"}, &out), 0);
  for (const char* text : {"--max-connections", "CONTACTD_MAX_CONNECTIONS", "--header-timeout",
                           "CONTACTD_HEADER_TIMEOUT", "--rate-limit", "CONTACTD_RATE_LIMIT",
                           "--rate-burst", "CONTACTD_RATE_BURST"}) {
    EXPECT_NE(out.find(text), std::string::npos) << text << "\n" << out;
  }
}

TEST(HttpLimits, BadValuesExitWithStatus2) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--max-connections", "0"}, "--max-connections must be a number between 1 and 10000000"},
      {{"--max-connections", "10k"}, "--max-connections must be a number"},
      {{"--header-timeout", "0s"}, "--header-timeout must be a duration"},
      {{"--header-timeout", "soon"}, "--header-timeout must be a duration"},
      {{"--rate-limit", "-1"}, "--rate-limit must be a number of requests per second >= 0"},
      {{"--rate-limit", "fast"}, "--rate-limit must be a number"},
      {{"--rate-limit", "inf"}, "--rate-limit must be a number"},
      {{"--rate-limit", "10", "--rate-burst", "0"}, "--rate-burst must be a number between 1"},
      {{"--rate-limit", "10", "--rate-burst", "2.5"}, "--rate-burst must be a number between 1"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args = {"--data-dir", dir.str() + "/data"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string out;
    EXPECT_EQ(RunContactd(args, &out), 2) << flags[1] << "\n" << out;
    EXPECT_NE(out.find(message), std::string::npos) << flags[1] << "\n" << out;
  }
  std::string out;
  EXPECT_EQ(RunContactd({"--data-dir", dir.str() + "/data"}, &out, {{"CONTACTD_RATE_LIMIT", "-5"}}),
            2)
      << out;
  EXPECT_NE(out.find("--rate-limit must be"), std::string::npos) << out;
}

TEST(HttpLimits, ABurstOfTwiceTheLimitGetsExactlyTheExcessRefused) {
  // One token a second, so Retry-After is always 1 (a token is less than a second away).
  constexpr int kBurst = 20;
  constexpr double kRate = 1;
  auto server = StartServer(SmallServerFlags({"--rate-limit", "1", "--rate-burst", "20"}));
  ASSERT_TRUE(server);
  const uint16_t port = server->process.port();
  Client op(port, server->process.operator_key());
  const std::string key = NewMemberKey(op);
  ASSERT_FALSE(key.empty());

  Client limited(port, key);
  int allowed = 0;
  int refused = 0;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < 2 * kBurst; ++i) {
    HttpResult r = limited.Get("/api/v1/chatbots");
    if (r.status == 200) {
      ++allowed;
    } else {
      ++refused;
      EXPECT_TRUE(IsError(r, 429, "Rate limit exceeded"));
      EXPECT_EQ(r.headers["retry-after"], "1");
      EXPECT_FALSE(r.connection_closed);
    }
  }
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  // Tokens that came back during the burst: at most rate × elapsed, whole ones only.
  const int refilled_at_most = static_cast<int>(std::floor(kRate * elapsed_s));
  std::printf("burst of %d with --rate-limit 1 --rate-burst 20: %d allowed, %d refused in %.3f s\n",
              2 * kBurst, allowed, refused, elapsed_s);
  EXPECT_GE(allowed, kBurst);
  EXPECT_LE(allowed, kBurst + refilled_at_most);
  EXPECT_EQ(refused, 2 * kBurst - allowed);
  if (elapsed_s < 1) {
    EXPECT_EQ(refused, kBurst);  // no whole token came back
  }

  // Keys are independent: the operator's bucket lost one token (creating the key) plus refill.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(IsSuccess(op.Get("/api/v1/chatbots"))) << i;
  // Requests without a valid key are 401, never 429; /healthz is not limited.
  Client nobody(port, "");
  Client wrong(port, "not-a-key-0123456789abcdef");
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(nobody.Get("/api/v1/chatbots").status, 401);
    EXPECT_EQ(wrong.Get("/api/v1/chatbots").status, 401);
    EXPECT_EQ(nobody.Get("/healthz").status, 200);
  }
  // Retry-After told the truth: after it, the key is served again.
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(IsSuccess(limited.Get("/api/v1/chatbots")));
}

TEST(HttpLimits, NoRateLimitByDefault) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Client op(server->process.port(), server->process.operator_key());
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(IsSuccess(op.Get("/api/v1/chatbots"))) << i;
}

TEST(HttpLimits, AtTheConnectionCapATricklerIsEvictedAndTheHeaderTimeoutAnswers408) {
  // The client must come while both tricklers still wait for their header: a header timeout of a
  // few seconds leaves a loaded machine time for that. The read and idle timeouts (30 s, 60 s by
  // default) are far beyond the waits below, so a close within them is the header timeout's.
  constexpr auto kHeaderTimeout = 5s;
  auto server = StartServer(SmallServerFlags({"--max-connections", "2", "--header-timeout", "5s"}));
  ASSERT_TRUE(server);
  const uint16_t port = server->process.port();
  RawConnection first(port, "GET /healthz HTTP/1.1\r\nX-Slow: a");
  std::this_thread::sleep_for(50ms);
  RawConnection second(port, "GET /healthz HTTP/1.1\r\nX-Slow: a");
  std::this_thread::sleep_for(50ms);

  // Both slots are held by tricklers; a real client still gets in, evicting the older one.
  const Clock::time_point start = Clock::now();
  HttpClient client("127.0.0.1", port, kRequestTimeout);
  EXPECT_EQ(client.Request("GET", "/healthz", "", {{"Connection", "close"}}).status, 200);
  std::string first_out;
  EXPECT_TRUE(first.ClosedWithin(kHeaderTimeout + 10s, &first_out));
  EXPECT_EQ(first_out, "");  // evicted without a response (not a 408 at the header timeout)
  // The other one is closed by the header timeout, 5 s after its first byte, with a 408.
  std::string second_out;
  EXPECT_TRUE(second.ClosedWithin(kHeaderTimeout + 10s, &second_out));
  EXPECT_EQ(second_out.rfind("HTTP/1.1 408 ", 0), 0u) << second_out;
  EXPECT_NE(second_out.find(R"({"message":"Request timed out"})"), std::string::npos) << second_out;
  EXPECT_LT(Clock::now() - start, kHeaderTimeout + 10s);
}

}  // namespace
}  // namespace contactd::testing
