// Tests of HttpServer's streaming requests and responses (net/server.h, BodyReader and BodyWriter
// in net/http_types.h) against a dummy application whose streaming routes are the paths under
// "/s/": large Content-Length and chunked uploads read through BodyReader with flat memory, the
// streaming body limit, per-read timeouts, malformed chunking, 100-continue, early responses,
// chunked and close-delimited streamed responses, aborted producers and clients that stop
// reading. Every server binds 127.0.0.1:0.
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "net/server.h"
#include "tests/support/raw_http_connection.h"
#include "tests/support/sanitizers.h"

namespace contactd::net {
namespace {

using namespace std::chrono_literals;
using contactd::testing::kMemoryFiguresMeaningful;
using contactd::testing::RawHttpConnection;
using contactd::testing::RawHttpResponse;
using Clock = std::chrono::steady_clock;

constexpr size_t kPart = 64 * 1024;  // the handlers' buffer and part size
// How long a test waits for what the server does promptly (an answer, a close, a timeout firing):
// a generous bound, since a loaded machine running the suite under a sanitizer can take seconds.
constexpr std::chrono::milliseconds kPromptBound = 10'000ms;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// FNV-1a, 64 bits: order-sensitive, so a lost, repeated or reordered byte changes it.
struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void Add(std::string_view data) {
    for (char c : data) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ull;
    }
  }
};

uint64_t ExpectedFnv(uint64_t size) {
  Fnv fnv;
  std::string buf;
  for (uint64_t offset = 0; offset < size; offset += kPart) {
    buf.clear();
    RawHttpConnection::AppendContent(
        offset, static_cast<size_t>(std::min<uint64_t>(kPart, size - offset)), &buf);
    fnv.Add(buf);
  }
  return fnv.h;
}

std::string SumBody(uint64_t bytes, uint64_t fnv) {
  return "bytes=" + std::to_string(bytes) + " fnv=" + std::to_string(fnv);
}

