// HttpClient: a small synchronous HTTP/1.1 client for tests (Boost.Beast underneath, hidden
// here). Keeps one connection alive across requests and reconnects when the server closed it.
// RawExchange sends arbitrary bytes on a fresh connection, for malformed-request tests.
//
// Every network wait is bounded (5 s by default), so a misbehaving server fails a test instead
// of hanging it. Failures to connect or to read a response come back as status 0 with the error
// in `body`.
//
// Thread-safety: one HttpClient per thread; RawExchange is reentrant.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contactd::testing {

struct HttpResult {
  int status = 0;  // 0: no response (see body)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by ", "
  bool connection_closed = false;              // the connection ended with this response
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads its response. `headers` are added as given, after Host and
  // Content-Length; a "Transfer-Encoding: chunked" header makes the body go out chunked.
  HttpResult Request(std::string_view method, std::string_view target, std::string_view body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {});

  // How many TCP connections this client has opened so far.
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Connects, sends `raw_bytes` (if any), and returns everything read until the server closes the
// connection or `timeout` passes.
std::string RawExchange(std::string host, uint16_t port, std::string raw_bytes,
                        std::chrono::milliseconds timeout);

}  // namespace contactd::testing
