// Test helpers for the HttpServer tests (tests/net/server_test.cc, connection_limit_test.cc): a
// dummy application, small ServerOptions, a server running on its own thread, and a raw socket
// for byte-by-byte control. Every server binds 127.0.0.1 port 0.
//
// Thread-safety: a TestServer is driven by one test thread (its handlers run on server threads);
// a RawSocket belongs to one thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "net/server.h"
#include "tests/support/http_client.h"

namespace contactd::net::test {

using namespace std::chrono_literals;
using contactd::testing::HttpClient;
using contactd::testing::HttpResult;
using contactd::testing::RawExchange;
using Clock = std::chrono::steady_clock;

inline std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

inline bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The dummy application: echoes the request; /slow sleeps (and is the blocking route), /throw
// and /slow-throw throw, /missing answers 404 with an extra header, /close asks to close.
// While slow handlers are held (HoldSlowHandlers), /slow waits for ReleaseSlowHandlers() instead
// of sleeping: a test that needs a handler in progress then decides when it ends, so that what it
// checks meanwhile does not depend on how fast the machine is.
struct Handlers {
  std::atomic<int> slow_started{0};
  std::chrono::milliseconds slow_time{600};

  void HoldSlowHandlers() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void ReleaseSlowHandlers() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    released_.notify_all();
  }

  HttpResponse Handle(const HttpRequest& request) {
    if (request.path == "/slow" || request.path == "/slow-throw") {
      ++slow_started;
      std::unique_lock lock(mu_);
      if (held_) {
        released_.wait(lock, [this] { return !held_; });
      } else {
        lock.unlock();
        std::this_thread::sleep_for(slow_time);
      }
    }
    if (request.path == "/throw" || request.path == "/slow-throw") throw std::runtime_error("boom");
    HttpResponse response;
    if (request.path == "/missing") {
      response.status = 404;
      response.body = R"({"message":"Resource not found"})";
      response.headers = {{"Allow", "GET, POST"}, {"Retry-After", "7"}};
      return response;
    }
    response.close = request.path == "/close";
    response.content_type = "text/plain";
    response.body = request.method + " " + request.path + " ?" + request.query + " " + request.body;
    response.headers = {{"X-Authorization", request.authorization},
                        {"X-Content-Type", request.content_type}};
    return response;
  }
  static bool IsBlocking(const HttpRequest& request) { return request.path.starts_with("/slow"); }

 private:
  std::mutex mu_;
  std::condition_variable released_;
  bool held_ = false;  // guarded by mu_
};

inline ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  options.blocking_threads = 2;
  options.body_limit = 1024;
  options.header_limit = 1024;
  options.read_timeout = 2000ms;
  options.idle_timeout = 2000ms;
  options.handle_signals = false;
  return options;
}

// How long a test waits for what the server does promptly (an answer, a close): a generous bound,
// since a loaded machine running the suite under a sanitizer can take seconds, and one that the
// timeouts of LongTimeoutOptions() lie far beyond.
constexpr std::chrono::milliseconds kCloseBound = 10'000ms;

// TestOptions() whose timeouts lie far beyond kCloseBound: a connection closed within it was closed
// on purpose (or by the one timeout a test shortens), not by another timeout.
inline ServerOptions LongTimeoutOptions() {
  ServerOptions options = TestOptions();
  options.read_timeout = 60'000ms;
  options.idle_timeout = 60'000ms;
  options.header_timeout = 60'000ms;
  return options;
}

// A started server running on its own thread; stopped and joined on destruction.
class TestServer {
 public:
  explicit TestServer(ServerOptions options = TestOptions())
      : server_(
            std::move(options), [this](const HttpRequest& r) { return handlers_.Handle(r); },
            &Handlers::IsBlocking) {
    Status status = server_.Start();
    EXPECT_TRUE(status.ok()) << status.ToString();
    run_done_ = std::async(std::launch::async, [this] { server_.Run(); });
  }
  ~TestServer() {
    handlers_.ReleaseSlowHandlers();  // a test that failed while holding them
    server_.Stop();
    run_done_.wait();
  }

  HttpServer& server() { return server_; }
  Handlers& handlers() { return handlers_; }
  uint16_t port() const { return server_.port(); }
  HttpClient Client() { return HttpClient("127.0.0.1", port()); }
  // RawExchange: returns once the server closed the connection, or at `timeout`.
  std::string Raw(std::string bytes, std::chrono::milliseconds timeout = 2 * kCloseBound) {
    return RawExchange("127.0.0.1", port(), std::move(bytes), timeout);
  }
  bool RunReturnedWithin(std::chrono::milliseconds timeout) {
    return run_done_.wait_for(timeout) == std::future_status::ready;
  }
  void WaitForSlowHandlers(int n) {
    while (handlers_.slow_started.load() < n) std::this_thread::sleep_for(1ms);
  }

 private:
  Handlers handlers_;
  HttpServer server_;
  std::future<void> run_done_;
};

// A plain socket, for byte-by-byte control over what the server receives.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    EXPECT_TRUE(connected_);
  }
  ~RawSocket() { close(fd_); }
  bool Send(std::string_view bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool connected() const { return connected_; }
  // Reads until the server closes the connection or `timeout` passes; true if it closed.
  bool WaitClosed(std::chrono::milliseconds timeout, std::string* out = nullptr) {
    const Clock::time_point start = Clock::now();
    std::string ignored;
    while (Since(start) < timeout) {
      if (!Receive(out ? out : &ignored,
                   std::min<std::chrono::milliseconds>(50ms, timeout - Since(start)))) {
        return true;
      }
    }
    return false;
  }
  // Reads what arrives within `wait`; false once the server closed the connection.
  bool Receive(std::string* out, std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, static_cast<int>(wait.count())) > 0) {
      char buf[4096];
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return false;
      out->append(buf, static_cast<size_t>(n));
      wait = 0ms;  // take what is there, do not wait again
    }
    return true;
  }

 private:
  int fd_;
  bool connected_ = false;
};

}  // namespace contactd::net::test