// Resident set size of this process (server and client both live here).
size_t ResidentBytes() {
  long pages_total = 0;
  long pages_resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return static_cast<size_t>(pages_resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

uint64_t QueryNumber(const std::string& query) {
  uint64_t v = 0;
  const size_t eq = query.find('=');
  if (eq != std::string::npos)
    std::from_chars(query.data() + eq + 1, query.data() + query.size(), v);
  return v;
}

// The dummy application. Streaming routes (under /s/):
//   POST /s/sum     reads the body in 64 KiB pieces; answers "bytes=N fnv=H", or on a failed read
//                   the failure's status with its message
//   POST /s/unauth  401 without reading;  POST /s/early  200 "early" without reading
//   GET  /s/stream?bytes=N  streams N content bytes in 64 KiB parts
//   GET  /s/abort   writes three 1000-byte parts, then aborts
//   GET  /s/stall   writes 64 KiB parts until Write fails, timing the failing Write
//   GET  /s/hold    holds its stream thread until Release(), then answers 200 "held"
// Other routes: /plain echoes the body; /bad-stream returns a stream from a non-streaming route.
struct App {
  std::atomic<int> last_failure_status{-1};
  std::atomic<int> sums_done{0};
  std::atomic<bool> stall_done{false};
  std::atomic<int64_t> stall_gap_ms{-1};  // from the last successful Write to the failed one
  std::atomic<int> stall_parts{0};
  std::atomic<int> holding{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();

  void Release() { release.set_value(); }

  HttpResponse Handle(const HttpRequest& request) {
    HttpResponse response;
    response.content_type = "text/plain";
    const std::string& path = request.path;
    if (path == "/s/sum") return Sum(request);
    if (path == "/s/hold") {
      ++holding;
      released.wait();
      response.body = "held";
      return response;
    }
    if (path == "/s/unauth") {
      response.status = 401;
      response.body = "no";
      return response;
    }
    if (path == "/s/early") {
      response.body = "early";
      return response;
    }
    if (path == "/s/stream") {
      const uint64_t size = QueryNumber(request.query);
      response.stream = [size](BodyWriter& writer) {
        std::string part;
        for (uint64_t offset = 0; offset < size; offset += kPart) {
          part.clear();
          RawHttpConnection::AppendContent(
              offset, static_cast<size_t>(std::min<uint64_t>(kPart, size - offset)), &part);
          if (!writer.Write(part)) return false;
        }
        return true;
      };
      return response;
    }
    if (path == "/s/abort") {
      response.stream = [](BodyWriter& writer) {
        for (int i = 0; i < 3; ++i) {
          if (!writer.Write(std::string(1000, static_cast<char>('a' + i)))) return false;
        }
        return false;
      };
      return response;
    }
    if (path == "/s/stall") {
      response.stream = [this](BodyWriter& writer) {
        const std::string part(kPart, 'x');
        Clock::time_point last = Clock::now();
        for (;;) {
          if (!writer.Write(part)) break;
          last = Clock::now();
          ++stall_parts;
        }
        stall_gap_ms = Since(last).count();
        stall_done = true;
        return false;
      };
      return response;
    }
    if (path == "/bad-stream") {
      response.stream = [](BodyWriter& writer) { return writer.Write("never"); };
      return response;
    }
    response.body = "plain " + request.body;
    return response;
  }

  HttpResponse Sum(const HttpRequest& request) {
    HttpResponse response;
    response.content_type = "text/plain";
    if (request.body_reader == nullptr || !request.body.empty()) {
      response.status = 500;
      response.body = "not a streaming request";
      return response;
    }
    std::vector<char> buf(kPart);
    Fnv fnv;
    uint64_t total = 0;
    for (;;) {
      const ptrdiff_t n = request.body_reader->Read(buf.data(), buf.size());
      if (n < 0) {
        const TransportFailure& failure = request.body_reader->failure();
        last_failure_status = failure.status;
        EXPECT_EQ(request.body_reader->Read(buf.data(), buf.size()), -1);  // sticky
        response.status = failure.status == 0 ? 500 : failure.status;
        response.body = failure.message;
        return response;
      }
      if (n == 0) break;
      fnv.Add(std::string_view(buf.data(), static_cast<size_t>(n)));
      total += static_cast<uint64_t>(n);
    }
    EXPECT_EQ(request.body_reader->Read(buf.data(), buf.size()), 0);  // stays at the end
    ++sums_done;
    response.body = SumBody(total, fnv.h);
    return response;
  }

  static bool IsStreaming(const HttpRequest& head) { return head.path.starts_with("/s/"); }
};

ServerOptions StreamOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.blocking_threads = 1;
  options.stream_threads = 2;
  options.body_limit = 1024;
  options.header_limit = 4096;
  options.read_timeout = 2000ms;
  options.idle_timeout = 2000ms;
  options.handle_signals = false;
  return options;
}

class StreamServer {
 public:
  explicit StreamServer(ServerOptions options = StreamOptions())
      : server_(
            std::move(options), [this](const HttpRequest& r) { return app_.Handle(r); },
            [](const HttpRequest&) { return false; }, &App::IsStreaming) {
    Status status = server_.Start();
    EXPECT_TRUE(status.ok()) << status.ToString();
    run_done_ = std::async(std::launch::async, [this] { server_.Run(); });
  }
  ~StreamServer() {
    server_.Stop();
    run_done_.wait();
  }
  App& app() { return app_; }
  uint16_t port() const { return server_.port(); }

 private:
  App app_;
  HttpServer server_;
  std::future<void> run_done_;
};

std::string PostHead(std::string_view path, uint64_t length, std::string_view extra = "") {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         std::string(extra) + "\r\n";
}

std::string ChunkedHead(std::string_view path, std::string_view extra = "") {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" +
         std::string(extra) + "\r\n";
}

// Uploads `size` bytes to /s/sum while sampling the RSS; returns the largest growth seen.
size_t UploadAndCheck(StreamServer& server, uint64_t size, bool chunked) {
  RawHttpConnection warm(server.port());
  EXPECT_TRUE(warm.Send(PostHead("/s/sum", 10)) && warm.SendBody(10, 10, false));
  EXPECT_EQ(warm.ReadResponse().status, 200);  // pool threads and buffers exist now

  const size_t before = ResidentBytes();
  size_t peak = before;
  RawHttpConnection conn(server.port(), 20000ms);
  EXPECT_TRUE(conn.Send(chunked ? ChunkedHead("/s/sum") : PostHead("/s/sum", size)));
  constexpr uint64_t kSlice = 4 << 20;
  for (uint64_t sent = 0; sent < size; sent += kSlice) {
    // SendBody restarts the content at offset 0; send slices with the right offsets instead.
    std::string buf;
    const uint64_t n = std::min<uint64_t>(kSlice, size - sent);
    for (uint64_t off = 0; off < n; off += kPart) {
      const size_t piece = static_cast<size_t>(std::min<uint64_t>(kPart, n - off));
      buf.clear();
      // Chunked: 3 chunks per 64 KiB piece of odd sizes, so chunk and buffer boundaries differ.
      if (chunked) {
        size_t done = 0;
        const size_t third = piece / 3;
        const std::vector<size_t> cuts =
            piece < 64 ? std::vector<size_t>{piece}
                       : std::vector<size_t>{third + 7, third - 5, piece - 2 * third - 2};
        for (size_t cut : cuts) {
          char hex[24];
          buf.append(hex, static_cast<size_t>(std::snprintf(hex, sizeof(hex), "%zx\r\n", cut)));
          RawHttpConnection::AppendContent(sent + off + done, cut, &buf);
          buf.append("\r\n");
          done += cut;
        }
      } else {
        RawHttpConnection::AppendContent(sent + off, piece, &buf);
      }
      EXPECT_TRUE(conn.Send(buf));
    }
    peak = std::max(peak, ResidentBytes());
  }
  if (chunked) {
    EXPECT_TRUE(conn.Send("0\r\n\r\n"));
  }
  RawHttpResponse r = conn.ReadResponse();
  peak = std::max(peak, ResidentBytes());
  EXPECT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_EQ(r.body, SumBody(size, ExpectedFnv(size)));
  EXPECT_FALSE(r.closed);
  return peak - before;
}

TEST(StreamingRequestTest, FiftyMegabytesWithContentLengthAreReadWithFlatMemory) {
  StreamServer server;
  const size_t growth = UploadAndCheck(server, 50ull << 20, /*chunked=*/false);
  std::printf("RSS growth during a 50 MiB Content-Length upload: %zu KiB\n", growth >> 10);
  if (kMemoryFiguresMeaningful) {  // see tests/support/sanitizers.h
    EXPECT_LT(growth, size_t{8} << 20);
  }
}

TEST(StreamingRequestTest, FiftyMegabytesChunkedAreReadWithFlatMemory) {
  StreamServer server;
  const size_t growth = UploadAndCheck(server, 50ull << 20, /*chunked=*/true);
  std::printf("RSS growth during a 50 MiB chunked upload: %zu KiB\n", growth >> 10);
  if (kMemoryFiguresMeaningful) {  // see tests/support/sanitizers.h
    EXPECT_LT(growth, size_t{8} << 20);
  }
}

TEST(StreamingRequestTest, StreamBodyLimitReplacesTheNormalOne) {
  ServerOptions options = StreamOptions();
  options.stream_body_limit = 1 << 20;
  StreamServer server(options);
  const std::string message = "Request body exceeds the limit of 1048576 bytes (1 MiB)";
  {  // Under the streaming limit, far over body_limit (1 KiB): fine.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(ChunkedHead("/s/sum")) && conn.SendBody(512 << 10, 10000, true));
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, SumBody(512 << 10, ExpectedFnv(512 << 10)));
  }
  {  // Content-Length over it: known from the header, no body byte needed.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(PostHead("/s/sum", 2 << 20)));
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.body, message);
    EXPECT_EQ(r.headers["connection"], "close");
  }
  {  // Chunked over it: found while reading.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(ChunkedHead("/s/sum")));
    conn.SendBody(2 << 20, 10000, true);  // the server may stop draining before the end
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.body, message);
  }
  EXPECT_EQ(server.app().last_failure_status.load(), 413);
  {  // Non-streaming routes keep body_limit, with Content-Length and chunked.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(PostHead("/plain", 2000)));
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 413);
    EXPECT_NE(r.body.find("Request body exceeds the limit of 1024 bytes"), std::string::npos);
    RawHttpConnection chunked(server.port());
    ASSERT_TRUE(chunked.Send(ChunkedHead("/plain")));
    chunked.SendBody(2000, 500, true);
    EXPECT_EQ(chunked.ReadResponse().status, 413);
    RawHttpConnection small(server.port());
    ASSERT_TRUE(small.Send(PostHead("/plain", 3) + "abc"));
    RawHttpResponse ok = small.ReadResponse();
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "plain abc");
  }
}

