// Tests of HttpServer (net/server.h) against a dummy handler: keep-alive, limits, malformed
// requests, timeouts, blocking handlers and graceful shutdown. Every server binds 127.0.0.1:0.
#include "net/server.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/net/test_server.h"
#include "tests/support/http_client.h"

namespace contactd::net {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the test helpers

TEST(HttpServerTest, BindsAnEphemeralPort) {
  TestServer server;
  EXPECT_NE(server.port(), 0);
}

TEST(HttpServerTest, BindFailureIsUnavailable) {
  TestServer first;
  ServerOptions options = TestOptions();
  options.port = first.port();
  HttpServer second(
      options, [](const HttpRequest&) { return HttpResponse(); }, nullptr);
  Status status = second.Start();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_TRUE(StartsWith(status.message(),
                         "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": "))
      << status.message();
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server;
  HttpClient client = server.Client();
  for (int i = 0; i < 5; ++i) {
    std::string body = "body" + std::to_string(i);
    HttpResult r = client.Request("POST", "/echo/" + std::to_string(i) + "?a=1&b=2?c", body,
                                  {{"Authorization", "Bearer k"}, {"Content-Type", "text/x"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "POST /echo/" + std::to_string(i) + " ?a=1&b=2?c " + body);
    EXPECT_EQ(r.headers["x-authorization"], "Bearer k");
    EXPECT_EQ(r.headers["x-content-type"], "text/x");
    EXPECT_EQ(r.headers["content-type"], "text/plain");
    EXPECT_EQ(r.headers["server"], "contactd");
    EXPECT_FALSE(r.connection_closed);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpServerTest, PassesHandlerStatusAndHeadersThrough) {
  TestServer server;
  HttpClient client = server.Client();
  HttpResult r = client.Request("GET", "/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"message":"Resource not found"})");
  EXPECT_EQ(r.headers["allow"], "GET, POST");
  EXPECT_EQ(r.headers["retry-after"], "7");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_FALSE(r.connection_closed);

  HttpResult closing = client.Request("GET", "/close");
  EXPECT_EQ(closing.status, 200);
  EXPECT_TRUE(closing.connection_closed);
  EXPECT_EQ(closing.headers["connection"], "close");
  EXPECT_EQ(client.Request("GET", "/again").status, 200);
  EXPECT_EQ(client.connections_opened(), 2);

  HttpResult asked = client.Request("GET", "/bye", "", {{"Connection", "close"}});
  EXPECT_EQ(asked.status, 200);
  EXPECT_TRUE(asked.connection_closed);
}

TEST(HttpServerTest, HeadGetsHeadersOnly) {
  TestServer server;
  std::string out = server.Raw("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("Content-Length: 10\r\n"), std::string::npos) << out;  // "HEAD /h ? "
  EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
}

TEST(HttpServerTest, ChunkedBodyWithinLimitIsRead) {
  TestServer server;
  HttpClient client = server.Client();
  HttpResult r =
      client.Request("POST", "/c", std::string(1000, 'x'), {{"Transfer-Encoding", "chunked"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /c ? " + std::string(1000, 'x'));
}

TEST(HttpServerTest, LargeBodyAcrossManyReads) {
  ServerOptions options = TestOptions();
  options.body_limit = 4 << 20;
  TestServer server(options);
  HttpClient client = server.Client();
  std::string body(3 << 20, 'b');
  HttpResult r = client.Request("PUT", "/big", body);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), std::string("PUT /big ? ").size() + body.size());
}

// A chunked body whose last chunk arrives a byte or two at a time ("|" separates the sends).
// Beast 1.74 asserted on it: a build with assertions, such as the sanitizer suite's, aborted.
TEST(HttpServerTest, LastChunkArrivingInPiecesIsRead) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"0\r\n|\r|\n", ""}, {"3\r\nabc|\r\n0\r\n|\r|\n", "abc"}, {"0\r|\n|\r\n", ""}};
  for (const auto& [pieces, body] : cases) {
    TestServer server(LongTimeoutOptions());
    RawSocket s(server.port());
    ASSERT_TRUE(s.Send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::string out;
    for (std::string_view rest = pieces; !rest.empty();) {
      const size_t bar = std::min(rest.find('|'), rest.size());
      ASSERT_TRUE(s.Send(rest.substr(0, bar)));
      rest.remove_prefix(std::min(bar + 1, rest.size()));
      ASSERT_TRUE(s.Receive(&out, 50ms)) << pieces;  // the server read the piece and is still up
    }
    const std::string echo = "\r\n\r\nPOST /c ? " + std::string(body);
    for (const Clock::time_point start = Clock::now();
         !out.ends_with(echo) && Since(start) < kCloseBound;) {
      ASSERT_TRUE(s.Receive(&out, 50ms)) << pieces << ": closed after " << out;
    }
    EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 ")) << pieces << ": " << out;
    EXPECT_TRUE(out.ends_with(echo)) << pieces << ": " << out;
  }
}

TEST(HttpServerTest, OversizedBodyWithContentLengthIs413) {
  TestServer server;
  HttpClient client = server.Client();
  HttpResult r = client.Request("POST", "/echo", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("1024 bytes"), std::string::npos) << r.body;
  EXPECT_TRUE(StartsWith(r.body, R"({"message":")")) << r.body;
  EXPECT_TRUE(r.connection_closed);
  EXPECT_EQ(client.Request("GET", "/next").status, 200);  // a new connection works

  // A body far larger than the socket buffers: the server drains it, so the client finishes
  // writing and reads the 413 instead of a reset.
  HttpResult big = client.Request("POST", "/echo", std::string(8 << 20, 'y'));
  EXPECT_EQ(big.status, 413) << big.body;
}

TEST(HttpServerTest, OversizedBodyMessageNamesMiB) {
  ServerOptions options = TestOptions();
  options.body_limit = 2 << 20;
  TestServer server(options);
  std::string out = server.Raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 413 ")) << out;
  EXPECT_NE(out.find("2097152 bytes (2 MiB)"), std::string::npos) << out;
}

TEST(HttpServerTest, OversizedChunkedBodyIs413) {
  TestServer server;
  HttpClient client = server.Client();
  HttpResult r =
      client.Request("POST", "/echo", std::string(4096, 'x'), {{"Transfer-Encoding", "chunked"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(r.connection_closed);
}

TEST(HttpServerTest, OversizedHeaderIs431) {
  TestServer server;
  HttpClient client = server.Client();
  HttpResult r = client.Request("GET", "/", "", {{"X-Big", std::string(2000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_TRUE(StartsWith(r.body, R"({"message":")")) << r.body;
  EXPECT_TRUE(r.connection_closed);
}

TEST(HttpServerTest, ContentLengthWithTransferEncodingIs400AndCloses) {
  TestServer server(LongTimeoutOptions());
  for (std::string headers : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                              "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                              "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n"}) {
    Clock::time_point start = Clock::now();
    std::string out = server.Raw("POST / HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n0\r\n\r\n");
    EXPECT_TRUE(StartsWith(out, "HTTP/1.1 400 ")) << out;
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find(R"({"message":")"), std::string::npos) << out;
    EXPECT_LT(Since(start), kCloseBound);  // closed by the server, not by our timeout
  }
}

TEST(HttpServerTest, MalformedRequestsAre400) {
  TestServer server(LongTimeoutOptions());
  for (std::string raw :
       {"NOT A REQUEST\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    Clock::time_point start = Clock::now();
    std::string out = server.Raw(raw);
    EXPECT_TRUE(StartsWith(out, "HTTP/1.1 400 ")) << raw << " -> " << out;
    EXPECT_NE(out.find(R"({"message":"Malformed HTTP request"})"), std::string::npos) << out;
    EXPECT_LT(Since(start), kCloseBound);
  }
}

TEST(HttpServerTest, PipelinedAndHttp10Requests) {
  TestServer server;
  std::string out = server.Raw(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "GET /c HTTP/1.0\r\n\r\nGET /never HTTP/1.1\r\n\r\n");
  size_t a = out.find("GET /a ?"), b = out.find("GET /b ?"), c = out.find("GET /c ?");
  ASSERT_NE(a, std::string::npos) << out;
  ASSERT_NE(b, std::string::npos) << out;
  ASSERT_NE(c, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_NE(out.find("HTTP/1.0 200 OK\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(out.find("/never"), std::string::npos);  // HTTP/1.0 without keep-alive closed
}

TEST(HttpServerTest, ExpectContinueGetsInterimResponse) {
  TestServer server(LongTimeoutOptions());
  RawSocket s(server.port());
  ASSERT_TRUE(
      s.Send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  std::string out;
  s.Receive(&out, kCloseBound);  // returns with the first bytes
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(s.Send("abc"));
  out.clear();
  s.Receive(&out, kCloseBound);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("POST /e ? abc"), std::string::npos) << out;
}

TEST(HttpServerTest, IdleConnectionIsClosed) {
  // Long enough that a request surely follows its connect in time (a new connection that sends
  // nothing has it too); the other timeouts are far beyond kCloseBound.
  constexpr std::chrono::milliseconds kIdleTimeout = 1000ms;
  ServerOptions options = LongTimeoutOptions();
  options.idle_timeout = kIdleTimeout;
  TestServer server(options);
  Clock::time_point start = Clock::now();
  {
    RawSocket s(server.port());
    std::string out;
    EXPECT_TRUE(s.WaitClosed(kCloseBound, &out));
    EXPECT_EQ(out, "");
    EXPECT_GE(Since(start), kIdleTimeout - 100ms);
  }

  // A kept-alive connection is closed once it has been idle that long after a response: waited
  // for, not slept over (a fixed sleep meant to outlast the timeout can be too short for the
  // server's timer on a loaded machine).
  HttpClient client = server.Client();
  EXPECT_EQ(client.Request("GET", "/1").status, 200);
  RawSocket kept_alive(server.port());
  start = Clock::now();
  ASSERT_TRUE(kept_alive.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(kept_alive.Receive(&out, kCloseBound));
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_EQ(out.find("Connection: close"), std::string::npos) << out;
  out.clear();
  EXPECT_TRUE(kept_alive.WaitClosed(kCloseBound, &out));
  EXPECT_EQ(out, "");
  EXPECT_GE(Since(start), kIdleTimeout - 100ms);
  // The client's connection has been idle longer still: a kept-alive client whose connection
  // the server closed reconnects.
  EXPECT_EQ(client.Request("GET", "/2").status, 200);
}

TEST(HttpServerTest, StalledRequestIs408) {
  ServerOptions options = LongTimeoutOptions();
  options.read_timeout = 300ms;
  TestServer server(options);
  Clock::time_point start = Clock::now();
  std::string out = server.Raw("GET / HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out;
  EXPECT_NE(out.find(R"({"message":"Request timed out"})"), std::string::npos) << out;
  EXPECT_LT(Since(start), kCloseBound);
}

TEST(HttpServerTest, TricklingRequestTimesOutFromItsFirstByte) {
  ServerOptions options = LongTimeoutOptions();
  options.read_timeout = 300ms;
  TestServer server(options);
  RawSocket s(server.port());
  Clock::time_point start = Clock::now();
  std::string out;
  ASSERT_TRUE(s.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"));
  bool open = true;
  while (open && Since(start) < 2 * kCloseBound) {
    s.Send("x");  // a byte every 50 ms: never idle, never done (100 bytes take 5 s)
    open = s.Receive(&out, 50ms);
  }
  EXPECT_FALSE(open);
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out;
  EXPECT_LT(Since(start), kCloseBound);
}

// Sends `head`, then filler in small pieces without pause, until the server answers (or
// kCloseBound passes); returns what it answered. Data is always waiting on the server's side, so
// each read the server starts completes at once: a timeout that cancels the pending read finds
// none pending at almost every firing, and must still end the request.
std::string Flood(uint16_t port, std::string_view head) {
  RawSocket s(port);
  EXPECT_TRUE(s.Send(head));
  const std::string piece(16, 'a');
  const Clock::time_point start = Clock::now();
  std::string out;
  bool open = true;
  while (open && out.empty() && Since(start) < kCloseBound) {
    for (int i = 0; i < 64; ++i) s.Send(piece);
    open = s.Receive(&out, 0ms);
  }
  if (open) s.WaitClosed(kCloseBound, &out);
  return out;
}

TEST(HttpServerTest, HeaderArrivingWithoutPauseStillTimesOut) {
  ServerOptions options = LongTimeoutOptions();
  options.header_timeout = 300ms;
  options.header_limit = size_t{1} << 30;  // far more than arrives within kCloseBound
  TestServer server(options);
  const Clock::time_point start = Clock::now();
  std::string out = Flood(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Endless: ");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out.substr(0, 200);
  EXPECT_LT(Since(start), kCloseBound);
}

TEST(HttpServerTest, BodyArrivingWithoutPauseStillTimesOut) {
  ServerOptions options = LongTimeoutOptions();
  options.read_timeout = 300ms;
  options.body_limit = size_t{1} << 30;
  TestServer server(options);
  const Clock::time_point start = Clock::now();
  std::string out =
      Flood(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  EXPECT_TRUE(StartsWith(out, "HTTP/1.1 408 ")) << out.substr(0, 200);
  EXPECT_LT(Since(start), kCloseBound);
}

TEST(HttpServerTest, BlockingHandlerDoesNotBlockOtherConnections) {
  TestServer server;  // one Asio thread
  // The slow handler runs until the fast request has been answered: were it blocking the Asio
  // thread, the fast request would never be (it fails at the client's timeout).
  server.handlers().HoldSlowHandlers();
  auto slow = std::async(std::launch::async, [&] {
    HttpClient client("127.0.0.1", server.port(), 30'000ms);
    return client.Request("POST", "/slow", "s");
  });
  server.WaitForSlowHandlers(1);
  HttpClient fast("127.0.0.1", server.port(), 30'000ms);
  HttpResult r = fast.Request("GET", "/fast");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "GET /fast ? ");
  EXPECT_EQ(slow.wait_for(0ms), std::future_status::timeout) << "the slow handler ended early";
  server.handlers().ReleaseSlowHandlers();
  HttpResult s = slow.get();
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.body, "POST /slow ? s");
}

TEST(HttpServerTest, HandlerExceptionIs500) {
  TestServer server;
  HttpClient client = server.Client();
  for (const char* path : {"/throw", "/slow-throw"}) {
    HttpResult r = client.Request("GET", path);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, R"({"message":"Internal error"})");
  }
  EXPECT_EQ(client.Request("GET", "/ok").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpServerTest, ManyClientsOnSeveralThreads) {
  ServerOptions options = TestOptions();
  options.threads = 4;
  TestServer server(options);
  std::vector<std::future<int>> clients;
  clients.reserve(8);
  for (int c = 0; c < 8; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      HttpClient client = server.Client();
      int ok = 0;
      for (int i = 0; i < 50; ++i) {
        std::string body = std::to_string(c) + ":" + std::to_string(i);
        HttpResult r = client.Request("POST", "/m", body);
        ok += r.status == 200 && r.body == "POST /m ? " + body;
      }
      return ok;
    }));
  }
  for (auto& f : clients) EXPECT_EQ(f.get(), 50);
}

TEST(HttpServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  TestServer server(LongTimeoutOptions());  // nothing closes by a timeout meanwhile
  HttpClient idle = server.Client();
  ASSERT_EQ(idle.Request("GET", "/warm").status, 200);
  // Idle connections: a new one that has sent nothing, and a kept-alive one that had its
  // response (so the server holds both: it accepts connections in the order they came).
  RawSocket fresh(server.port()), idle_raw(server.port());
  std::string out;
  ASSERT_TRUE(idle_raw.Send("GET /raw HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle_raw.Receive(&out, kCloseBound));
  ASSERT_TRUE(StartsWith(out, "HTTP/1.1 200 OK\r\n")) << out;
  // The in-flight request's handler runs until the idle connections have been seen closed.
  server.handlers().HoldSlowHandlers();
  auto slow = std::async(std::launch::async, [&] {
    HttpClient client("127.0.0.1", server.port(), 30'000ms);
    return client.Request("POST", "/slow", "inflight");
  });
  server.WaitForSlowHandlers(1);
  server.server().Stop();
  server.server().Stop();  // idempotent
  out.clear();
  EXPECT_TRUE(idle_raw.WaitClosed(kCloseBound, &out));  // without waiting for the slow handler
  EXPECT_EQ(out, "");
  EXPECT_TRUE(fresh.WaitClosed(kCloseBound));
  EXPECT_EQ(slow.wait_for(0ms), std::future_status::timeout) << "the slow handler ended early";
  EXPECT_FALSE(server.RunReturnedWithin(0ms)) << "Run() returned before the in-flight request";
  server.handlers().ReleaseSlowHandlers();

  HttpResult r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /slow ? inflight");
  EXPECT_TRUE(r.connection_closed);
  EXPECT_TRUE(server.RunReturnedWithin(kCloseBound));
  EXPECT_EQ(idle.Request("GET", "/after").status, 0);  // nobody listens any more
}

TEST(HttpServerTest, StopWithoutTrafficReturnsPromptly) {
  TestServer server(LongTimeoutOptions());
  Clock::time_point start = Clock::now();
  server.server().Stop();
  EXPECT_TRUE(server.RunReturnedWithin(kCloseBound));
  EXPECT_LT(Since(start), kCloseBound);
}

TEST(HttpServerTest, SigtermStopsTheServer) {
  ServerOptions options = LongTimeoutOptions();
  options.handle_signals = true;
  TestServer server(options);
  HttpClient client = server.Client();
  ASSERT_EQ(client.Request("GET", "/").status, 200);
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_TRUE(server.RunReturnedWithin(kCloseBound));
}

}  // namespace
}  // namespace contactd::net
