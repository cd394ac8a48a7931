// Tests of the HttpServer's connection cap and header timeout (net/server.h): who is evicted at
// the cap, the 503 when nobody can be, and that the count of served connections stays exact.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/server.h"
#include "tests/net/test_server.h"
#include "tests/support/http_client.h"

namespace contactd::net {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the test helpers

ServerOptions CapOptions(size_t cap) {
  ServerOptions options = TestOptions();
  options.max_connections = cap;
  options.idle_timeout = 10'000ms;  // nothing closes by itself during these tests
  options.read_timeout = 10'000ms;
  options.header_timeout = 10'000ms;
  return options;
}

// Whether the server still holds the connection: nothing to read and no EOF within `wait`.
bool StillOpen(RawSocket& s, std::chrono::milliseconds wait = 200ms) {
  std::string out;
  return s.Receive(&out, wait) && out.empty();
}

// Opens a raw connection that sends `bytes` and gives the server time to take it in, so that
// connections opened one after the other are waiting in that order.
std::unique_ptr<RawSocket> Open(uint16_t port, std::string_view bytes = "") {
  auto s = std::make_unique<RawSocket>(port);
  if (!bytes.empty()) {
    EXPECT_TRUE(s->Send(bytes));
  }
  std::this_thread::sleep_for(30ms);
  return s;
}

TEST(ConnectionLimitTest, ANewConnectionEvictsTheOneIdleLongest) {
  TestServer server(CapOptions(2));
  auto oldest = Open(server.port());
  auto younger = Open(server.port());
  HttpClient client = server.Client();
  EXPECT_EQ(client.Request("GET", "/new").status, 200);
  EXPECT_TRUE(oldest->WaitClosed(1000ms));
  EXPECT_TRUE(StillOpen(*younger));
}

TEST(ConnectionLimitTest, AHeaderTricklerWaitingLongerIsEvictedBeforeAKeptAliveClient) {
  TestServer server(CapOptions(2));
  auto trickler = Open(server.port(), "GET / HTTP/1.1\r\nX-Slow: a");
  HttpClient kept_alive = server.Client();
  ASSERT_EQ(kept_alive.Request("GET", "/1").status, 200);
  std::this_thread::sleep_for(30ms);

  HttpClient newcomer = server.Client();
  EXPECT_EQ(newcomer.Request("GET", "/new").status, 200);
  std::string out;
  EXPECT_TRUE(trickler->WaitClosed(1000ms, &out));
  EXPECT_EQ(out, "");  // evicted without a response
  // The kept-alive client was not touched: its connection still serves.
  EXPECT_EQ(kept_alive.Request("GET", "/2").status, 200);
  EXPECT_EQ(kept_alive.connections_opened(), 1);
}

TEST(ConnectionLimitTest, ExactlyTheCapStaysOpenUnderManyArrivals) {
  constexpr int kCap = 3;
  constexpr int kArrivals = 30;
  TestServer server(CapOptions(kCap));
  std::vector<std::unique_ptr<RawSocket>> sockets;
  sockets.reserve(kArrivals);
  for (int i = 0; i < kArrivals; ++i) sockets.push_back(Open(server.port()));
  // Each arrival evicted exactly one: the first kArrivals - kCap are closed, the last kCap open.
  for (int i = 0; i < kArrivals - kCap; ++i) {
    EXPECT_TRUE(sockets[i]->WaitClosed(1000ms)) << "connection " << i;
  }
  for (int i = kArrivals - kCap; i < kArrivals; ++i) {
    EXPECT_TRUE(StillOpen(*sockets[i])) << "connection " << i;
  }
}

TEST(ConnectionLimitTest, WhenEveryConnectionIsBusyANewOneGets503) {
  TestServer server(CapOptions(2));
  std::vector<std::future<HttpResult>> slow;
  slow.reserve(2);
  for (int i = 0; i < 2; ++i) {
    slow.push_back(std::async(std::launch::async, [&] {
      HttpClient client = server.Client();
      return client.Request("POST", "/slow", "s");
    }));
  }
  server.WaitForSlowHandlers(2);
  Clock::time_point start = Clock::now();
  std::string out = server.Raw("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 503 ")) << out;
  EXPECT_NE(out.find("Retry-After: 1\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find(R"({"message":"Server is at its connection limit; try again later"})"),
            std::string::npos)
      << out;
  EXPECT_LT(Since(start), 1000ms);                      // closed by the server, not by our timeout
  for (auto& f : slow) EXPECT_EQ(f.get().status, 200);  // the busy ones were not disturbed
  // Once they are done, their connections are idle again and a newcomer gets in.
  HttpClient client = server.Client();
  EXPECT_EQ(client.Request("GET", "/after").status, 200);
}

TEST(ConnectionLimitTest, AConnectionSendingItsBodyIsNotEvicted) {
  TestServer server(CapOptions(1));
  RawSocket sender(server.port());
  ASSERT_TRUE(sender.Send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"));
  std::this_thread::sleep_for(50ms);
  std::string out = server.Raw("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 503 ")) << out;
  ASSERT_TRUE(sender.Send("def"));
  std::string response;
  sender.Receive(&response, 1000ms);
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_NE(response.find("POST /b ? abcdef"), std::string::npos) << response;
}

TEST(ConnectionLimitTest, SequentialClientsNeverSeeTheCap) {
  TestServer server(CapOptions(1));
  for (int i = 0; i < 20; ++i) {
    HttpClient client = server.Client();
    HttpResult r = client.Request("GET", "/" + std::to_string(i), "", {{"Connection", "close"}});
    EXPECT_EQ(r.status, 200) << i << ": " << r.body;
  }
}

TEST(HeaderTimeoutTest, AHeaderTrickledTooSlowlyIs408AtTheHeaderTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = 300ms;
  options.read_timeout = 5000ms;
  TestServer server(options);
  RawSocket s(server.port());
  Clock::time_point start = Clock::now();
  ASSERT_TRUE(s.Send("GET / HTTP/1.1\r\n"));
  std::string out;
  bool open = true;
  while (open && Since(start) < 3000ms) {
    s.Send("x");  // a header byte every 50 ms: never idle, never complete
    open = s.Receive(&out, 50ms);
  }
  EXPECT_FALSE(open);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out;
  EXPECT_NE(out.find(R"({"message":"Request timed out"})"), std::string::npos) << out;
  EXPECT_GE(Since(start), 250ms);
  EXPECT_LT(Since(start), 1500ms);  // long before the read timeout
}

TEST(HeaderTimeoutTest, ASlowBodyAfterAPromptHeaderHasTheReadTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = 300ms;
  options.read_timeout = 3000ms;
  TestServer server(options);
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n"));
  for (char c : std::string("abcdefgh")) {
    std::this_thread::sleep_for(100ms);  // 800 ms in all: past the header timeout
    ASSERT_TRUE(s.Send(std::string(1, c)));
  }
  std::string out;
  s.Receive(&out, 1000ms);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("POST /b ? abcdefgh"), std::string::npos) << out;
}

TEST(HeaderTimeoutTest, ANewConnectionThatSendsNothingIsClosedAtTheHeaderTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = 300ms;
  options.idle_timeout = 5000ms;
  TestServer server(options);
  Clock::time_point start = Clock::now();
  EXPECT_EQ(server.Raw("", 3000ms), "");
  EXPECT_GE(Since(start), 250ms);
  EXPECT_LT(Since(start), 1500ms);

  // Between requests of a kept-alive connection the idle timeout applies instead.
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(s.Receive(&out, 1000ms));
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  std::this_thread::sleep_for(600ms);
  EXPECT_TRUE(s.Send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  out.clear();
  s.Receive(&out, 1000ms);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
}

TEST(HeaderTimeoutTest, TheReadTimeoutStillBoundsTheHeaderWhenShorter) {
  ServerOptions options = TestOptions();
  options.header_timeout = 5000ms;
  options.read_timeout = 300ms;
  TestServer server(options);
  Clock::time_point start = Clock::now();
  std::string out = server.Raw("GET / HTTP/1.1\r\nHost: x\r\n", 3000ms);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out;
  EXPECT_LT(Since(start), 1500ms);
}

}  // namespace
}  // namespace contactd::net