TEST(StreamingRequestTest, StalledUploadGets408AfterTheReadTimeout) {
  ServerOptions options = StreamOptions();
  options.read_timeout = 500ms;
  options.idle_timeout = 500ms;
  options.header_timeout = 60'000ms;
  StreamServer server(options);
  RawHttpConnection conn(server.port(), 3 * kPromptBound);
  ASSERT_TRUE(conn.Send(PostHead("/s/sum", 100000) + "0123456789"));
  const Clock::time_point start = Clock::now();
  RawHttpResponse r = conn.ReadResponse();
  const auto elapsed = Since(start);
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.body, "Request timed out");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_GE(elapsed, 450ms);
  EXPECT_LT(elapsed, 500ms + kPromptBound);
  EXPECT_EQ(server.app().last_failure_status.load(), 408);
}

TEST(StreamingRequestTest, ReadTimeoutCountsFromTheLastProgressNotTheRequestStart) {
  // Pieces a fifth of the read timeout apart: a pause between two of them would have to stretch
  // five-fold (by 1.6 s) on a loaded machine to time out.
  constexpr std::chrono::milliseconds kReadTimeout = 2000ms;
  ServerOptions options = StreamOptions();
  options.read_timeout = kReadTimeout;
  options.idle_timeout = kReadTimeout;
  StreamServer server(options);
  RawHttpConnection conn(server.port());
  constexpr uint64_t kSize = 12000;
  ASSERT_TRUE(conn.Send(PostHead("/s/sum", kSize)));
  const Clock::time_point start = Clock::now();
  std::string piece;
  for (uint64_t offset = 0; offset < kSize; offset += 1000) {  // 12 pieces
    std::this_thread::sleep_for(kReadTimeout / 5);
    piece.clear();
    RawHttpConnection::AppendContent(offset, 1000, &piece);
    ASSERT_TRUE(conn.Send(piece));
  }
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_GT(Since(start), 2 * kReadTimeout);  // twice the read timeout, in total
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, SumBody(kSize, ExpectedFnv(kSize)));
}

