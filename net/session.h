// Session: one HTTP/1.1 connection of the HttpServer (net/server.h). Internal to net/; only
// server.cc and session.cc include this header (it pulls in Beast and Asio).
//
// A session loops: wait for the first byte of a request (idle timeout), parse the header with a
// fresh request_parser (read timeout from the first byte), check it, read the body, run the
// Handler (inline, or on the blocking pool when IsBlocking says so), write the response, repeat
// while keep-alive. Errors the HTTP layer finds are answered with TransportErrorResponse and the
// connection is closed; after such an error the unread input is drained for a short while
// ("lingering close") so that the client sees the response instead of a reset.
//
// Timeouts use one steady_timer per session, re-armed lazily: a phase only moves `deadline_`, and
// the timer is re-armed just before an asynchronous operation when it would fire too late. A small
// request that arrives in one read therefore costs no timer operation at all.
//
// Thread-safety: a session runs on its own executor (a strand when the server has several
// threads); Start() and the stop notification may be called from any thread and hop onto it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/http_types.h"
#include "net/server.h"

namespace contactd::net::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// State shared by the listener and every session of one server. Outlives all sessions.
// Member order matters for destruction: the blocking pool goes first (its queued jobs own
// sessions), then the io_context (its queued handlers own sessions), while the session registry
// they unregister from is still alive.
struct ServerContext {
  ServerContext(ServerOptions options, HttpServer::Handler handler,
                HttpServer::IsBlocking is_blocking);

  // Records a live session so that a stop can reach it.
  void Register(Session* session);
  void Unregister(Session* session);
  // Tells every live session that the server is stopping (idle ones close at once).
  // REQUIRES: `stopping` is already true.
  void NotifySessionsOfStop();

  const ServerOptions options;
  const HttpServer::Handler handler;
  const HttpServer::IsBlocking is_blocking;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::unordered_set<Session*> sessions;  // guarded by mu

  asio::io_context ioc;
  asio::thread_pool blocking_pool;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerContext& ctx, tcp::socket socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts serving on the session's executor. Call once, right after make_shared.
  void Start();
  // The server is stopping: close now if idle, else finish the current request with
  // Connection: close. Runs on the session's executor.
  void OnServerStop();
  const asio::any_io_executor& executor() { return executor_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering };

  // Reading.
  void ReadRequest();
  void OnFirstBytes(beast::error_code ec, size_t n);
  void ParseHeader();
  void OnHeader();
  void ReadBody();
  void OnReadError(beast::error_code ec);
  // Handling and writing.
  void OnRequest();
  HttpResponse Invoke();
  void Respond(HttpResponse response);
  void Fail(int http_status, std::string_view message);
  void OnWritten(beast::error_code ec);
  // Closing and timeouts.
  void CloseGracefully(bool linger);
  void Drain();
  void Close();
  void SetDeadline(std::chrono::milliseconds timeout) { deadline_ = Clock::now() + timeout; }
  void ArmTimer();
  void OnTimer(uint64_t generation, beast::error_code ec);

  ServerContext& ctx_;
  asio::any_io_executor executor_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;  // reused for every request of the connection
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  HttpResponse response_;
  std::string head_;  // the serialized status line and headers of response_

  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_;
  Clock::time_point timer_expiry_;
  uint64_t timer_generation_ = 0;
  bool timer_armed_ = false;
  bool timed_out_ = false;  // the read deadline passed; the cancelled read answers 408
  bool closed_ = false;
  // Facts about the current request.
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool close_after_write_ = false;
  bool linger_ = false;  // input of the current request may be left unread
};

}  // namespace contactd::net::internal
