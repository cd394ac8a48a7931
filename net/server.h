// HttpServer: the Boost.Beast HTTP/1.1 server. A listener accepts connections on `threads` Asio
// threads; one session per connection reads a request with a fresh parser (body and header
// limits), hands it to the Handler, writes the response and keeps the connection alive.
//
// Limits: a body over `body_limit` is answered 413 (then the connection closes, since the rest of
// the body is unread); headers over `header_limit` 431; a request with both Content-Length and
// Transfer-Encoding 400 and close; malformed HTTP 400 and close. A connection idle (no byte of a
// next request) for `idle_timeout` is closed; a request whose header is not complete within
// `header_timeout` of its first byte, or which is not fully read within `read_timeout` of it, is
// answered 408 and closed. A new connection that sends nothing is closed after `header_timeout`
// (or `idle_timeout` if shorter). A slowloris client, trickling a never-ending header or sending
// nothing, therefore holds a connection for at most about twice `header_timeout`.
//
// Connection cap: at most `max_connections` connections are served at once. A connection that
// arrives at the cap evicts one that is waiting for request bytes (idle between requests, or still
// sending its header), which is closed without a response; a connection in the middle of a body,
// a handler or a response is never evicted. The victim is a connection that has not completed a
// request header yet: the one that started sending its header first, or if none has sent a byte,
// the one that connected first. (A trickler shows itself by a partial header; a connection that
// has sent nothing may be a client whose request is still on its way, so it goes last.) But if a
// connection that has completed one (a client's kept-alive connection) has waited
// `header_timeout` longer (from its last response; the other, from its connect), the longest
// waiting of those goes instead. So a kept-alive client pausing between requests is not cut off
// by a flood of connections that never complete one, which replaces its own members within a
// fraction of a second, and a client that has just connected is not cut off by tricklers. If
// every connection is busy, the new one gets 503 "Server is at its connection limit; try again
// later" with Retry-After: 1 and is closed. So connections that hold a slot without completing a
// request (slowloris) cannot keep a real client out. A connection gives its slot back as soon as
// it starts closing. The connections that have not completed a request are kept in two lists in
// those orders, so the victim among them is found at once; the others are found by a scan of all
// connections that keeps the 64 waiting longest, so a scan comes at most once per 64 evictions of
// those, or once per header timeout while only the former are evicted. Below the cap, admission
// is one size check under the mutex each connection takes anyway.
//
// Handlers that may block (those for which `is_blocking` returns true: writes waiting on a WAL
// sync) run on a separate pool of `blocking_threads`, so Asio threads keep serving other
// connections meanwhile; all others run inline on the Asio thread.
//
// Streaming requests (those for which `is_streaming` returns true on the header: imports and
// exports) run their handler on a third pool of `stream_threads` as soon as the header is in,
// with HttpRequest::body_reader instead of a body read up front; further ones queue until a
// stream thread is free, for at most `read_timeout` (then 503 with Retry-After). The body is read
// in pieces as the handler asks for it, so it is never held whole: it is limited by
// `stream_body_limit` (0: unlimited) instead of `body_limit`, and `read_timeout` applies to each
// read (time without progress) instead of to the whole request. A response with
// HttpResponse::stream set (honoured for streaming handlers only, 500 elsewhere) goes out with
// chunked encoding (HTTP/1.0: close-delimited), one chunk per BodyWriter::Write, each bounded by
// the write deadline (max(read_timeout, idle_timeout)).
//
// Shutdown (Stop(), or SIGINT/SIGTERM when handle_signals): stop accepting, let in-flight requests
// finish and send their responses (with Connection: close), close idle connections, then Run()
// returns.
//
// Thread-safety: Start() then Run() from one thread; Stop() and port() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/status.h"
#include "net/http_types.h"

namespace contactd::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port; port() tells which
  int threads = 1;
  int blocking_threads = 16;
  int stream_threads = 4;        // handlers of streaming requests (imports, exports)
  size_t stream_body_limit = 0;  // streaming request bodies; 0: unlimited
  size_t body_limit = size_t{16} << 20;
  size_t header_limit = size_t{16} << 10;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  size_t max_connections = 10'000;  // REQUIRES: >= 1
  bool handle_signals = true;       // SIGINT/SIGTERM call Stop()
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  using IsBlocking = std::function<bool(const HttpRequest&)>;
  // Called with the request head (no body); empty: no streaming requests.
  using IsStreaming = std::function<bool(const HttpRequest&)>;

  HttpServer(ServerOptions options, Handler handler, IsBlocking is_blocking,
             IsStreaming is_streaming = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns kUnavailable (with the reason) when the address cannot be bound.
  Status Start();
  // The bound port. REQUIRES: Start() succeeded.
  uint16_t port() const;
  // Serves until Stop(); returns after the shutdown has drained.
  void Run();
  // Starts a graceful shutdown; safe from any thread and from a signal handler's Asio callback.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace contactd::net