// A last chunk arriving a byte or two at a time (see
// HttpServerTest.LastChunkArrivingInPiecesIsRead): Beast 1.74 asserted on it, so a build with
// assertions aborted.
TEST(StreamingRequestTest, LastChunkArrivingInPiecesIsRead) {
  const std::pair<std::vector<std::string_view>, std::string_view> cases[] = {
      {{"0\r\n", "\r", "\n"}, ""}, {{"3\r\nabc", "\r\n0\r\n", "\r", "\n"}, "abc"}};
  StreamServer server;
  for (const auto& [pieces, body] : cases) {
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(ChunkedHead("/s/sum")));
    for (std::string_view piece : pieces) {
      std::this_thread::sleep_for(50ms);  // so that the server reads each piece alone
      ASSERT_TRUE(conn.Send(piece));
    }
    RawHttpResponse r = conn.ReadResponse();
    Fnv fnv;
    fnv.Add(body);
    EXPECT_EQ(r.status, 200) << body;
    EXPECT_EQ(r.body, SumBody(body.size(), fnv.h));
  }
}

TEST(StreamingRequestTest, MalformedChunkingGets400) {
  StreamServer server;
  RawHttpConnection conn(server.port());
  ASSERT_TRUE(conn.Send(ChunkedHead("/s/sum") + "5\r\nhello\r\nzz\r\nmore\r\n"));
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Malformed HTTP request body (bad chunked encoding)");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(conn.WaitClosed(kPromptBound));
  EXPECT_EQ(server.app().last_failure_status.load(), 400);
}

TEST(StreamingRequestTest, ClientGoingAwayIsAFailureWithStatusZero) {
  StreamServer server;
  {
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(PostHead("/s/sum", 1 << 20) + std::string(1000, 'x')));
    std::this_thread::sleep_for(100ms);
  }  // closed mid-body
  const Clock::time_point start = Clock::now();
  while (server.app().last_failure_status.load() == -1 && Since(start) < 3 * kPromptBound) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(server.app().last_failure_status.load(), 0);
}

// Reads from `conn` until `needle` has arrived or `wait` passed.
bool ReceiveUntil(RawHttpConnection& conn, std::string_view needle, std::string* got,
                  std::chrono::milliseconds wait) {
  const Clock::time_point start = Clock::now();
  while (got->find(needle) == std::string::npos && Since(start) < wait) {
    if (!conn.ReceiveFor(20ms, got)) break;
  }
  return got->find(needle) != std::string::npos;
}

TEST(StreamingRequestTest, HundredContinueIsSentOnTheFirstReadOnly) {
  StreamServer server;
  {  // A handler that answers without reading: no 100, the client never uploads.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(PostHead("/s/unauth", 100000, "Expect: 100-continue\r\n")));
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 401);
    EXPECT_FALSE(r.saw_continue);
    EXPECT_EQ(r.body, "no");
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_TRUE(conn.WaitClosed(kPromptBound));
  }
  {  // A handler that reads: 100 first, then the body goes up.
    RawHttpConnection conn(server.port());
    ASSERT_TRUE(conn.Send(PostHead("/s/sum", 100000, "Expect: 100-continue\r\n")));
    std::string got;
    ASSERT_TRUE(ReceiveUntil(conn, "\r\n\r\n", &got, kPromptBound));
    EXPECT_EQ(got, "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(conn.SendBody(100000, 7000, false));
    RawHttpResponse r = conn.ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, SumBody(100000, ExpectedFnv(100000)));
    EXPECT_FALSE(r.closed);
  }
}

TEST(StreamingRequestTest, EarlyResponseClosesTheConnectionCleanly) {
  StreamServer server;
  RawHttpConnection conn(server.port());
  constexpr uint64_t kSize = 4 << 20;
  ASSERT_TRUE(conn.Send(PostHead("/s/early", kSize)));
  std::string first;
  RawHttpConnection::AppendContent(0, 100000, &first);
  ASSERT_TRUE(conn.Send(first));
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "early");
  EXPECT_EQ(r.headers["connection"], "close");
  // The rest of the body is drained, not parsed, and the close is orderly (no reset).
  EXPECT_TRUE(conn.SendBody(kSize - 100000, kPart, false));
  bool reset = false;
  EXPECT_TRUE(conn.WaitClosed(kPromptBound, &reset));
  EXPECT_FALSE(reset);
  // The server still serves new connections normally.
  RawHttpConnection next(server.port());
  ASSERT_TRUE(next.Send(PostHead("/s/sum", 5) + "hello"));
  EXPECT_EQ(next.ReadResponse().status, 200);
}

// Sends GET /s/hold on both connections (the server has 2 stream threads); true once both hold
// a stream thread.
bool HoldBothStreamThreads(StreamServer& server, RawHttpConnection (&held)[2]) {
  for (auto& conn : held) {
    if (!conn.Send("GET /s/hold HTTP/1.1\r\nHost: t\r\n\r\n")) return false;
  }
  const Clock::time_point start = Clock::now();
  while (server.app().holding.load() < 2 && Since(start) < kPromptBound) {
    std::this_thread::sleep_for(1ms);
  }
  return server.app().holding.load() == 2;
}

// Both stream threads are held: a third streaming request waits the read timeout, then gets 503
// (its body unread, the connection closed); the held ones finish normally.
TEST(StreamingRequestTest, WaitingLongerThanTheReadTimeoutForAStreamThreadIs503) {
  ServerOptions options = StreamOptions();
  options.read_timeout = 300ms;
  StreamServer server(options);
  RawHttpConnection held[2] = {RawHttpConnection(server.port()), RawHttpConnection(server.port())};
  ASSERT_TRUE(HoldBothStreamThreads(server, held));

  RawHttpConnection queued(server.port());
  const Clock::time_point sent = Clock::now();
  ASSERT_TRUE(queued.Send(PostHead("/s/sum", 5) + "hello"));
  RawHttpResponse r = queued.ReadResponse();
  EXPECT_EQ(r.status, 503);
  EXPECT_GE(Since(sent), 250ms);
  EXPECT_NE(r.body.find("Every import and export thread is busy"), std::string::npos) << r.body;
  EXPECT_EQ(r.headers["retry-after"], "1");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_EQ(server.app().sums_done.load(), 0);

  server.app().Release();
  for (auto& conn : held) {
    RawHttpResponse h = conn.ReadResponse();
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(h.body, "held");
  }
  RawHttpConnection next(server.port());
  ASSERT_TRUE(next.Send(PostHead("/s/sum", 5) + "hello"));
  EXPECT_EQ(next.ReadResponse().status, 200);
  EXPECT_EQ(server.app().sums_done.load(), 1);  // the expired request never ran
}

// A request that waits less than the read timeout for a stream thread runs once one is free.
TEST(StreamingRequestTest, AQueuedRequestRunsWhenAStreamThreadFrees) {
  StreamServer server;  // read timeout 2 s
  RawHttpConnection held[2] = {RawHttpConnection(server.port()), RawHttpConnection(server.port())};
  ASSERT_TRUE(HoldBothStreamThreads(server, held));
  RawHttpConnection queued(server.port());
  ASSERT_TRUE(queued.Send(PostHead("/s/sum", 5) + "hello"));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.app().sums_done.load(), 0);  // no thread for it yet
  server.app().Release();
  RawHttpResponse r = queued.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, SumBody(5, [] {
              Fnv f;
              f.Add("hello");
              return f.h;
            }()));
  for (auto& conn : held) EXPECT_EQ(conn.ReadResponse().status, 200);
}

TEST(StreamingResponseTest, TwentyMegabytesArriveChunkedAndKeepAliveContinues) {
  constexpr uint64_t kSize = 20 << 20;
  // Computed first: the connection must not sit idle (idle_timeout) while it is computed.
  const uint64_t expected = ExpectedFnv(kSize);
  StreamServer server;
  RawHttpConnection conn(server.port(), 20000ms);
  ASSERT_TRUE(
      conn.Send("GET /s/stream?bytes=" + std::to_string(kSize) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
  Fnv fnv;
  RawHttpResponse r = conn.ReadResponse(false, [&](std::string_view data) { fnv.Add(data); });
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.headers.count("content-length"), 0u);
  EXPECT_EQ(r.headers["content-type"], "text/plain");
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.body_bytes, kSize);
  EXPECT_EQ(r.chunks, kSize / kPart);
  EXPECT_EQ(fnv.h, expected);
  EXPECT_FALSE(r.closed);
  // Same connection: a plain request, then another streaming one.
  ASSERT_TRUE(conn.Send(PostHead("/plain", 2) + "hi"));
  RawHttpResponse plain = conn.ReadResponse();
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "plain hi");
  ASSERT_TRUE(conn.Send(PostHead("/s/sum", 3) + "abc"));
  RawHttpResponse sum = conn.ReadResponse();
  EXPECT_EQ(sum.status, 200);
  Fnv abc;
  abc.Add("abc");
  EXPECT_EQ(sum.body, SumBody(3, abc.h));
  EXPECT_FALSE(sum.closed);
}

TEST(StreamingResponseTest, AbortedProducerLeavesAnUnterminatedBody) {
  StreamServer server;
  RawHttpConnection conn(server.port());
  ASSERT_TRUE(conn.Send("GET /s/abort HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.body, std::string(1000, 'a') + std::string(1000, 'b') + std::string(1000, 'c'));
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.closed);
}

TEST(StreamingResponseTest, ClientThatStopsReadingFailsWriteWithinTheWriteDeadline) {
  ServerOptions options = StreamOptions();
  options.read_timeout = 1000ms;  // write deadline: max(read, idle) timeout
  options.idle_timeout = 1000ms;
  StreamServer server(options);
  RawHttpConnection conn(server.port(), 5000ms, /*receive_buffer=*/16 << 10);
  ASSERT_TRUE(conn.Send("GET /s/stall HTTP/1.1\r\nHost: t\r\n\r\n"));
  const Clock::time_point start = Clock::now();
  while (!server.app().stall_done.load() && Since(start) < 3 * kPromptBound) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(server.app().stall_done.load());
  std::printf("parts written before the stall: %d; failing Write took %lld ms\n",
              server.app().stall_parts.load(),
              static_cast<long long>(server.app().stall_gap_ms.load()));
  EXPECT_GE(server.app().stall_gap_ms.load(), 900);
  EXPECT_LT(server.app().stall_gap_ms.load(), 1000 + kPromptBound.count());
}

TEST(StreamingResponseTest, Http10GetsACloseDelimitedBody) {
  StreamServer server;
  RawHttpConnection conn(server.port());
  constexpr uint64_t kSize = 200000;
  ASSERT_TRUE(conn.Send("GET /s/stream?bytes=" + std::to_string(kSize) + " HTTP/1.0\r\n\r\n"));
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.chunked);
  EXPECT_EQ(r.headers.count("transfer-encoding"), 0u);
  EXPECT_EQ(r.headers.count("content-length"), 0u);
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(r.closed);
  std::string expected;
  RawHttpConnection::AppendContent(0, kSize, &expected);
  EXPECT_EQ(r.body, expected);
}

TEST(StreamingResponseTest, HeadGetsTheChunkedHeadWithoutABody) {
  ServerOptions options = StreamOptions();
  StreamServer server(options);
  RawHttpConnection conn(server.port());
  // HEAD is not a streaming method for App::IsStreaming's caller, but the path is under /s/.
  ASSERT_TRUE(conn.Send("HEAD /s/stream?bytes=100 HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawHttpResponse r = conn.ReadResponse(/*head_only=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  ASSERT_TRUE(conn.Send(PostHead("/plain", 1) + "x"));
  RawHttpResponse next = conn.ReadResponse();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "plain x");
}

TEST(StreamingResponseTest, StreamFromANonStreamingRouteIs500) {
  StreamServer server;
  RawHttpConnection conn(server.port());
  ASSERT_TRUE(conn.Send("GET /bad-stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawHttpResponse r = conn.ReadResponse();
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.complete);
  ASSERT_TRUE(conn.Send(PostHead("/plain", 1) + "y"));
  EXPECT_EQ(conn.ReadResponse().body, "plain y");
}

}  // namespace
}  // namespace contactd::net
